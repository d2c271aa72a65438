import type { Provider, InputFormat } from '@crosscare/governance';
import { forbidden, rateLimited, unauthenticated } from '../ingest-error';
import type { IngestServices } from '../ingest-services';

/**
 * Who is sending, may they use this format, and are they within their rate: the same three questions whether the key
 * came in an HTTP header or in an HL7 message's MSH-8. Throws the IngestError (401, 403, 429) that answers the sender.
 * `where` names what the format refusal is about (the path, or MSH-8).
 */
export async function admitProvider(
  services: IngestServices,
  token: string | null,
  format: InputFormat,
  where: string,
): Promise<Provider> {
  if (!token)
    throw unauthenticated(
      format === 'hl7v2' && where === 'MSH-8'
        ? 'no credential: MSH-8 (Security) must carry the provider API key'
        : 'no credential: send the provider API key as "Authorization: Bearer <key>"',
    );
  const odsCode = await services.authenticator.providerFor(token);
  if (!odsCode) throw unauthenticated('the API key is not valid (unknown, malformed or revoked)');
  const provider = services.directory.provider(odsCode);
  if (!provider) throw forbidden('Authorization', `provider ${odsCode} is not in the provider directory`);
  const formatReason = services.directory.policy.formatForbiddenReason(provider, format);
  if (formatReason) throw forbidden(where, formatReason);
  const wait = services.limiter.take(provider.odsCode);
  if (wait > 0)
    throw rateLimited(
      wait,
      `provider ${provider.odsCode} is over its limit of ${services.config.limits.requestsPerMinute} requests a ` +
        `minute (burst ${services.config.limits.burst}); retry after ${wait} s`,
    );
  return provider;
}
