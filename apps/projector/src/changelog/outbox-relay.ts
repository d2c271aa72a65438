import { RelayLoop } from '@crosscare/database';
import { chunksBySize, partitionOfKey, type RelayTransactions } from '@crosscare/kafka';
import { CORRELATION_HEADER } from '@crosscare/logging';
import { ChangelogOutbox, SEQUENCE_HEADER } from '@crosscare/read-model';
import type { DataSource, QueryRunner } from 'typeorm';
import type { ProjectorMetrics } from '../metrics/projector-metrics';

/**
 * Payload bytes per send: even if all of it is for one partition, under the changelog's max.message.bytes (2 MiB,
 * projectorTopicSpecs) and the broker's default 1 MiB of a topic created elsewhere.
 */
const MAX_SEND_BYTES = 900 * 1024;

/**
 * Outbox rows per round. Item-level messages are small (a few hundred bytes) and many (one per item changed and one
 * head per patient per change), so a round moves thousands: a round's fixed costs (the select, the sends' round
 * trips, the delete) are what limit a relay that must keep up with a projector's batches.
 */
const ROWS_PER_ROUND = 5_000;

/** Splits rows, in order, into runs of at most `maxBytes` of payload (a larger row goes alone). */
export function chunksOf<T extends { payload: Buffer | null }>(rows: readonly T[], maxBytes: number): T[][] {
  return chunksBySize(rows, maxBytes, (row) => row.payload?.length ?? 0);
}

export interface OutboxRelayOptions {
  readonly changelogTopic: string;
  /** The changelog topic's partition count: every message of a patient goes to its NHS number's partition. */
  readonly changelogPartitions: number;
  /** Names the session advisory lock that makes one instance the relay: one per read model schema. */
  readonly leaderLockName: string;
  readonly intervalMs: number;
  readonly batchSize?: number;
  readonly log: { log(message: string): void; warn(message: string): void };
}

/**
 * Moves changelog messages from the outbox table to the changelog topic, oldest first.
 *
 * Every message of a patient (its head, its items, their tombstones) goes to the partition of its NHS number, so a
 * patient's messages keep their order. Exactly one instance of a projector relays at a time (a session advisory
 * lock), because two relays could publish one patient's messages out of order, and compaction keeps whichever came
 * last. The lock is backed by a fence on the broker: each round is one Kafka transaction under a transactional id
 * shared by every instance relaying this read model, and a new leader's first transaction, begun before it reads the
 * outbox, fences the previous leader's producer (RelayTransactions), so an instance that lost the lock without
 * knowing cannot land a late send after the new leader's. A message is deleted from the outbox only after the
 * transaction committed; a crash in between publishes it again, with the same sequence number, which subscribers
 * drop. Per patient, outbox ids increase with sequence: the transaction that wrote a later change waited for the
 * patient's row lock held by the one that wrote the earlier.
 */
export class OutboxRelay {
  private readonly loop: RelayLoop;
  private readonly outbox = new ChangelogOutbox();

  constructor(
    db: DataSource,
    /** Under the transactional id of this read model's relay: see relayTransactionalId in libs/governance. */
    private readonly transactions: RelayTransactions,
    private readonly metrics: ProjectorMetrics,
    private readonly options: OutboxRelayOptions,
  ) {
    this.loop = new RelayLoop(db, (leader) => this.round(leader), {
      leaderLockName: options.leaderLockName,
      intervalMs: options.intervalMs,
      what: `the changelog to ${options.changelogTopic}`,
      log: options.log,
    });
  }

  get isLeader(): boolean {
    return this.loop.isLeader;
  }

  start(): void {
    this.loop.start();
  }

  /**
   * Stops relaying. The leader first publishes what the outbox holds (for at most `drainMs`), so a graceful shutdown
   * leaves nothing committed and unpublished; whatever a crash leaves, the next relay publishes.
   */
  async stop(drainMs?: number): Promise<void> {
    try {
      await this.loop.stop(drainMs);
    } finally {
      await this.transactions.discard();
    }
  }

  /**
   * Ends the wait for the next look at the outbox: the projector calls this when a batch has just committed changelog
   * messages, so they are published at once rather than up to an interval later. The interval remains for what other
   * instances commit.
   */
  notify(): void {
    this.loop.notify();
  }

  /**
   * Publishes what the outbox holds now, in one transaction, through the relay's connection; returns how many
   * messages. The transaction begins before the outbox is read: a new leader's first one is what fences the last.
   */
  private async round(leader: QueryRunner): Promise<number> {
    const limit = this.options.batchSize ?? ROWS_PER_ROUND;
    const rows = await this.transactions.inTransaction(leader, async (send) => {
      const oldest = await this.outbox.oldest(leader, limit);
      // Several small sends rather than one large one: the broker refuses a request whose batch for one partition is
      // larger than its max.message.bytes. Order within the outbox is kept, send after send.
      for (const chunk of chunksOf(oldest, MAX_SEND_BYTES)) {
        await send([
          {
            topic: this.options.changelogTopic,
            messages: chunk.map((r) => ({
              key: r.key,
              value: r.payload,
              partition: partitionOfKey(r.nhs_number, this.options.changelogPartitions),
              // The provider request behind the change, for following it into subscribers' logs (none for a fill).
              headers: r.correlation_id
                ? { [SEQUENCE_HEADER]: r.sequence, [CORRELATION_HEADER]: r.correlation_id }
                : { [SEQUENCE_HEADER]: r.sequence },
            })),
          },
        ]);
      }
      return oldest;
    });
    if (rows.length === 0) {
      this.metrics.outboxPending.set(0);
      return 0;
    }
    await this.outbox.remove(
      leader,
      rows.map((r) => r.id),
    );
    this.metrics.changelogPublished.inc(rows.length);
    this.metrics.outboxPending.set(rows.length === limit ? rows.length : 0);
    return rows.length;
  }
}
