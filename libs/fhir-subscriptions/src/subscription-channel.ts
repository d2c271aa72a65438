import { BACKPORT_EXTENSIONS, FHIR_JSON } from './backport-definitions';
import { type EndpointOptions, endpointProblem } from './channel-endpoint';
import { checkChannelHeaders } from './channel-header';
import {
  extensionsWithUrl,
  isObject,
  refuseModifierExtensions,
  singleExtensionValue,
  wholeNumber,
} from './fhir-json';
import { type SubscriptionIssue, issue } from './issues';

export const PAYLOAD_CONTENTS = ['empty', 'id-only', 'full-resource'] as const;
export type PayloadContent = (typeof PAYLOAD_CONTENTS)[number];

export type NotificationChannel =
  | { readonly type: 'rest-hook'; readonly endpoint: string; readonly headers: readonly string[] }
  | { readonly type: 'websocket' };

/** What a Subscription asks of its channel, checked. */
export interface ChannelRequest {
  readonly channel: NotificationChannel;
  readonly payload: PayloadContent;
  readonly contentType: typeof FHIR_JSON;
  readonly heartbeatPeriodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly maxCount?: number;
}

/** Bounds Crosscare keeps a channel to. A heartbeat more often than every 10 s is load, not reassurance. */
export const CHANNEL_LIMITS = {
  heartbeatPeriod: { min: 10, max: 86_400 },
  timeout: { min: 1, max: 60 },
  maxCount: { min: 1, max: 100 },
} as const;

const REFUSED_CHANNEL_TYPES: Readonly<Record<string, string>> = {
  email: 'email is not a secure channel for notifications about patients',
  sms: 'SMS is not a secure channel for notifications about patients',
  message: 'FHIR messaging channels are not supported',
};

const PATH = 'Subscription.channel';

/** Subscription.channel, checked; issues are added to `issues`, and undefined returned when there are any. */
export function parseChannel(
  channel: unknown,
  options: EndpointOptions,
  issues: SubscriptionIssue[],
): ChannelRequest | undefined {
  if (!isObject(channel)) {
    issues.push(issue('required', PATH, 'a Subscription needs a channel'));
    return undefined;
  }
  const before = issues.length;
  refuseModifierExtensions(channel, PATH, issues);
  const type = channelType(channel, issues);
  const notification = type === undefined ? undefined : notificationChannel(type, channel, options, issues);
  const payload = payloadContent(channel, issues);
  checkMimeType(channel.payload, issues);
  const heartbeat = heartbeatPeriod(channel, issues);
  const limited = (url: string, key: string, name: keyof typeof CHANNEL_LIMITS) => {
    const found = singleExtensionValue(channel, url, key, PATH, issues);
    return found && wholeNumber(found.value, { ...CHANNEL_LIMITS[name], name }, found.path, issues);
  };
  const timeout = limited(BACKPORT_EXTENSIONS.timeout, 'valueUnsignedInt', 'timeout');
  const maxCount = limited(BACKPORT_EXTENSIONS.maxCount, 'valuePositiveInt', 'maxCount');
  if (issues.length > before || notification === undefined) return undefined;
  return {
    channel: notification,
    payload,
    contentType: FHIR_JSON,
    ...(heartbeat === undefined ? {} : { heartbeatPeriodSeconds: heartbeat }),
    ...(timeout === undefined ? {} : { timeoutSeconds: timeout }),
    ...(maxCount === undefined ? {} : { maxCount }),
  };
}

function channelType(channel: Readonly<Record<string, unknown>>, issues: SubscriptionIssue[]) {
  const at = `${PATH}.type`;
  if (extensionsWithUrl(channel._type, BACKPORT_EXTENSIONS.channelType).length > 0) {
    issues.push(
      issue('not-supported', at, 'custom channel types are not supported: use rest-hook or websocket'),
    );
    return undefined;
  }
  const { type } = channel;
  if (type === 'rest-hook' || type === 'websocket') return type;
  if (typeof type !== 'string') {
    issues.push(issue('required', at, 'channel.type is required: rest-hook or websocket'));
  } else {
    const reason = REFUSED_CHANNEL_TYPES[type] ?? `channel type "${type}" is not one Crosscare delivers on`;
    issues.push(issue('not-supported', at, `${reason}; use rest-hook or websocket`));
  }
  return undefined;
}

