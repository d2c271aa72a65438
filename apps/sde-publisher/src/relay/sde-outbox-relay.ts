import { errorMessage } from '@crosscare/errors';
import { AdvisoryLeadership } from '@crosscare/database';
import { chunksBySize, type RecordProducer } from '@crosscare/kafka';
import type { DataSource } from 'typeorm';
import type { SdeMetrics } from '../metrics/sde-metrics';

const ROWS_PER_ROUND = 2_000;
/** Payload bytes per send, under the broker's default max.message.bytes (1 MiB). */
const MAX_SEND_BYTES = 900 * 1024;

interface OutboxRow {
  id: string;
  topic: string;
  partition: number | null;
  key: string;
  value: Buffer | null;
}

export interface SdeOutboxRelayOptions {
  readonly leaderLockName: string;
  readonly intervalMs: number;
  readonly log: { log(message: string): void; warn(message: string): void };
}

/**
 * Moves the outbox to the SDE topics, oldest first, and deletes what the broker acknowledged. One instance relays at
 * a time (a session advisory lock): two relays could publish a patient's row after its tombstone, and compaction keeps
 * whichever came last. A crash between send and delete publishes again: a row under the same key with the same value,
 * a notice with the same id, which consumers drop.
 */
export class SdeOutboxRelay {
  private running = false;
  private readonly leadership: AdvisoryLeadership;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    db: DataSource,
    private readonly producer: RecordProducer,
    private readonly metrics: SdeMetrics,
    private readonly options: SdeOutboxRelayOptions,
  ) {
    this.leadership = new AdvisoryLeadership(db, options.leaderLockName, () =>
      options.log.log('this instance now relays the SDE outbox'),
    );
  }

  get isLeader(): boolean {
    return this.leadership.isLeader;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(drainMs = 10_000): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    const deadline = Date.now() + drainMs;
    try {
      while (this.isLeader && Date.now() < deadline && (await this.relayOnce()) > 0);
    } catch (error) {
      this.options.log.warn(`SDE outbox not drained at stop: ${errorMessage(error)}`);
    } finally {
      await this.leadership.release();
    }
  }

  /** A batch just committed messages: publish them now rather than an interval later. */
  notify(): void {
    this.wake?.();
  }

  async relayOnce(): Promise<number> {
    const leader = await this.leadership.acquire();
    if (!leader) return 0;
    const rows = (await leader.query(
      `select id, topic, partition, key, value from outbox order by id limit $1`,
      [ROWS_PER_ROUND],
    )) as OutboxRow[];
    if (rows.length === 0) {
      this.metrics.outboxPending.set(0);
      return 0;
    }
    // Per topic, in outbox order, each send under the size limit: the order that matters (a row, its tombstone, its
    // return) is per key, and so per partition, which this keeps; rows of two projects interleave in the outbox and
    // would otherwise make a round of many tiny sends.
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
    await Promise.all(
      [...byTopic].map(async ([topic, messages]) => {
        for (const chunk of chunksBySize(messages, MAX_SEND_BYTES, (m) => m.value?.length ?? 0)) {
          await this.producer.send({
            topic,
            messages: chunk.map((r) => ({
              key: r.key,
              value: r.value,
              ...(r.partition === null ? {} : { partition: r.partition }),
            })),
          });
        }
      }),
    );
    await leader.query(`delete from outbox where id = any($1::bigint[])`, [rows.map((r) => r.id)]);
    this.metrics.published.inc(rows.length);
    this.metrics.outboxPending.set(rows.length === ROWS_PER_ROUND ? rows.length : 0);
    return rows.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      try {
        published = await this.relayOnce();
      } catch (error) {
        this.options.log.warn(`SDE relay failed, will retry: ${errorMessage(error)}`);
        await this.leadership.release();
      }
      if (published === 0 && this.running) await this.sleep(this.options.intervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
