export * from './backport-definitions';
export * from './issues';
export { type FocusResource, FOCUS_RESOURCE_TYPE } from './focus-resources';
export * from './topics';
export {
  RECORD_CHANGE_EVENT_SYSTEM,
  subscriptionCapabilityResources,
  topicAsBasic,
  topicSearchBundle,
} from './topic-resources';
export { EVENT_KINDS, eventKindOf } from './event-kinds';
export { filterCriteriaStrings, parseFilterCriteria, type FilterCriteriaResult } from './filter-criteria';
export type { SubscriptionFilter } from './filter-values';
export * from './topic-events';
export { isLocalHost, MAX_ENDPOINT_LENGTH, type EndpointOptions } from './channel-endpoint';
export { MAX_CHANNEL_HEADERS, MAX_CHANNEL_HEADER_BYTES, redactedChannelHeader } from './channel-header';
export {
  CHANNEL_LIMITS,
  PAYLOAD_CONTENTS,
  type ChannelRequest,
  type NotificationChannel,
  type PayloadContent,
} from './subscription-channel';
export * from './subscription-resource';
export type {
  NotificationEvent,
  NotificationType,
  SubscriptionStatusCode,
  SubscriptionStatusInput,
} from './subscription-status';
export * from './notification-bundle';
export * from './events-query';
export * from './delivery-policy';
