import { errorMessage } from '@crosscare/errors';
import { isLocalHost } from '@crosscare/fhir-subscriptions';
import { HTTP_CORRELATION_HEADER } from '@crosscare/logging';
import { lookup } from 'node:dns/promises';

/** The answer of one POST, as delivery judges it. */
export type PostOutcome =
  { readonly ok: true; readonly status: number } | { readonly ok: false; readonly reason: string };

/** Headers Crosscare sets itself: a subscriber's channel.header cannot replace them. */
export const RESERVED_HEADERS = ['content-type', 'content-length', 'host', 'transfer-encoding', 'connection'];

/**
 * POSTs a notification Bundle to a subscriber's endpoint, with the subscriber's own headers (its secret among them).
 * A 2xx is delivery; anything else, a timeout or a refused connection is a failure, described without the headers
 * or the body (they carry the secret and patient data). Redirects are not followed: a subscriber registers the
 * endpoint it wants, and following one could send a patient's data somewhere no one approved. Unless local endpoints
 * are allowed (development), a name that resolves to this host or a private network is refused before anything is
 * sent: the endpoint was checked when the subscription was made, but only its literal host could be.
 */
export async function postNotification(
  endpoint: string,
  headers: readonly string[],
  body: string,
  timeoutMs: number,
  options: {
    readonly allowLocalEndpoints: boolean;
    /** Sent as X-Correlation-Id: the provider request behind the (first) event the notification carries. */
    readonly correlationId?: string;
  } = { allowLocalEndpoints: false },
): Promise<PostOutcome> {
  if (!options.allowLocalEndpoints) {
    const refused = await localAddressOf(new URL(endpoint).hostname);
    if (refused) return { ok: false, reason: refused };
  }
  const sent: Record<string, string> = {};
  for (const header of headers) {
    const colon = header.indexOf(':');
    const name = header.slice(0, colon).trim();
    if (RESERVED_HEADERS.includes(name.toLowerCase())) continue;
    sent[name] = header.slice(colon + 1).trim();
  }
  sent['Content-Type'] = 'application/fhir+json';
  if (options.correlationId) {
    // Crosscare's, not the subscriber's: a channel header of that name gives way.
    for (const name of Object.keys(sent)) if (name.toLowerCase() === 'x-correlation-id') delete sent[name];
    sent[HTTP_CORRELATION_HEADER] = options.correlationId;
  }
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: sent,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The body is not read: only the status matters, and a large one must not hold the connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, reason: `the endpoint answered ${response.status}` };
  } catch (error) {
    // By shape, not instanceof: fetch's errors may come from another realm (undici's own, a test runner's).
    const failure = error as { name?: unknown; cause?: { message?: unknown; code?: unknown } };
    if (failure.name === 'TimeoutError' || failure.name === 'AbortError')
      return { ok: false, reason: `the endpoint did not answer within ${timeoutMs} ms` };
    const code = typeof failure.cause?.code === 'string' ? failure.cause.code : undefined;
    const message = typeof failure.cause?.message === 'string' ? failure.cause.message : '';
    const cause = [code, message].filter(Boolean).join(': ') || errorMessage(error);
    return { ok: false, reason: `the endpoint could not be reached: ${cause}` };
  }
}

/** Why the host may not be posted to (it resolves to a local or private address), or undefined. */
async function localAddressOf(hostname: string): Promise<string | undefined> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isLocalHost(host)) return `the endpoint's host ${host} is on this host or a private network`;
  try {
    const addresses = await lookup(host, { all: true });
    const local = addresses.find((a) => isLocalHost(a.address));
    return local
      ? `the endpoint's host ${host} resolves to ${local.address}, on this host or a private network`
      : undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return `the endpoint's host ${host} could not be resolved${typeof code === 'string' ? ` (${code})` : ''}`;
  }
}
