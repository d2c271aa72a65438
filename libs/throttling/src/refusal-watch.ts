/** How many refusals within how long make an alert. */
export interface RefusalThreshold {
  readonly refusals: number;
  readonly windowMs: number;
}

/** An alert that is due: this many refusals for the key within the window, since the last alert for it. */
export interface RefusalAlert {
  readonly key: string;
  readonly refusals: number;
  readonly windowMs: number;
}

/**
 * Counts refusals per key (a user, an address) in a sliding window and says when one is due an alert: the first time
 * the count reaches the threshold, then again only after a quiet window, so a caller hammering the API raises one
 * alert per window rather than one per request. In memory, per instance; bounded like TokenBuckets.
 */
export class RefusalWatch {
  private readonly refusals = new Map<string, { times: number[]; alertedAt: number | null }>();

  constructor(
    private readonly threshold: RefusalThreshold,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    if (!(threshold.refusals >= 1) || !(threshold.windowMs > 0))
      throw new Error(
        `a refusal threshold needs refusals >= 1 and windowMs > 0, got ${JSON.stringify(threshold)}`,
      );
  }

  /** Counts one refusal; returns the alert it makes due, if any. */
  refused(key: string): RefusalAlert | null {
    const now = this.now();
    const since = now - this.threshold.windowMs;
    let entry = this.refusals.get(key);
    if (!entry) {
      if (this.refusals.size >= this.maxKeys) this.dropQuiet(since);
      entry = { times: [], alertedAt: null };
      this.refusals.set(key, entry);
    }
    entry.times = entry.times.filter((t) => t > since);
    entry.times.push(now);
    // Only the last `refusals` times matter for the threshold: the list stays short however hard a caller tries.
    if (entry.times.length > this.threshold.refusals) entry.times.shift();
    if (entry.times.length < this.threshold.refusals) return null;
    if (entry.alertedAt !== null && entry.alertedAt > since) return null;
    entry.alertedAt = now;
    return { key, refusals: entry.times.length, windowMs: this.threshold.windowMs };
  }

  private dropQuiet(since: number): void {
    for (const [key, entry] of this.refusals)
      if ((entry.times.at(-1) ?? 0) <= since && (entry.alertedAt ?? 0) <= since) this.refusals.delete(key);
  }
}
