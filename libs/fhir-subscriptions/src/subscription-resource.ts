import type { Extension, Subscription, SubscriptionChannel } from '@medplum/fhirtypes';
import { BACKPORT_EXTENSIONS, BACKPORT_PROFILES } from './backport-definitions';
import type { EndpointOptions } from './channel-endpoint';
import { redactedChannelHeader } from './channel-header';
import { filterCriteriaStrings, parseFilterCriteria } from './filter-criteria';
import type { SubscriptionFilter } from './filter-values';
import { extensionsWithUrl, isObject, refuseModifierExtensions } from './fhir-json';
import { type Checked, type SubscriptionIssue, issue } from './issues';
import { type ChannelRequest, parseChannel } from './subscription-channel';
import { TOPICS, type TopicDefinition, topicByUrl } from './topics';

/** A Subscription request, checked: what the subscriber asked for, in Crosscare's terms. */
export interface SubscriptionRequest extends ChannelRequest {
  readonly topic: TopicDefinition;
  readonly filter: SubscriptionFilter;
  /** An instant (ISO 8601, UTC) after which nothing is notified. */
  readonly end?: string;
  readonly reason: string;
  /** `off` when the client switches the subscription off (an update); otherwise the server decides (R4). */
  readonly requestedStatus: 'requested' | 'off';
}

export interface ParseSubscriptionOptions extends EndpointOptions {
  /** Now, epoch ms: `end` must be later. */
  readonly now: number;
  /** The subscribing organisation; registered-with must name it (a practice follows only its own list). */
  readonly subscriberOdsCode?: string;
}

export const MAX_REASON_LENGTH = 1024;

/** FHIR's instant: to the second at least, with a zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An R4 Subscription (backport-subscription profile) from untrusted JSON. Checks what the IG says a server SHOULD
 * before accepting (components.html, "Accepting Subscription Requests"): the topic is one Crosscare serves, every
 * filter is one the topic defines, the channel type and endpoint are usable, the payload is one Crosscare sends.
 * Every issue is reported at once. `id`, `meta` and `error` are the server's and are ignored.
 */
export function parseSubscription(
  json: unknown,
  options: ParseSubscriptionOptions,
): Checked<SubscriptionRequest> {
  if (!isObject(json) || json.resourceType !== 'Subscription') {
    return {
      ok: false,
      issues: [issue('invalid', 'Subscription', 'the body must be a Subscription resource')],
    };
  }
  const issues: SubscriptionIssue[] = [];
  refuseModifierExtensions(json, 'Subscription', issues);
  const requestedStatus = statusOf(json.status, issues);
  const reason = reasonOf(json.reason, issues);
  const end = endOf(json.end, options.now, issues);
  const topic = topicOf(json.criteria, issues);
  const filter = topic === undefined ? undefined : filterOf(topic, json._criteria, options, issues);
  const channel = parseChannel(json.channel, options, issues);
  if (issues.length > 0 || !topic || !filter || !channel || !requestedStatus || reason === undefined) {
    return { ok: false, issues };
  }
  const value = { topic, filter, ...channel, reason, requestedStatus, ...(end === undefined ? {} : { end }) };
  return { ok: true, value };
}

/**
 * R4: "the client can only submit subscription resources in the requested or off state". The IG's examples send
 * `active`, so it is read as `requested`: the server activates a rest-hook only after its handshake (channels.html).
 */
function statusOf(
  status: unknown,
  issues: SubscriptionIssue[],
): SubscriptionRequest['requestedStatus'] | undefined {
  if (status === 'requested' || status === 'active') return 'requested';
  if (status === 'off') return 'off';
  const at = 'Subscription.status';
  if (status === undefined) issues.push(issue('required', at, 'status is required (requested)'));
  else if (status === 'error')
    issues.push(issue('value', at, 'only the server puts a subscription in error'));
  else issues.push(issue('value', at, 'status must be requested, active or off'));
  return undefined;
}

function reasonOf(reason: unknown, issues: SubscriptionIssue[]): string | undefined {
  const at = 'Subscription.reason';
  if (typeof reason !== 'string' || reason.trim() === '') {
    issues.push(issue('required', at, 'reason is required: why the subscription is needed'));
    return undefined;
  }
  if (reason.length > MAX_REASON_LENGTH) {
    issues.push(issue('value', at, `reason may be at most ${MAX_REASON_LENGTH} characters`));
    return undefined;
  }
  return reason.trim();
}

function endOf(end: unknown, now: number, issues: SubscriptionIssue[]): string | undefined {
  if (end === undefined) return undefined;
  const at = 'Subscription.end';
  const time = typeof end === 'string' && INSTANT.test(end) ? Date.parse(end) : NaN;
  if (!Number.isFinite(time)) {
    issues.push(issue('value', at, 'end must be an instant with a time zone, e.g. 2027-01-31T00:00:00Z'));
    return undefined;
  }
  if (time <= now) {
    issues.push(issue('value', at, 'end is not in the future'));
    return undefined;
  }
  return new Date(time).toISOString();
}

