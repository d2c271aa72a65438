import { type SubscriptionIssue, issue } from './issues';

/** At most this many channel headers, each at most this many bytes: enough for a bearer token and a key. */
export const MAX_CHANNEL_HEADERS = 5;
export const MAX_CHANNEL_HEADER_BYTES = 4096;

/** HTTP's token: what a header name may be made of (RFC 9110 5.1, 5.6.2). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A field value: visible characters, spaces and tabs; no CR or LF, which would smuggle in a header of their own. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Headers the delivery sets itself or that belong to the connection: a subscriber's value would contradict the
 * notification (its type, its length) or redirect it (Host).
 */
const RESERVED = new Set([
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'expect',
  'host',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
]);

/** A channel header split into its name and value. */
export interface ChannelHeader {
  readonly name: string;
  readonly value: string;
}

/** `Name: value`, split; undefined when there is no colon. The value is a secret: nothing here echoes it. */
export function splitChannelHeader(header: string): ChannelHeader | undefined {
  const colon = header.indexOf(':');
  if (colon === -1) return undefined;
  return { name: header.slice(0, colon), value: header.slice(colon + 1).trim() };
}

/**
 * Subscription.channel.header: each `Name: value` (the IG sends each as an HTTP request header, channels.html
 * "REST-Hook"). Issues name the header by name or position, never by value: it usually carries a credential.
 */
export function checkChannelHeaders(headers: unknown, issues: SubscriptionIssue[]): string[] {
  const path = 'Subscription.channel.header';
  if (headers === undefined) return [];
  if (!Array.isArray(headers)) {
    issues.push(issue('invalid', path, 'channel.header must be an array of "Name: value" strings'));
    return [];
  }
  if (headers.length > MAX_CHANNEL_HEADERS) {
    issues.push(
      issue('value', path, `at most ${MAX_CHANNEL_HEADERS} channel headers, not ${headers.length}`),
    );
    return [];
  }
  const names = new Set<string>();
  const accepted: string[] = [];
  headers.forEach((header: unknown, index) => {
    const at = `${path}[${index}]`;
    const problem = headerProblem(header, names);
    if (problem !== undefined) issues.push(issue(problem.code, at, problem.diagnostics));
    else accepted.push(normalised(header as string));
  });
  return accepted;
}

function headerProblem(
  header: unknown,
  names: Set<string>,
): { code: SubscriptionIssue['code']; diagnostics: string } | undefined {
  if (typeof header !== 'string')
    return { code: 'invalid', diagnostics: 'a channel header must be a string' };
  if (Buffer.byteLength(header, 'utf8') > MAX_CHANNEL_HEADER_BYTES) {
    return {
      code: 'value',
      diagnostics: `a channel header may be at most ${MAX_CHANNEL_HEADER_BYTES} bytes`,
    };
  }
  const split = splitChannelHeader(header);
  if (split === undefined) return { code: 'invalid', diagnostics: 'a channel header must be "Name: value"' };
  const { name, value } = split;
  if (!TOKEN.test(name))
    return { code: 'value', diagnostics: 'the header name is not a valid HTTP header name' };
  const lower = name.toLowerCase();
  if (RESERVED.has(lower) || lower.startsWith('proxy-')) {
    return { code: 'value', diagnostics: `${name} is set by Crosscare's delivery, not by a subscription` };
  }
  if (names.has(lower)) return { code: 'invalid', diagnostics: `${name} is given more than once` };
  names.add(lower);
  if (value === '') return { code: 'value', diagnostics: `${name} has no value` };
  if (!FIELD_VALUE.test(value)) {
    return {
      code: 'value',
      diagnostics: `${name}'s value holds characters an HTTP header cannot (e.g. a line break)`,
    };
  }
  return undefined;
}

const normalised = (header: string): string => {
  const { name, value } = splitChannelHeader(header) as ChannelHeader;
  return `${name}: ${value}`;
};

/** The header with its value hidden: what is shown back to anyone, since the value is a credential. */
export function redactedChannelHeader(header: string): string {
  const split = splitChannelHeader(header);
  return split === undefined ? '***' : `${split.name}: ***`;
}