function notificationChannel(
  type: 'rest-hook' | 'websocket',
  channel: Readonly<Record<string, unknown>>,
  options: EndpointOptions,
  issues: SubscriptionIssue[],
): NotificationChannel | undefined {
  if (type === 'websocket') {
    // A websocket client connects to Crosscare; there is no request of ours for a header to ride on.
    if (channel.header !== undefined) {
      issues.push(
        issue('not-supported', `${PATH}.header`, 'channel headers are sent only on rest-hook channels'),
      );
    }
    return { type };
  }
  const { endpoint } = channel;
  const headers = checkChannelHeaders(channel.header, issues);
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    issues.push(
      issue('required', `${PATH}.endpoint`, 'a rest-hook channel needs an endpoint (an https URL)'),
    );
    return undefined;
  }
  const problem = endpointProblem(endpoint.trim(), options);
  if (problem !== undefined) {
    issues.push(issue('value', `${PATH}.endpoint`, problem));
    return undefined;
  }
  return { type, endpoint: endpoint.trim(), headers };
}

/**
 * The backport profile makes the content extension required (1..1) but says nothing of a default; Crosscare takes
 * its absence as id-only, which the IG's payloads page calls the balance between disclosure and round trips.
 */
function payloadContent(
  channel: Readonly<Record<string, unknown>>,
  issues: SubscriptionIssue[],
): PayloadContent {
  const at = `${PATH}.payload`;
  const found = singleExtensionValue(
    channel._payload,
    BACKPORT_EXTENSIONS.payloadContent,
    'valueCode',
    at,
    issues,
  );
  if (found === undefined) return 'id-only';
  if ((PAYLOAD_CONTENTS as readonly unknown[]).includes(found.value)) return found.value as PayloadContent;
  issues.push(issue('value', found.path, `payload content must be one of ${PAYLOAD_CONTENTS.join(', ')}`));
  return 'id-only';
}

/**
 * channel.payload: notifications go as R4 JSON. The IG lets the MIME type name a FHIR version (components.html,
 * "Subscriptions and FHIR Versions"); any but R4's would ask for a notification shape Crosscare does not send.
 */
function checkMimeType(payload: unknown, issues: SubscriptionIssue[]): void {
  const at = `${PATH}.payload`;
  if (payload === undefined) return;
  if (typeof payload !== 'string') {
    issues.push(issue('invalid', at, 'channel.payload must be a MIME type'));
    return;
  }
  const [mimeType = '', ...parameters] = payload.split(';').map((part) => part.trim());
  if (mimeType.toLowerCase() !== FHIR_JSON) {
    issues.push(issue('not-supported', at, `notifications are sent as ${FHIR_JSON} only, not ${mimeType}`));
    return;
  }
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=').map((part) => part.trim());
    if (name.toLowerCase() === 'fhirversion' && !/^4\.0(\.\d+)?$/.test(value)) {
      issues.push(
        issue('not-supported', at, `notifications are FHIR R4 (fhirVersion=4.0), not fhirVersion=${value}`),
      );
    } else if (name.toLowerCase() === 'charset' && value.toLowerCase() !== 'utf-8') {
      issues.push(issue('not-supported', at, 'notifications are sent in UTF-8'));
    }
  }
}

/** backport-heartbeat-period: absent or 0 means no heartbeats (the extension's definition). */
function heartbeatPeriod(channel: Readonly<Record<string, unknown>>, issues: SubscriptionIssue[]) {
  const found = singleExtensionValue(
    channel,
    BACKPORT_EXTENSIONS.heartbeatPeriod,
    'valueUnsignedInt',
    PATH,
    issues,
  );
  if (found === undefined || found.value === 0) return undefined;
  return wholeNumber(
    found.value,
    { ...CHANNEL_LIMITS.heartbeatPeriod, name: 'heartbeatPeriod' },
    found.path,
    issues,
  );
}
