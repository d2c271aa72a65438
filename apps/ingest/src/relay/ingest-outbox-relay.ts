import { RelayLoop } from '@crosscare/database';
import { errorMessage } from '@crosscare/errors';
import { chunksBySize, ensureTopics, messageBytes, type TopicSpec } from '@crosscare/kafka';
import { Partitioners, type Kafka, type PartitionOffset, type Producer } from 'kafkajs';
import type { DataSource, QueryRunner } from 'typeorm';
import { IngestOutbox, type OutboxRow, type RelayPosition } from '../storage/ingest-outbox';
import { positionFromMetadata, positionMetadata } from './relay-position';

/** Rows per round: each round is one Kafka transaction, so a backlog moves in few, large ones. */
const ROWS_PER_ROUND = 2_000;
/** Payload bytes per send, under the broker's default max.message.bytes (1 MiB) even if all for one partition. */
const MAX_SEND_BYTES = 900 * 1024;

export interface IngestOutboxRelayOptions {
  /**
   * The relay's Kafka transactional id and consumer group: the same on every instance, so that the instance that
   * becomes the relay fences the one before it.
   */
  readonly relayId: string;
  /** The topic whose offset holds the position (ingestRelayPositionTopic). */
  readonly positionTopic: string;
  /** Names the session advisory lock that makes one instance the relay: one per ledger schema. */
  readonly leaderLockName: string;
  readonly intervalMs: number;
  /** Longest one round's Kafka transaction may stay open before the broker aborts it. */
  readonly transactionTimeoutMs: number;
  readonly rowsPerRound?: number;
  readonly log: { log(message: string): void; warn(message: string): void };
  /** Told of each round that published (events published, the round's position). */
  /** Told of each relay transaction committed: how many rows, and when each was accepted (epoch ms). */
  readonly onPublished?: (count: number, acceptedAt: readonly number[]) => void;
}

/** The relay's hold on Kafka while this instance leads: its producer and how far it has published. */
interface Tenure {
  readonly leader: QueryRunner;
  readonly producer: Producer;
  position: RelayPosition;
}

/**
 * Publishes what ingest accepted, exactly once and in order (docs/ingest.md, "Accepted, then published").
 *
 * One instance relays at a time (a session advisory lock per ledger schema). Each round is one Kafka transaction
 * holding the round's events and, as a consumer-group offset of the position topic, the position after them: the
 * events are visible to read_committed consumers if and only if the position moved past them. The rows are deleted
 * afterwards; a crash before the delete leaves rows the next relay skips, because it resumes from the position
 * Kafka committed, not from what the table still holds.
 *
 * On becoming the relay, an instance first starts (and drops) a transaction on its transactional producer, whose
 * InitProducerId fences the previous relay's producer: a transaction the previous relay left open is aborted, or completed if it was already
 * committing, before the new relay reads the position. So a relay that lost its lock without knowing (its database
 * session gone while it lives) can publish nothing more: its sends and its commit are refused as fenced.
 */
