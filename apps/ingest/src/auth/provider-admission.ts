import type { InputFormat, Provider, ProviderDirectory } from '@crosscare/governance';
import type { TokenBuckets } from '@crosscare/throttling';
import type { IngestLimits } from '../ingest-config';
import { forbidden, rateLimited, unauthenticated } from '../ingest-error';
import type { ProviderAuthenticator } from './provider-authenticator';

/**
 * Who is sending, may they use this format, and are they within their rate: the same three questions whether the key
 * came in an HTTP header or in an HL7 message's MSH-8.
 */
export class ProviderAdmission {
  constructor(
    private readonly authenticator: ProviderAuthenticator,
    private readonly directory: ProviderDirectory,
    /** One bucket per provider ODS code. */
    private readonly limiter: TokenBuckets,
    private readonly limits: Pick<IngestLimits, 'requestsPerMinute' | 'burst'>,
  ) {}

  /**
   * Throws the IngestError (401, 403, 429) that answers the sender. `where` names what the format refusal is about
   * (the path, or MSH-8).
   */
  async admit(token: string | null, format: InputFormat, where: string): Promise<Provider> {
    if (!token)
      throw unauthenticated(
        format === 'hl7v2' && where === 'MSH-8'
          ? 'no credential: MSH-8 (Security) must carry the provider API key'
          : 'no credential: send the provider API key as "Authorization: Bearer <key>"',
      );
    const odsCode = await this.authenticator.providerFor(token);
    if (!odsCode) throw unauthenticated('the API key is not valid (unknown, malformed or revoked)');
    const provider = this.directory.provider(odsCode);
    if (!provider) throw forbidden('Authorization', `provider ${odsCode} is not in the provider directory`);
    const formatReason = this.directory.policy.formatForbiddenReason(provider, format);
    if (formatReason) throw forbidden(where, formatReason);
    const wait = this.limiter.take(provider.odsCode);
    if (wait > 0)
      throw rateLimited(
        wait,
        `provider ${provider.odsCode} is over its limit of ${this.limits.requestsPerMinute} requests a ` +
          `minute (burst ${this.limits.burst}); retry after ${wait} s`,
      );
    return provider;
  }
}
