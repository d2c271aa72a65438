/** A sustained rate and the burst allowed on top of it. */
export interface RateLimit {
  readonly perMinute: number;
  readonly burst: number;
}

/**
 * One token bucket per key (a provider, a user, an organisation, an address): a key may make `burst` requests at
 * once and `perMinute` sustained. Counted in memory, per instance, so N instances allow N times the rate: the limit
 * protects each instance and what stands behind it from one runaway or hostile caller; it is not a quota.
 *
 * Memory stays bounded however many keys callers invent (forged user ids, many addresses): a bucket that has filled
 * up again holds nothing a new bucket would not, so once there are more than `maxKeys` the full ones are dropped.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();
  private readonly perMs: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    if (!(limit.perMinute > 0) || !(limit.burst >= 1))
      throw new Error(`a rate limit needs perMinute > 0 and burst >= 1, got ${JSON.stringify(limit)}`);
    this.perMs = limit.perMinute / 60_000;
  }

  /** Takes one token; returns 0 when allowed, else the whole seconds until one is available (Retry-After). */
  take(key: string): number {
    const now = this.now();
    const bucket = this.refilled(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return this.secondsUntilToken(bucket.tokens);
  }

  /** The seconds until the key has a token again, without taking one; 0 when it has one now. */
  wait(key: string): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const tokens = Math.min(this.limit.burst, bucket.tokens + (this.now() - bucket.updatedAt) * this.perMs);
    return tokens >= 1 ? 0 : this.secondsUntilToken(tokens);
  }

  /** How many keys hold state: for tests and metrics. */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, now: number): { tokens: number; updatedAt: number } {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.dropFull(now);
      bucket = { tokens: this.limit.burst, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    return bucket;
  }

  private dropFull(now: number): void {
    for (const [key, bucket] of this.buckets)
      if (bucket.tokens + (now - bucket.updatedAt) * this.perMs >= this.limit.burst) this.buckets.delete(key);
  }

  private secondsUntilToken(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
  }
}
