import { Gauge, type Registry } from 'prom-client';

/** Where a consumer stands in one partition, as it stored it itself: the next offset to process. */
export interface StoredPosition {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
}

/**
 * The positions a consumer stored with what it produced (the projector's read model, the SDE publisher's and the
 * subscription service's `consumed_offsets`): the ones that count, rather than Kafka's committed offsets.
 */
export type StoredPositions = (topics: readonly string[]) => Promise<readonly StoredPosition[]>;

/** A partition's offsets as the brokers give them (kafkajs's Admin.fetchTopicOffsets, by shape). */
export interface PartitionOffsets {
  readonly partition: number;
  readonly high: string;
  readonly low: string;
}

export interface TopicOffsets {
  fetchTopicOffsets(topic: string): Promise<readonly PartitionOffsets[]>;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly endOffset: bigint;
  readonly position: bigint;
  readonly lag: bigint;
}

/**
 * Lag per partition: the partition's end offset minus the stored position (or its start offset, for a partition
 * never consumed). Every instance of a group measures the same thing, so any one can be scraped.
 */
export async function measureLag(
  brokers: TopicOffsets,
  positions: StoredPositions,
  topics: readonly string[],
): Promise<PartitionLag[]> {
  const stored = await positions(topics);
  const lags: PartitionLag[] = [];
  for (const topic of topics) {
    for (const p of await brokers.fetchTopicOffsets(topic)) {
      const endOffset = BigInt(p.high);
      const position =
        stored.find((s) => s.topic === topic && s.partition === p.partition)?.nextOffset ?? BigInt(p.low);
      // Offsets, not messages. Commit markers and aborted transactions take offsets too; a consumer that moves its
      // position past them once fetched (the projector) shows 0 when done. One that does not shows the markers after
      // its last record until its next batch. A partition whose last transaction is still open shows its records
      // until it ends: they are not readable yet.
      const lag = endOffset > position ? endOffset - position : 0n;
      lags.push({ topic, partition: p.partition, endOffset, position, lag });
    }
  }
  return lags;
}

/** The lag gauges, one name for every consumer Crosscare runs (the group tells them apart). */
export class ConsumerLagMetrics {
  readonly lag: Gauge<'group' | 'topic' | 'partition'>;
  readonly measuredAt: Gauge<'group'>;

  constructor(registry: Registry) {
    this.lag = new Gauge({
      name: 'crosscare_consumer_lag',
      help: "Offsets in a partition the consumer group has not processed: the partition's end offset minus the position the consumer stored",
      labelNames: ['group', 'topic', 'partition'] as const,
      registers: [registry],
    });
    this.measuredAt = new Gauge({
      name: 'crosscare_consumer_lag_measured_timestamp_seconds',
      help: 'When the lag of the group was last measured (Unix seconds): a stale one means the figures are old',
      labelNames: ['group'] as const,
      registers: [registry],
    });
  }
}

export interface LagMonitorOptions {
  readonly brokers: TopicOffsets;
  readonly positions: StoredPositions;
  /** The topics the group consumes, or a function for a group whose topics are settled after construction. */
  readonly topics: readonly string[] | (() => readonly string[]);
  readonly group: string;
  readonly metrics: ConsumerLagMetrics;
  readonly intervalMs: number;
  /** Told why a measurement failed; the previous figures stay, and the timestamp says how old they are. */
  readonly warn: (message: string) => void;
  /** Epoch ms, for tests. */
  readonly clock?: () => number;
}

/** Keeps one group's lag gauges current, measuring every intervalMs. */
export class LagMonitor {
  private timer?: NodeJS.Timeout;
  private latest: PartitionLag[] = [];
  private measuring?: Promise<unknown>;

  constructor(private readonly options: LagMonitorOptions) {}

  get lags(): readonly PartitionLag[] {
    return this.latest;
  }

  start(): void {
    const tick = () => {
      this.measuring = this.refresh()
        .catch((error: unknown) =>
          this.options.warn(
            `lag not measured: ${error instanceof Error ? error.message : String(error)} (group ${this.options.group})`,
          ),
        )
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs).unref();
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
    const { brokers, positions, topics, group, metrics } = this.options;
    this.latest = await measureLag(brokers, positions, typeof topics === 'function' ? topics() : topics);
    for (const l of this.latest)
      metrics.lag.set({ group, topic: l.topic, partition: String(l.partition) }, Number(l.lag));
    metrics.measuredAt.set({ group }, (this.options.clock ?? Date.now)() / 1000);
    return this.latest;
  }
}
