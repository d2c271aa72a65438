import { CrosscareError, errorMessage, isRetriable } from '@crosscare/errors';
import type { RecordChangeSerde } from '@crosscare/events';
import {
  correlationIdFromHeaders,
  distinctCorrelationIds,
  isCorrelationId,
  withCorrelation,
} from '@crosscare/logging';
import type { RecordProducer } from '@crosscare/kafka';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { SourcedRecordChange } from '../matching/record-change-matcher';
import type { SubscriptionsMetrics } from '../subscriptions-metrics';
import type { SubscriptionEventRow, SubscriptionStore } from '../store/subscription-store';

export interface RecordChangeConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where messages that can never be decoded go, with the reason: they must not stall a partition. */
  readonly deadLetterTopic: string;
  readonly partitionsConsumedConcurrently: number;
  readonly log: {
    warn(message: string): void;
    error(message: string): void;
    debug?(message: string, fields?: Record<string, unknown>): void;
  };
}

/** Numbers a batch's record changes for the subscriptions they notify, inside the batch's transaction. */
export type NumberEvents = (
  tx: import('typeorm').EntityManager,
  changes: readonly SourcedRecordChange[],
) => Promise<SubscriptionEventRow[]>;

export type ConsumerState = 'starting' | 'running' | 'crashed' | 'stopped';

/**
 * The Kafka edge: one consumer in the service's group reading every ICS's record-change topic (read_committed: an
 * ingest transaction is seen whole or not at all), however many subscriptions there are. Each batch's numbered events
 * and the partition's next offset commit in one Postgres transaction, so a redelivered batch numbers nothing twice;
 * Kafka's committed offsets follow only so standard tools show lag.
 */
export class RecordChangeConsumer {
  private readonly consumer: Consumer;
  private currentState: ConsumerState = 'starting';
  private assigned: { topic: string; partition: number }[] = [];

  constructor(
    kafka: Kafka,
    private readonly db: DataSource,
    private readonly store: SubscriptionStore,
    private readonly serde: RecordChangeSerde,
    private readonly numberEvents: NumberEvents,
    private readonly deadLetters: RecordProducer,
    private readonly metrics: SubscriptionsMetrics,
    private readonly options: RecordChangeConsumerOptions,
    /** Told of what each committed batch numbered (delivery wakes, the event cache keeps the decoded events). */
    private readonly onNumbered: (
      numbered: SubscriptionEventRow[],
      changes: readonly SourcedRecordChange[],
    ) => void,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      readUncommitted: false,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.assigned = Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      this.seekToStoredOffsets().catch((error: unknown) =>
        options.log.warn(
          `could not seek to stored offsets (batches will skip what is done): ${errorMessage(error)}`,
        ),
      );
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      options.log.error(`consumer crashed: ${errorMessage(event.payload.error)}`);
      if (!event.payload.restart) this.currentState = 'crashed';
    });
  }

  get state(): ConsumerState {
    return this.currentState;
  }

  get assignment(): readonly { topic: string; partition: number }[] {
    return this.assigned;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
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
    await this.consumer.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const started = process.hrtime.bigint();
    const { topic, partition } = batch;
    const last = BigInt(batch.messages[batch.messages.length - 1].offset);
    let numbered: SubscriptionEventRow[] = [];
    let changes: SourcedRecordChange[] = [];
    await this.db.transaction(async (tx) => {
      const next = await this.store.positions.lock(tx, topic, partition);
      const fresh = batch.messages.filter((m) => next === undefined || BigInt(m.offset) >= next);
      if (fresh.length === 0) return;
      changes = [];
      for (const message of fresh) {
        const change = await this.decode(topic, partition, message);
        if (change) changes.push(change);
      }
      const ids = distinctCorrelationIds(changes.map((c) => c.correlationId));
      this.options.log.debug?.('matching a batch', {
        topic,
        partition,
        firstOffset: fresh[0].offset,
        changes: changes.length,
        correlationIds: ids,
      });
      numbered = await withCorrelation(ids.length === 1 ? ids[0] : undefined, () =>
        this.numberEvents(tx, changes),
      );
      await this.store.positions.advance(tx, topic, partition, last + 1n);
    });
    this.metrics.recordChanges.inc({ outcome: 'consumed' }, changes.length);
    this.metrics.eventsNumbered.inc(numbered.length);
    this.metrics.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    if (numbered.length > 0) this.onNumbered(numbered, changes);
    payload.resolveOffset(last.toString());
    await this.consumer
      .commitOffsets([{ topic, partition, offset: (last + 1n).toString() }])
      .catch(() => undefined);
    await payload.heartbeat().catch(() => undefined);
  }

  /**
   * One message that can never decode goes to the dead-letter topic with the reason and is skipped, so it does not
   * stall its partition. A registry outage is thrown: the batch is retried.
   */
  private async decode(
    topic: string,
    partition: number,
    message: EachBatchPayload['batch']['messages'][number],
  ): Promise<SourcedRecordChange | undefined> {
    try {
      if (message.value === null || message.value.length === 0) throw new NoValueError();
      const { event } = await this.serde.decode(message.value);
      // The provider request it came from: the header, else the event's own (a record change always carries one).
      const correlationId =
        correlationIdFromHeaders(message.headers) ??
        (isCorrelationId(event.header.correlationId) ? event.header.correlationId : undefined);
      return { event, source: { topic, partition, offset: message.offset }, correlationId };
    } catch (error) {
      if (isRetriable(error)) throw error;
      const reason =
        error instanceof CrosscareError ? error.message : `cannot decode: ${errorMessage(error)}`;
      this.options.log.warn(`dead-lettering ${topic}[${partition}]@${message.offset}: ${reason}`);
      await this.deadLetters.send({
        topic: this.options.deadLetterTopic,
        messages: [
          {
            key: message.key,
            value: message.value,
            headers: {
              'crosscare-dlq-reason': reason,
              'crosscare-dlq-source': `${topic}/${partition}/${message.offset}`,
            },
          },
        ],
      });
      this.metrics.recordChanges.inc({ outcome: 'dead-lettered' });
      this.metrics.deadLetters.inc({ topic });
      return undefined;
    }
  }

  private async seekToStoredOffsets(): Promise<void> {
    const stored = await this.store.positions.of(this.db, this.options.topics);
    for (const { topic, partition } of this.assigned) {
      const position = stored.find((s) => s.topic === topic && s.partition === partition);
      if (position) this.consumer.seek({ topic, partition, offset: position.nextOffset.toString() });
    }
  }
}

class NoValueError extends CrosscareError {
  constructor() {
    super('the message has no value', { retriable: false });
  }
}
