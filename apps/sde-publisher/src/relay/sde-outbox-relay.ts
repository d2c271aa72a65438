import { RelayLoop } from '@crosscare/database';
import { chunksBySize, type RelayTransactions, type TopicMessages } from '@crosscare/kafka';
import type { DataSource, QueryRunner } from 'typeorm';
import type { SdeMetrics } from '../metrics/sde-metrics';

const ROWS_PER_ROUND = 2_000;
/** Payload bytes per send, under the broker's default max.message.bytes (1 MiB). */
const MAX_SEND_BYTES = 900 * 1024;

export interface OutboxRow {
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
 * Moves the outbox to the SDE topics, oldest first, and deletes what the broker committed. One instance relays at
 * a time (a session advisory lock): two relays could publish a patient's row after its tombstone, and compaction keeps
 * whichever came last, a row the opt-out was to remove. The lock is backed by a fence on the broker, as the
 * projector's changelog relay is: each round is one Kafka transaction under a transactional id shared by every
 * instance, begun before the outbox is read, so a new leader fences a previous one that lost the lock without
 * knowing, and that one's late sends are never visible to read_committed consumers. A crash between commit and delete
 * publishes again: a row under the same key with the same value, a notice with the same id, which consumers drop.
 */
export class SdeOutboxRelay {
  private readonly loop: RelayLoop;

  constructor(
    db: DataSource,
    /** Under the transactional id of this store's relay: see relayTransactionalId in libs/governance. */
    private readonly transactions: RelayTransactions,
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

  async stop(drainMs?: number): Promise<void> {
    try {
      await this.loop.stop(drainMs);
    } finally {
      await this.transactions.discard();
    }
  }

  /** A batch just committed messages: publish them now rather than an interval later. */
  notify(): void {
    this.loop.notify();
  }

  /**
   * Publishes what the outbox holds now, in one transaction, through the relay's connection; returns how many
   * messages. The transaction begins before the outbox is read: a new leader's first one is what fences the last.
   */
  private async round(leader: QueryRunner): Promise<number> {
    const rows = await this.transactions.inTransaction(leader, async (send) => {
      const oldest = (await leader.query(
        `select id, topic, partition, key, value from outbox order by id limit $1`,
        [ROWS_PER_ROUND],
      )) as OutboxRow[];
      for (const wave of sendWaves(oldest)) await send(wave);
      return oldest;
    });
    if (rows.length === 0) {
      this.metrics.outboxPending.set(0);
      return 0;
    }
    await leader.query(`delete from outbox where id = any($1::bigint[])`, [rows.map((r) => r.id)]);
    this.metrics.published.inc(rows.length);
    this.metrics.outboxPending.set(rows.length === ROWS_PER_ROUND ? rows.length : 0);
    return rows.length;
  }
}

/**
 * The sends of a round: per topic, in outbox order, each under the size limit, and the n-th of every topic together.
 * The order that matters (a row, its tombstone, its return) is per key, and so per partition, which this keeps; rows
 * of two projects interleave in the outbox and would otherwise make a round of many tiny sends.
 */
export function sendWaves(rows: readonly OutboxRow[]): TopicMessages[][] {
  const byTopic = new Map<string, OutboxRow[]>();
  for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
  const chunked = [...byTopic].map(([topic, messages]) => ({
    topic,
    chunks: chunksBySize(messages, MAX_SEND_BYTES, (m) => m.value?.length ?? 0),
  }));
  const waves: TopicMessages[][] = [];
  for (const { topic, chunks } of chunked)
    chunks.forEach((chunk, i) => {
      (waves[i] ??= []).push({
        topic,
        messages: chunk.map((r) => ({
          key: r.key,
          value: r.value,
          ...(r.partition === null ? {} : { partition: r.partition }),
        })),
      });
    });
  return waves;
}
