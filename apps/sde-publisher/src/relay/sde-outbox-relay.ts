import { RelayLoop } from '@crosscare/database';
import { chunksBySize, type RecordProducer } from '@crosscare/kafka';
import type { DataSource, QueryRunner } from 'typeorm';
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
  private readonly loop: RelayLoop;

  constructor(
    db: DataSource,
    private readonly producer: RecordProducer,
    private readonly metrics: SdeMetrics,
    options: SdeOutboxRelayOptions,
  ) {
    this.loop = new RelayLoop(db, (leader) => this.round(leader), { ...options, what: 'the SDE outbox' });
  }

  get isLeader(): boolean {
    return this.loop.isLeader;
  }

  start(): void {
    this.loop.start();
  }

  stop(drainMs?: number): Promise<void> {
    return this.loop.stop(drainMs);
  }

  /** A batch just committed messages: publish them now rather than an interval later. */
  notify(): void {
    this.loop.notify();
  }

  /** Publishes what the outbox holds now through the relay's connection; returns how many messages. */
  private async round(leader: QueryRunner): Promise<number> {
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
}
