import { errorMessage } from '@crosscare/errors';

/** The answer of one POST, as delivery judges it. */
export type PostOutcome =
  { readonly ok: true; readonly status: number } | { readonly ok: false; readonly reason: string };

/** Headers Crosscare sets itself: a subscriber's channel.header cannot replace them. */
export const RESERVED_HEADERS = ['content-type', 'content-length', 'host', 'transfer-encoding', 'connection'];

/**
 * POSTs a notification Bundle to a subscriber's endpoint, with the subscriber's own headers (its secret among them).
 * A 2xx is delivery; anything else, a timeout or a refused connection is a failure, described without the headers
 * or the body (they carry the secret and patient data). Redirects are not followed: a subscriber registers the
 * endpoint it wants, and following one could send a patient's data somewhere no one approved.
 */
export async function postNotification(
  endpoint: string,
  headers: readonly string[],
  body: string,
  timeoutMs: number,
): Promise<PostOutcome> {
  const sent: Record<string, string> = {};
  for (const header of headers) {
    const colon = header.indexOf(':');
    const name = header.slice(0, colon).trim();
    if (RESERVED_HEADERS.includes(name.toLowerCase())) continue;
    sent[name] = header.slice(colon + 1).trim();
  }
  sent['Content-Type'] = 'application/fhir+json';
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
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError')
      return { ok: false, reason: `the endpoint did not answer within ${timeoutMs} ms` };
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : errorMessage(error);
    return { ok: false, reason: `the endpoint could not be reached: ${cause}` };
  }
}
