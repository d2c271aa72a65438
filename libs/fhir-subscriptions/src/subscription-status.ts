import type { Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { BACKPORT_PROFILES } from './backport-definitions';
import type { FocusResource } from './focus-resources';
import type { PayloadContent } from './subscription-channel';

export type NotificationType =
  'handshake' | 'heartbeat' | 'event-notification' | 'query-status' | 'query-event';
export type SubscriptionStatusCode = 'requested' | 'active' | 'error' | 'off';

/** Where a subscription stands, as a notification or $status reports it. */
export interface SubscriptionStatusInput {
  readonly id: string;
  readonly topicUrl: string;
  readonly status: SubscriptionStatusCode;
  /** Events numbered so far, delivered or not; handshakes and heartbeats are not events. */
  readonly eventsSinceSubscriptionStart: number;
  /** Why the subscription is in error, for the subscriber. */
  readonly error?: string;
}

/** One numbered event a notification reports. */
export interface NotificationEvent {
  readonly eventNumber: number;
  /** When the event occurred: an instant (ISO 8601). */
  readonly timestamp: string;
  readonly focus: FocusResource;
  /** The focus as the record API renders it; full-resource notifications only. */
  readonly resource?: Resource;
  /** The change removed the focus: its entry is a DELETE, and it has no resource. */
  readonly removed?: boolean;
}

export const subscriptionUrl = (baseUrl: string, id: string) => `${baseUrl}/Subscription/${id}`;
export const focusUrl = (baseUrl: string, focus: FocusResource) =>
  `${baseUrl}/${focus.resourceType}/${focus.id}`;

/**
 * SubscriptionStatus as R4 carries it: a Parameters in the backport-subscription-status-r4 profile
 * (StructureDefinition-backport-subscription-status-r4.html). Counts and event numbers are strings there (R4's
 * Parameters has no integer64). The topic is left out of `empty` notifications (the profile: SHOULD NOT be present
 * when using empty payloads), and so are the events' focus references (payloads.html: SHALL NOT be present).
 */
export function subscriptionStatusParameters(
  id: string,
  type: NotificationType,
  subscription: SubscriptionStatusInput,
  baseUrl: string,
  payload: PayloadContent,
  events: readonly NotificationEvent[],
  error: string | undefined,
): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'subscription', valueReference: { reference: subscriptionUrl(baseUrl, subscription.id) } },
    ...(payload === 'empty' ? [] : [{ name: 'topic', valueCanonical: subscription.topicUrl }]),
    { name: 'status', valueCode: subscription.status },
    { name: 'type', valueCode: type },
    {
      name: 'events-since-subscription-start',
      valueString: String(subscription.eventsSinceSubscriptionStart),
    },
    ...events.map((event) => notificationEvent(event, baseUrl, payload)),
    ...(error === undefined ? [] : [{ name: 'error', valueCodeableConcept: { text: error } }]),
  ];
  return {
    resourceType: 'Parameters',
    id,
    meta: { profile: [BACKPORT_PROFILES.subscriptionStatus] },
    parameter,
  };
}

function notificationEvent(
  event: NotificationEvent,
  baseUrl: string,
  payload: PayloadContent,
): ParametersParameter {
  return {
    name: 'notification-event',
    part: [
      { name: 'event-number', valueString: String(event.eventNumber) },
      { name: 'timestamp', valueInstant: event.timestamp },
      ...(payload === 'empty'
        ? []
        : [{ name: 'focus', valueReference: { reference: focusUrl(baseUrl, event.focus) } }]),
    ],
  };
}