function topicOf(criteria: unknown, issues: SubscriptionIssue[]): TopicDefinition | undefined {
  const at = 'Subscription.criteria';
  if (typeof criteria !== 'string' || criteria.trim() === '') {
    issues.push(issue('required', at, 'criteria is required: the canonical URL of a topic'));
    return undefined;
  }
  const topic = topicByUrl(criteria);
  if (topic !== undefined) return topic;
  if (/^[A-Z][A-Za-z]*\?/.test(criteria.trim())) {
    issues.push(
      issue(
        'not-supported',
        at,
        'query-based (R4) subscriptions are not supported: criteria must be a topic canonical, with filters in ' +
          `${BACKPORT_EXTENSIONS.filterCriteria} extensions on it`,
      ),
    );
  } else {
    const known = TOPICS.map((definition) => definition.url).join(', ');
    issues.push(issue('value', at, `${criteria} is not a topic Crosscare serves (topics: ${known})`));
  }
  return undefined;
}

/** The filter criteria are extensions on the criteria primitive: in FHIR JSON, `_criteria.extension`. */
function filterOf(
  topic: TopicDefinition,
  criteriaElement: unknown,
  options: ParseSubscriptionOptions,
  issues: SubscriptionIssue[],
): SubscriptionFilter | undefined {
  const found = extensionsWithUrl(criteriaElement, BACKPORT_EXTENSIONS.filterCriteria);
  const strings: string[] = [];
  const expressions: string[] = [];
  for (const { extension, index } of found) {
    const at = `Subscription.criteria.extension[${index}].value`;
    if (typeof extension.valueString === 'string') {
      strings.push(extension.valueString);
      expressions.push(at);
    } else issues.push(issue('invalid', at, 'a filter criterion is a valueString'));
  }
  const parsed = parseFilterCriteria(topic, strings, expressions);
  if (!parsed.ok) {
    issues.push(...parsed.issues);
    return undefined;
  }
  const { registeredWith } = parsed.filter;
  const subscriber = options.subscriberOdsCode?.toUpperCase();
  if (registeredWith !== undefined && subscriber !== undefined && registeredWith !== subscriber) {
    issues.push(
      issue('value', 'Subscription.criteria', `registered-with must be your own practice (${subscriber})`),
    );
    return undefined;
  }
  return parsed.filter;
}

/** A subscription as the service keeps it: the request and the server's own state, which replaces the asked status. */
export interface StoredSubscription extends Omit<SubscriptionRequest, 'requestedStatus'> {
  readonly id: string;
  readonly status: 'requested' | 'active' | 'error' | 'off';
  /** Why the subscription is in error, for the subscriber (R4 Subscription.error). */
  readonly error?: string;
  readonly versionId: number;
  /** An instant (ISO 8601). */
  readonly lastUpdated: string;
  readonly ownerOdsCode: string;
}

/** An R4 Subscription as FHIR JSON writes it, with the extensions on its primitives (`_criteria`, `_payload`). */
export type RenderedSubscription = Subscription & {
  readonly _criteria?: { readonly extension: Extension[] };
  readonly channel: SubscriptionChannel & { readonly _payload?: { readonly extension: Extension[] } };
};

/**
 * The stored subscription as an R4 Subscription in the backport profile: what the client asked, read back, with
 * channel headers' values replaced by `***`: a header carries the subscriber's credential for its own endpoint,
 * and a Subscription is read by more people than the one who wrote it.
 */
export function renderSubscription(stored: StoredSubscription): RenderedSubscription {
  const criteria = filterCriteriaStrings(stored.topic, stored.filter).map((valueString) => ({
    url: BACKPORT_EXTENSIONS.filterCriteria,
    valueString,
  }));
  return {
    resourceType: 'Subscription',
    id: stored.id,
    meta: {
      versionId: String(stored.versionId),
      lastUpdated: stored.lastUpdated,
      profile: [BACKPORT_PROFILES.subscription],
    },
    status: stored.status,
    ...(stored.end === undefined ? {} : { end: stored.end }),
    reason: stored.reason,
    criteria: stored.topic.url,
    ...(criteria.length === 0 ? {} : { _criteria: { extension: criteria } }),
    ...(stored.error === undefined ? {} : { error: stored.error }),
    channel: renderChannel(stored),
  };
}

function renderChannel(stored: StoredSubscription): RenderedSubscription['channel'] {
  const extension: Extension[] = [
    ...optionalExtension(
      BACKPORT_EXTENSIONS.heartbeatPeriod,
      'valueUnsignedInt',
      stored.heartbeatPeriodSeconds,
    ),
    ...optionalExtension(BACKPORT_EXTENSIONS.timeout, 'valueUnsignedInt', stored.timeoutSeconds),
    ...optionalExtension(BACKPORT_EXTENSIONS.maxCount, 'valuePositiveInt', stored.maxCount),
  ];
  const { channel } = stored;
  return {
    ...(extension.length === 0 ? {} : { extension }),
    type: channel.type,
    ...(channel.type === 'rest-hook' ? { endpoint: channel.endpoint } : {}),
    payload: stored.contentType,
    _payload: { extension: [{ url: BACKPORT_EXTENSIONS.payloadContent, valueCode: stored.payload }] },
    ...(channel.type === 'rest-hook' && channel.headers.length > 0
      ? { header: channel.headers.map(redactedChannelHeader) }
      : {}),
  };
}

const optionalExtension = (
  url: string,
  key: 'valueUnsignedInt' | 'valuePositiveInt',
  value: number | undefined,
) => (value === undefined ? [] : [{ url, [key]: value } as Extension]);
