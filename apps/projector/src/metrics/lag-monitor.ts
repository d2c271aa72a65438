import { errorMessage } from '@crosscare/errors';
import { ConsumedOffsets } from '@crosscare/read-model';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { ProjectorMetrics } from './projector-metrics';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly endOffset: bigint;
  readonly position: bigint;
  readonly lag: bigint;
}

/**
 * Measures lag per partition: the partition's end offset minus the read model's position (or its start offset, for
 * a partition never consumed). Every instance of a group measures the same thing, so any one can be scraped.
 */
export async function measureLag(
  admin: Admin,
  db: DataSource,
  topics: readonly string[],
): Promise<PartitionLag[]> {
  const stored = await new ConsumedOffsets().all(db, topics);
  const lags: PartitionLag[] = [];
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const endOffset = BigInt(p.high);
      const position =
        stored.find((s) => s.topic === topic && s.partition === p.partition)?.nextOffset ?? BigInt(p.low);
      // Offsets, not messages. Commit markers and aborted transactions take offsets too; the consumer moves the
      // position past them once it has fetched them (ProjectorConsumer), so a fully projected partition shows 0. A
      // partition whose last transaction is still open shows its records until it ends: they are not readable yet.
      const lag = endOffset > position ? endOffset - position : 0n;
      lags.push({ topic, partition: p.partition, endOffset, position, lag });
    }
  }
  return lags;
}

/** Keeps the lag gauge current; failures are logged and the previous values kept. */
export class LagMonitor {
  private timer?: NodeJS.Timeout;
  private latest: PartitionLag[] = [];
  private measuring?: Promise<unknown>;

  constructor(
    private readonly admin: Admin,
    private readonly db: DataSource,
    private readonly topics: readonly string[],
    private readonly groupId: string,
    private readonly metrics: ProjectorMetrics,
    private readonly intervalMs: number,
    private readonly warn: (message: string) => void,
  ) {}

  get lags(): readonly PartitionLag[] {
    return this.latest;
  }

  start(): void {
    const tick = () => {
      this.measuring = this.refresh()
        .catch((error: unknown) => this.warn(`lag not measured: ${errorMessage(error)}`))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /**
   * Stops measuring and waits for a measurement in flight: one that outlived the admin client's disconnect would
   * have kafkajs connect it again, and that connection would never be closed.
   */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.measuring;
  }

  async refresh(): Promise<readonly PartitionLag[]> {
    this.latest = await measureLag(this.admin, this.db, this.topics);
    for (const l of this.latest)
      this.metrics.lag.set(
        { group: this.groupId, topic: l.topic, partition: String(l.partition) },
        Number(l.lag),
      );
    return this.latest;
  }
}
