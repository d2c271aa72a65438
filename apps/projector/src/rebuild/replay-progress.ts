import { CrosscareError } from '@crosscare/errors';
import type { StoredOffset } from '@crosscare/read-model';

/** A partition's offsets as a rebuild reads them before its replay: from its start to its end (exclusive). */
export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** A partition the replay has not reached yet: where its stored position is, and the end it must reach. */
export interface PartitionBehind {
  readonly topic: string;
  readonly partition: number;
  readonly position: bigint;
  readonly end: bigint;
}

/** The stored position of a partition, or its start when the replay has stored none yet. */
export function positionOf(stored: readonly StoredOffset[], range: PartitionRange): bigint {
  return (
    stored.find((s) => s.topic === range.topic && s.partition === range.partition)?.nextOffset ?? range.start
  );
}

/** Offsets replayed so far, counting none past a partition's end: what the progress bar shows. */
export function sumDone(target: readonly PartitionRange[], stored: readonly StoredOffset[]): bigint {
  return target.reduce((n, r) => {
    const position = positionOf(stored, r);
    return n + ((position > r.end ? r.end : position) - r.start);
  }, 0n);
}

/**
 * The partitions whose stored position is short of their end. Exact: the consumer moves positions past commit
 * markers and aborted transactions too, so a partition fully replayed stands at its end offset.
 */
export function partitionsBehind(
  target: readonly PartitionRange[],
  stored: readonly StoredOffset[],
): PartitionBehind[] {
  return target
    .filter((r) => r.end > r.start)
    .map((r) => ({ topic: r.topic, partition: r.partition, position: positionOf(stored, r), end: r.end }))
    .filter((p) => p.position < p.end);
}

export function reached(target: readonly PartitionRange[], stored: readonly StoredOffset[]): boolean {
  return partitionsBehind(target, stored).length === 0;
}

/**
 * Tells a replay that stopped moving from one that is slow: stalled once the offsets done have not grown for
 * `timeoutMs`. Positions only move forward, so any partition moving grows the sum. The first reading counts as
 * progress, so the clock starts when the replay is first measured.
 */
export class ReplayStallWatch {
  private best = -1n;
  private since = 0;

  constructor(private readonly timeoutMs: number) {}

  /** Records the offsets done at `now`; true when they have not grown for longer than the timeout. */
  stalled(done: bigint, now: number): boolean {
    if (done > this.best) {
      this.best = done;
      this.since = now;
      return false;
    }
    return now - this.since > this.timeoutMs;
  }
}

/** The replay made no progress for its whole stall timeout: it is not going to finish, and nothing was switched. */
export class ReplayStalledError extends CrosscareError {
  constructor(
    readonly timeoutMs: number,
    readonly behind: readonly PartitionBehind[],
  ) {
    super(
      `the replay made no progress for ${Math.round(timeoutMs / 1000)} s with ${behind.length} partition(s) short of ` +
        `the end offsets read at its start: ${behind
          .map((p) => `${p.topic}[${p.partition}] at ${p.position} of ${p.end}`)
          .join(', ')}; nothing switched (an open transaction on a partition holds it until it ends)`,
      { retriable: false },
    );
  }
}