export class IngestOutboxRelay {
  private readonly loop: RelayLoop;
  private readonly outbox = new IngestOutbox();
  private tenure?: Tenure;
  private previousRound: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    private readonly kafka: Kafka,
    private readonly options: IngestOutboxRelayOptions,
  ) {
    this.loop = new RelayLoop(db, (leader) => this.round(leader), {
      leaderLockName: options.leaderLockName,
      intervalMs: options.intervalMs,
      what: 'accepted events to their topics',
      log: options.log,
    });
  }

  get isLeader(): boolean {
    return this.loop.isLeader;
  }

  start(): void {
    this.loop.start();
  }

  /** Stops relaying; the leader first publishes what the outbox holds, for at most `drainMs`. */
  async stop(drainMs?: number): Promise<void> {
    await this.loop.stop(drainMs);
    await this.endTenure();
  }

  /** A request was just accepted: publish it now rather than an interval later. */
  notify(): void {
    this.loop.notify();
  }

  /** One round now, if this instance is or becomes the relay; how many events it published. */
  relayOnce(): Promise<number> {
    return this.loop.relayOnce();
  }

  /**
   * Publishes everything accepted before the call, or waits while the instance that relays does; false when it was not
   * all published within `timeoutMs` (it stays in the outbox, for whichever relay runs next). For command lines
   * that accept through the intake and must not exit before their events are out.
   */
  async publishAccepted(timeoutMs: number): Promise<boolean> {
    const through = await this.outbox.lastId(this.db);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.relayOnce();
      } catch (error) {
        this.options.log.warn(`publishing failed, will retry: ${errorMessage(error)}`);
      }
      if (!(await this.outbox.holdsThrough(this.db, through))) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * Rounds one at a time, whoever asks (the loop, or publishAccepted in the same process): two at once would share a
   * producer, which runs one transaction at a time.
   */
  private round(leader: QueryRunner): Promise<number> {
    const next = this.previousRound.then(() => this.roundNow(leader));
    this.previousRound = next.catch(() => undefined);
    return next;
  }

  private async roundNow(leader: QueryRunner): Promise<number> {
    const tenure = await this.tenureFor(leader);
    const rows = await this.outbox.ready(
      leader,
      tenure.position,
      this.options.rowsPerRound ?? ROWS_PER_ROUND,
    );
    if (rows.length === 0) return 0;
    const next = rows[rows.length - 1].position;
    try {
      await this.publish(tenure.producer, rows, next);
    } catch (error) {
      // Fenced, timed out or refused: the transaction is aborted (or fenced by whoever relays next), and a new
      // tenure starts from the position Kafka holds.
      await this.endTenure();
      throw error;
    }
    tenure.position = next;
    await this.outbox.removeThrough(leader, next);
    this.options.onPublished?.(
      rows.length,
      rows.map((r) => r.acceptedAt),
    );
    return rows.length;
  }

  private async publish(producer: Producer, rows: readonly OutboxRow[], next: RelayPosition): Promise<void> {
    const transaction = await producer.transaction();
    try {
      // Several sends rather than one: the broker refuses a request whose batch for one partition is larger than its
      // max.message.bytes. Order is kept, send after send, so a patient's events keep the order they were accepted in.
      for (const chunk of chunksBySize(rows, MAX_SEND_BYTES, messageBytes)) {
        await transaction.sendBatch({ topicMessages: byTopic(chunk), acks: -1 });
      }
      // kafkajs sends an offset's metadata in TxnOffsetCommit, but its types leave the field out.
      const position: PartitionOffset & { metadata: string } = {
        partition: 0,
        offset: String(next.id),
        metadata: positionMetadata(next),
      };
      await transaction.sendOffsets({
        consumerGroupId: this.options.relayId,
        topics: [{ topic: this.options.positionTopic, partitions: [position] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  /**
   * The tenure of this leadership: a new leader connection (the lock was lost and taken again, or taken for the first
   * time) starts a new one, fencing whatever relayed before.
   */
  private async tenureFor(leader: QueryRunner): Promise<Tenure> {
    if (this.tenure?.leader === leader) return this.tenure;
    await this.endTenure();
    const producer = this.kafka.producer({
      transactionalId: this.options.relayId,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      transactionTimeout: this.options.transactionTimeoutMs,
      // Bounded, unlike kafkajs's default for idempotent producers (forever): a failed round ends the tenure and the
      // next one fences this producer, so it must not go on retrying in the background.
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
    });
    try {
      await producer.connect();
      // The fence: kafkajs sends InitProducerId with the transactional id at a producer's first transaction, not at
      // connect. The coordinator then bumps the id's epoch, aborting (or completing) the previous relay's open
      // transaction, before it answers; only after that can the position in Kafka no longer move under us.
      await (await producer.transaction()).abort();
      const position = await this.committedPosition();
      // What the previous relay published but had not deleted yet.
      const removed = await this.outbox.removeThrough(leader, position);
      if (removed > 0)
        this.options.log.log(
          `${removed} accepted events were already published by the previous relay; removed`,
        );
      this.tenure = { leader, producer, position };
      return this.tenure;
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw new Error(`could not take over publishing: ${errorMessage(error)}`, { cause: error });
    }
  }

  /** The position in Kafka, read after the fence so that no earlier relay can still move it. */
  private async committedPosition(): Promise<RelayPosition> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [relayPositionTopicSpec(this.options.positionTopic)]);
      const [found] = await admin.fetchOffsets({
        groupId: this.options.relayId,
        topics: [this.options.positionTopic],
      });
      const partition = found?.partitions.find((p) => p.partition === 0);
      return positionFromMetadata(partition?.offset ?? '-1', partition?.metadata ?? null);
    } finally {
      await admin.disconnect();
    }
  }

  private async endTenure(): Promise<void> {
    const tenure = this.tenure;
    this.tenure = undefined;
    if (tenure) await tenure.producer.disconnect().catch(() => undefined);
  }
}

function byTopic(rows: readonly OutboxRow[]) {
  const topics = new Map<
    string,
    {
      topic: string;
      messages: { key: Buffer | null; value: Buffer; partition?: number; headers: Record<string, string> }[];
    }
  >();
  for (const row of rows) {
    const entry = topics.get(row.topic) ?? { topic: row.topic, messages: [] };
    entry.messages.push({
      key: row.key,
      value: row.value,
      ...(row.partition === null ? {} : { partition: row.partition }),
      headers: row.headers,
    });
    topics.set(row.topic, entry);
  }
  return [...topics.values()];
}

/**
 * The relay's position topic as the relay provisions it (and deploy/k8s declares it): one compacted partition holding
 * the consumer-group offset its transactions commit.
 */
export function relayPositionTopicSpec(name: string, replicationFactor?: number): TopicSpec {
  return { name, partitions: 1, replicationFactor, config: { 'cleanup.policy': 'compact' } };
}
