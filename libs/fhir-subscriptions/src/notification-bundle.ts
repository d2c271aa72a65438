import { CrosscareError } from '@crosscare/errors';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { BACKPORT_PROFILES } from './backport-definitions';
import { nameBasedId } from './name-based-id';
import type { PayloadContent } from './subscription-channel';
import {
  type NotificationEvent,
  type NotificationType,
  type SubscriptionStatusInput,
  focusUrl,
  subscriptionStatusParameters,
  subscriptionUrl,
} from './subscription-status';

export interface NotificationBundleInput {
  readonly type: NotificationType;
  readonly subscription: SubscriptionStatusInput;
  /** The FHIR base the subscription and focus references resolve against. */
  readonly baseUrl: string;
  readonly payload: PayloadContent;
  readonly events: readonly NotificationEvent[];
  /** Why the subscription is in error; the subscription's own error when not given. */
  readonly error?: string;
  /** An instant (ISO 8601): the Bundle's timestamp. */
  readonly now: string;
}

/** A notification asked for with events its type cannot carry, or without the events it must: a caller's bug. */
export class NotificationShapeError extends CrosscareError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

const CARRIES_NO_EVENTS: readonly NotificationType[] = ['handshake', 'heartbeat', 'query-status'];

/**
 * A notification as R4 carries it (notifications.html; StructureDefinition-backport-subscription-notification-r4):
 * a `history` Bundle whose first entry is the SubscriptionStatus Parameters, its request a GET of the subscription's
 * $status (bdl-3 and bdl-4 require a request on every entry of a history Bundle). Then, by payload (payloads.html):
 * - empty: nothing more, and the status names no resource;
 * - id-only: the status names each event's focus, and one entry per event gives its URL, without the resource;
 * - full-resource: the same entries with the resource; one that could not be rendered keeps only request and
 *   response, as the IG requires. A removed focus is a DELETE entry.
 * Event entries are a GET of the focus, which the IG allows in place of the original write.
 */
export function notificationBundle(input: NotificationBundleInput): Bundle {
  const { type, subscription, baseUrl, payload, events, now } = input;
  if (CARRIES_NO_EVENTS.includes(type) && events.length > 0) {
    throw new NotificationShapeError(
      `a ${type} notification carries no events, but ${events.length} were given`,
    );
  }
  if (type === 'event-notification' && events.length === 0) {
    throw new NotificationShapeError('an event-notification needs at least one event');
  }
  const numbers = events.map((event) => event.eventNumber).join(',');
  const statusId = nameBasedId('status', subscription.id, type, now, numbers);
  const error = input.error ?? subscription.error;
  const status = subscriptionStatusParameters(statusId, type, subscription, baseUrl, payload, events, error);
  const statusEntry: BundleEntry = {
    fullUrl: `urn:uuid:${statusId}`,
    resource: status,
    request: { method: 'GET', url: `${subscriptionUrl(baseUrl, subscription.id)}/$status` },
    response: { status: '200' },
  };
  const eventEntries = payload === 'empty' ? [] : events.map((event) => eventEntry(event, baseUrl, payload));
  return {
    resourceType: 'Bundle',
    id: nameBasedId('notification', subscription.id, type, now, numbers),
    meta: { profile: [BACKPORT_PROFILES.notificationBundle] },
    type: 'history',
    timestamp: now,
    entry: [statusEntry, ...eventEntries],
  };
}

function eventEntry(event: NotificationEvent, baseUrl: string, payload: PayloadContent): BundleEntry {
  const url = `${event.focus.resourceType}/${event.focus.id}`;
  const resource = payload === 'full-resource' && event.removed !== true ? event.resource : undefined;
  return {
    fullUrl: focusUrl(baseUrl, event.focus),
    ...(resource === undefined ? {} : { resource }),
    request: event.removed === true ? { method: 'DELETE', url } : { method: 'GET', url },
    response: { status: event.removed === true ? '204' : '200' },
  };
}

export interface StatusBundleInput {
  readonly baseUrl: string;
  /** An instant (ISO 8601). */
  readonly now: string;
  readonly statuses: readonly SubscriptionStatusInput[];
}

/**
 * $status's answer: a `searchset` Bundle of one SubscriptionStatus per subscription asked about, each of type
 * query-status (OperationDefinition-backport-subscription-status.html).
 */
export function statusBundle({ baseUrl, now, statuses }: StatusBundleInput): Bundle {
  return {
    resourceType: 'Bundle',
    id: nameBasedId('status-bundle', now, ...statuses.map((status) => status.id)),
    type: 'searchset',
    timestamp: now,
    total: statuses.length,
    entry: statuses.map((subscription) => {
      const id = nameBasedId('status', subscription.id, 'query-status', now);
      const resource = subscriptionStatusParameters(
        id,
        'query-status',
        subscription,
        baseUrl,
        'id-only',
        [],
        subscription.error,
      );
      return { fullUrl: `urn:uuid:${id}`, resource, search: { mode: 'match' } };
    }),
  };
}
