import type { CredentialStore } from '../storage/credential-store';

interface CacheEntry {
  readonly odsCode: string | null;
  readonly until: number;
}

/**
 * Turns an API key into the ODS code of the provider it was issued to. Verified keys (and refused ones) are
 * remembered briefly so a busy feed does not cost a database query per request; revocation therefore takes effect
 * within `cacheMs`. The cache is keyed by the token's hash-free key id plus secret, and never logged.
 */
export class ProviderAuthenticator {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly store: CredentialStore,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async providerFor(token: string): Promise<string | null> {
    const cached = this.cache.get(token);
    if (cached && cached.until > this.now()) return cached.odsCode;
    const odsCode = await this.store.verify(token);
    // Bounded: a flood of random tokens must not grow memory without limit.
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, { odsCode, until: this.now() + this.cacheMs });
    return odsCode;
  }
}
