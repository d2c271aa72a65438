import { CrosscareError, errorMessage, isRetriable } from '@crosscare/errors';
import {
  ConsumedOffsets,
  ReadModelSwitchedError,
  SEQUENCE_HEADER,
  type ReadChangelogMessage,
} from '@crosscare/read-model';
import type { RecordChangeSerde } from '@crosscare/events';
import { correlationIdFromHeaders, distinctCorrelationIds, withCorrelation } from '@crosscare/logging';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { ProjectorMetrics } from '../metrics/projector-metrics';
import type { ProjectorTopology } from '../projector-topology';
import type { Decoded, SourceMessage } from '../projection/partition-batch';
import type { RecordChangeProjection } from '../projection/record-change-projection';
import type { RemoteViewProjection } from '../projection/remote-view-projection';
import type { DeadLetterPublisher } from './dead-letter-publisher';
import { unprojectableTail, type OffsetRange } from './unprojectable-tail';

export interface ProjectorConsumerOptions {
  readonly groupId: string;
  readonly partitionsConsumedConcurrently: number;
  readonly maxBytesPerPartition: number;
  /** kafkajs minBytes and maxWaitTimeInMs of every fetch; kafkajs's defaults (1, 5000) when unset. */
  readonly fetchMinBytes?: number;
  readonly fetchMaxWaitMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly log: {
    log(message: string): void;
    warn(message: string, fields?: Record<string, unknown>): void;
    error(message: string): void;
    debug?(message: string, fields?: Record<string, unknown>): void;
  };
  /** Called once when a batch finds its read model switched by a rebuild; the batch is not committed. */
  readonly onReadModelSwitched?: (error: ReadModelSwitchedError) => void;
  /** First step of the transaction that moves a position past markers, as of every batch's (the projections'). */
  readonly assertServing?: (tx: EntityManager) => Promise<void>;
}

export type ConsumerState = 'starting' | 'running' | 'crashed' | 'stopped';

/** Decodes the other side's changelog messages (a tombstone by its key and header); throws what EventSerde throws. */
export type RemoteChangelogDecoder = (
  key: string,
  value: Buffer | null,
  sequenceHeader: string | undefined,
) => Promise<ReadChangelogMessage>;

/**
 * The Kafka edge of a projector: one consumer in the collaborative's group, reading its ICS topics, its retry topic
 * and the other side's changelog (read_committed, so an ingest transaction is seen whole or not at all), one batch
 * per partition, several partitions at once.
 *
 * Positions live in the read model (ConsumedOffsets). Kafka's committed offsets are written after each database
 * commit only so that standard tools show the group's lag; they are never ahead of the database, and on joining the
 * group each assigned partition is sought to the database's position. A position also moves past what follows a
 * batch's last message and no projection sees (commit markers, aborted transactions), so a fully projected partition
 * is at its end offset.
 */
