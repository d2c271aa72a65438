/**
 * Requests per provider, as a token bucket: a provider may send `burst` requests at once and `perMinute` sustained.
 * Counted per ingest instance (in memory), so N instances allow N times the rate: the limit protects each instance
 * and the broker from one runaway feed, it is not a billing quota.
 */
export class ProviderRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();
  private readonly perMs: number;

  constructor(
    perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes one token; returns 0 when allowed, else the whole seconds until one is available. */
  take(providerOdsCode: string): number {
    const now = this.now();
    const bucket = this.buckets.get(providerOdsCode) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    this.buckets.set(providerOdsCode, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }
}
