import { errorMessage } from '@crosscare/errors';
import { AdvisoryLeadership } from '@crosscare/database';
import { chunksBySize, partitionOfKey, type RecordProducer } from '@crosscare/kafka';
import { ChangelogOutbox, SEQUENCE_HEADER } from '@crosscare/read-model';
import type { DataSource } from 'typeorm';
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
 * last. A message is deleted from the outbox only after the broker acknowledged it; a crash in between publishes it
 * again, with the same sequence number, which subscribers drop. Per patient, outbox ids increase with sequence: the
 * transaction that wrote a later change waited for the patient's row lock held by the one that wrote the earlier.
 */
export class OutboxRelay {
  private running = false;
  private readonly leadership: AdvisoryLeadership;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly outbox = new ChangelogOutbox();

  constructor(
    db: DataSource,
    private readonly producer: RecordProducer,
    private readonly metrics: ProjectorMetrics,
    private readonly options: OutboxRelayOptions,
  ) {
    this.leadership = new AdvisoryLeadership(db, options.leaderLockName, () =>
      options.log.log(`this instance now relays the changelog to ${options.changelogTopic}`),
    );
  }

  get isLeader(): boolean {
    return this.leadership.isLeader;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Stops relaying. The leader first publishes what the outbox holds (for at most `drainMs`), so a graceful shutdown
   * leaves nothing committed and unpublished; whatever a crash leaves, the next relay publishes.
   */
  async stop(drainMs = 10_000): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    const deadline = Date.now() + drainMs;
    try {
      while (this.isLeader && Date.now() < deadline && (await this.relayOnce()) > 0);
    } catch (error) {
      this.options.log.warn(`changelog outbox not drained at stop: ${errorMessage(error)}`);
    } finally {
      await this.leadership.release();
    }
  }

  /**
   * Ends the wait for the next look at the outbox: the projector calls this when a batch has just committed changelog
   * messages, so they are published at once rather than up to an interval later. The interval remains for what other
   * instances commit.
   */
  notify(): void {
    this.wake?.();
  }

  /** Publishes what the outbox holds now, if this instance is the relay; returns how many messages it published. */
  async relayOnce(): Promise<number> {
    const leader = await this.leadership.acquire();
    if (!leader) return 0;
    const rows = await this.outbox.oldest(leader, this.options.batchSize ?? ROWS_PER_ROUND);
    if (rows.length === 0) {
      this.metrics.outboxPending.set(0);
      return 0;
    }
    // Several small sends rather than one large one: the broker refuses a request whose batch for one partition is
    // larger than its max.message.bytes. Order within the outbox is kept, send after send.
    for (const chunk of chunksOf(rows, MAX_SEND_BYTES)) {
      await this.producer.send({
        topic: this.options.changelogTopic,
        messages: chunk.map((r) => ({
          key: r.key,
          value: r.payload,
          partition: partitionOfKey(r.nhs_number, this.options.changelogPartitions),
          headers: { [SEQUENCE_HEADER]: r.sequence },
        })),
      });
    }
    await this.outbox.remove(
      leader,
      rows.map((r) => r.id),
    );
    this.metrics.changelogPublished.inc(rows.length);
    this.metrics.outboxPending.set(
      rows.length === (this.options.batchSize ?? ROWS_PER_ROUND) ? rows.length : 0,
    );
    return rows.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      try {
        published = await this.relayOnce();
      } catch (error) {
        this.options.log.warn(`changelog relay failed, will retry: ${errorMessage(error)}`);
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