export class ProjectorConsumer {
  private readonly consumer: Consumer;
  private readonly offsets = new ConsumedOffsets();
  private currentState: ConsumerState = 'starting';
  private assigned: { topic: string; partition: number }[] = [];
  private switched = false;
  /** Moves past markers started outside a batch (kafkajs's batch-process event), awaited by stop(). */
  private readonly skipping = new Set<Promise<void>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly db: DataSource,
    private readonly topology: ProjectorTopology,
    private readonly serde: RecordChangeSerde,
    private readonly decodeRemote: RemoteChangelogDecoder,
    private readonly records: RecordChangeProjection,
    private readonly remote: RemoteViewProjection,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: ProjectorMetrics,
    private readonly options: ProjectorConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      maxBytesPerPartition: options.maxBytesPerPartition,
      minBytes: options.fetchMinBytes,
      maxWaitTimeInMs: options.fetchMaxWaitMs,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.sessionTimeoutMs ? Math.floor(options.sessionTimeoutMs / 10) : undefined,
      allowAutoTopicCreation: false,
      readUncommitted: false,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.assigned = Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      this.seekToStoredOffsets().catch((error: unknown) =>
        this.options.log.warn(
          `could not seek to stored offsets (batches will skip what is done): ${errorMessage(error)}`,
        ),
      );
    });
    // kafkajs does not call eachBatch for a batch it filtered empty (only markers, an aborted transaction): it only
    // tells its listeners, and moves its own fetch position on.
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, (event) => {
      const { topic, partition, batchSize, firstOffset, lastOffset } = event.payload;
      if (batchSize > 0 || this.switched || this.currentState === 'stopped') return;
      const tail = unprojectableTail({ firstOffset, lastOffset });
      if (tail) this.skipOutsideBatch(topic, partition, tail);
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.options.log.error(`consumer crashed: ${errorMessage(event.payload.error)}`);
      if (!event.payload.restart) this.currentState = 'crashed';
    });
  }

  get state(): ConsumerState {
    return this.currentState;
  }

  get assignment(): readonly { topic: string; partition: number }[] {
    return this.assigned;
  }

  get topics(): string[] {
    return [...this.topology.recordChangeTopics, this.topology.remoteChangelogTopic];
  }

  async start(): Promise<void> {
    await this.startFreshReadModelFromTheBeginning();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.currentState = 'running';
  }

  async stop(): Promise<void> {
    this.currentState = 'stopped';
    // Before disconnecting: a skip commits the group's offset when it is done.
    await Promise.allSettled([...this.skipping]);
    await this.consumer.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    try {
      await this.projectBatch(payload);
    } catch (error) {
      if (!(error instanceof ReadModelSwitchedError)) throw error;
      if (!this.switched) {
        this.switched = true;
        this.options.log.log(error.message);
        this.options.onReadModelSwitched?.(error);
      }
    }
  }

  private async projectBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale() || this.switched) return;
    const started = process.hrtime.bigint();
    const sink = (letters: Parameters<DeadLetterPublisher['publish']>[0]) =>
      this.deadLetters.publish(letters);
    let outcome;
    if (batch.topic === this.topology.remoteChangelogTopic) {
      const decode = async (message: KafkaMessage) => ({
        value: await this.decodeRemote(
          message.key?.toString() ?? '',
          message.value,
          message.headers?.[SEQUENCE_HEADER]?.toString(),
        ),
      });
      const messages = await Promise.all(batch.messages.map((m) => this.sourceMessage(m, decode)));
      outcome = await this.underCorrelation(batch, messages, () =>
        this.remote.project({ topic: batch.topic, partition: batch.partition, messages }, sink),
      );
      if (outcome.gaps > 0) {
        this.metrics.changelogGaps.inc({ topic: batch.topic }, outcome.gaps);
        this.options.log.warn(
          `${outcome.gaps} change(s) on ${batch.topic}[${batch.partition}] skipped sequence numbers`,
        );
      }
    } else {
      const decode = async ({ value }: KafkaMessage) => {
        if (value === null || value.length === 0) throw new NoValueError();
        const decoded = await this.serde.decode(value);
        return { value: decoded.event, payloadAsRead: decoded.payloadAsRead };
      };
      const messages = await Promise.all(batch.messages.map((m) => this.sourceMessage(m, decode)));
      outcome = await this.underCorrelation(batch, messages, () =>
        this.records.project({ topic: batch.topic, partition: batch.partition, messages }, sink),
      );
    }
    // Committed to the read model: count it now, whatever happens to the informational Kafka commit below.
    const labels = { topic: batch.topic };
    this.metrics.events.inc({ ...labels, outcome: 'projected' }, outcome.projected);
    this.metrics.events.inc({ ...labels, outcome: 'already_applied' }, outcome.alreadyApplied);
    this.metrics.events.inc({ ...labels, outcome: 'dead_lettered' }, outcome.deadLettered);
    this.metrics.deadLetters.inc(labels, outcome.deadLettered);
    this.metrics.batchSeconds.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    this.metrics.highWatermark.set(
      { ...labels, partition: String(batch.partition) },
      Number(batch.highWatermark),
    );

    const last = batch.messages[batch.messages.length - 1].offset;
    let next = BigInt(last) + 1n;
    const tail = unprojectableTail({
      firstOffset: batch.firstOffset(),
      lastOffset: batch.lastOffset(),
      lastMessageOffset: last,
    });
    if (tail && (await this.skip(batch.topic, batch.partition, tail))) next = tail.to;
    payload.resolveOffset(last);
    await this.commitForLagTools(batch.topic, batch.partition, next);
    await payload.heartbeat().catch(() => undefined);
  }

  /** Moves the partition's stored position past markers when it is among them (ConsumedOffsets.skip). */
  private skip(topic: string, partition: number, tail: OffsetRange): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await this.options.assertServing?.(tx);
      return this.offsets.skip(tx, topic, partition, tail.from, tail.to);
    });
  }

  /**
   * A skip no batch waits for. A failure only delays it: the partition's next batch skips what it can, and a partition
   * that stays quiet shows the markers as lag until then.
   */
  private skipOutsideBatch(topic: string, partition: number, tail: OffsetRange): void {
    const skipping: Promise<void> = this.skip(topic, partition, tail)
      .then((moved) => (moved ? this.commitForLagTools(topic, partition, tail.to) : undefined))
      .catch((error: unknown) => {
        if (error instanceof ReadModelSwitchedError) return;
        this.options.log.warn(
          `could not move ${topic}[${partition}] past offsets ${tail.from}-${tail.to - 1n} (markers): ${errorMessage(error)}`,
        );
      })
      .finally(() => this.skipping.delete(skipping));
    this.skipping.add(skipping);
  }

  /**
   * Only for standard lag tools: positions live in the read model, so a commit refused during a rebalance is not
   * worth failing (and so redelivering) a batch that is already in the database.
   */
  private async commitForLagTools(topic: string, partition: number, next: bigint): Promise<void> {
    await this.consumer.commitOffsets([{ topic, partition, offset: next.toString() }]).catch(() => undefined);
  }

  /** Decodes one message; a message that can never decode is marked for the dead-letter topic, an outage is thrown. */
  private async sourceMessage<T>(
    message: KafkaMessage,
    decode: (message: KafkaMessage) => Promise<{ value: T; payloadAsRead?: Buffer }>,
  ): Promise<SourceMessage<T>> {
    let decoded: Decoded<T>;
    try {
      decoded = { ok: true, ...(await decode(message)) };
    } catch (error) {
      if (isRetriable(error)) throw error;
      decoded = {
        ok: false,
        reason: error instanceof NoValueError ? error.message : `cannot decode: ${errorMessage(error)}`,
      };
    }
    return {
      offset: message.offset,
      key: message.key,
      value: message.value,
      decoded,
      correlationId: correlationIdFromHeaders(message.headers),
    };
  }

  /**
   * Runs a batch's projection under its correlation id when all its messages share one (a provider request's events
   * on one partition), so every line it logs carries it; a batch of several requests names them all at debug.
   */
  private underCorrelation<T, R>(
    batch: { topic: string; partition: number },
    messages: readonly SourceMessage<T>[],
    work: () => Promise<R>,
  ): Promise<R> {
    const ids = distinctCorrelationIds(messages.map((m) => m.correlationId));
    this.options.log.debug?.('projecting a batch', {
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: messages[0]?.offset,
      messages: messages.length,
      correlationIds: ids,
    });
    return withCorrelation(ids.length === 1 ? ids[0] : undefined, work);
  }

  private async seekToStoredOffsets(): Promise<void> {
    const stored = await this.offsets.all(this.db, this.topics);
    for (const { topic, partition } of this.assigned) {
      const position = stored.find((s) => s.topic === topic && s.partition === partition);
      if (position) this.consumer.seek({ topic, partition, offset: position.nextOffset.toString() });
    }
  }

  /**
   * A read model with no stored positions (new, or rebuilt into a new schema) must see every event, whatever the
   * group committed for an earlier read model: its committed offsets are reset to the earliest.
   */
  private async startFreshReadModelFromTheBeginning(): Promise<void> {
    if ((await this.offsets.all(this.db, this.topics)).length > 0) return;
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const committed = await whileCoordinatorLoads(() =>
        admin.fetchOffsets({ groupId: this.options.groupId, topics: this.topics }),
      );
      const behind = committed.filter((t) => t.partitions.some((p) => p.offset !== '-1')).map((t) => t.topic);
      for (const topic of behind) {
        // Refused while another instance of the group is consuming: that instance then owns the positions.
        await admin
          .resetOffsets({ groupId: this.options.groupId, topic, earliest: true })
          .catch((error: unknown) =>
            this.options.log.warn(`kept the group's offsets on ${topic}: ${errorMessage(error)}`),
          );
      }
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * A broker that has just started answers group requests with "not the coordinator" or "coordinator loading" for a few
 * seconds; kafkajs gives up on the admin call sooner than that. Ask again, for up to half a minute.
 */
async function whileCoordinatorLoads<T>(request: () => Promise<T>, attempts = 30): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      // Not only errors marked retriable: kafkajs wraps these in a non-retriable error once its own retries end.
      if (attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** A record change with no value: nothing to project (only the changelog has tombstones). */
class NoValueError extends CrosscareError {
  constructor() {
    super('the message has no value', { retriable: false });
  }
}
