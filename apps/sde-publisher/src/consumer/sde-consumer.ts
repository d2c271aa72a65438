import { CrosscareError, errorMessage, isRetriable } from '@crosscare/errors';
import type { EventSerde, RecordChangeSerde } from '@crosscare/events';
import type { RecordProducer } from '@crosscare/kafka';
import type { SdeRecordMap } from '@crosscare/sde';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { SdeMetrics } from '../metrics/sde-metrics';
import type { SdePublishing, SourcedEvent, SourcedOptOut } from '../publishing/sde-publishing';
import type { SdeStore } from '../store/sde-store';

export interface SdeConsumerOptions {
  readonly groupId: string;
  readonly recordChangeTopics: readonly string[];
  readonly optOutTopic: string;
  /** Where messages that can never be decoded go, with the reason: they must not stall a partition. */
  readonly deadLetterTopic: string;
  readonly partitionsConsumedConcurrently: number;
  readonly log: { log(message: string): void; warn(message: string): void; error(message: string): void };
  /** Called after a batch committed something to publish. */
  readonly onQueued?: () => void;
}

export type ConsumerState = 'starting' | 'running' | 'crashed' | 'stopped';

/**
 * The Kafka edge of the publisher: one consumer in its group reading every ICS's record-change topic and the opt-out
 * topic (read_committed: an ingest transaction is seen whole or not at all). Positions live in the publisher's store,
 * written with the rows they produced; Kafka's committed offsets follow only so standard tools show lag.
 */
export class SdeConsumer {
  private readonly consumer: Consumer;
  private currentState: ConsumerState = 'starting';
  private assigned: { topic: string; partition: number }[] = [];

  constructor(
    kafka: Kafka,
    private readonly db: DataSource,
    private readonly store: SdeStore,
    private readonly recordChanges: RecordChangeSerde,
    private readonly sdeRecords: EventSerde<SdeRecordMap>,
    private readonly publishing: SdePublishing,
    private readonly deadLetters: RecordProducer,
    private readonly metrics: SdeMetrics,
    private readonly options: SdeConsumerOptions,
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

  get topics(): string[] {
    return [...this.options.recordChangeTopics, this.options.optOutTopic];
  }

  async start(): Promise<void> {
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
    await this.consumer.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const started = process.hrtime.bigint();
    const { topic, partition } = batch;
    const isOptOuts = topic === this.options.optOutTopic;
    const last = BigInt(batch.messages[batch.messages.length - 1].offset);
    let queued = false;
    await this.db.transaction(async (tx) => {
      const next = await this.store.positions.lock(tx, topic, partition);
      const fresh = batch.messages.filter((m) => next === undefined || BigInt(m.offset) >= next);
      if (fresh.length === 0) return;
      if (isOptOuts) {
        const changes = await this.decodeAll(topic, partition, fresh, async (m) => {
          if (m.value === null || m.value.length === 0) return undefined; // a key's tombstone: nothing to do
          const decoded = await this.sdeRecords.decode(m.value);
          if (decoded.type !== 'OptOutChanged') throw new NotAnOptOutError(decoded.type);
          return { offset: m.offset, change: decoded.event } satisfies SourcedOptOut;
        });
        const outcome = await this.publishing.optOutChanges(tx, changes);
        this.metrics.events.inc({ topic, outcome: 'opt-out' }, changes.length);
        queued = outcome.tombstoned + outcome.republished + outcome.notices > 0;
      } else {
        const events = await this.decodeAll(topic, partition, fresh, async (m) => {
          if (m.value === null || m.value.length === 0) throw new NoValueError();
          return {
            offset: m.offset,
            event: (await this.recordChanges.decode(m.value)).event,
          } satisfies SourcedEvent;
        });
        const outcome = await this.publishing.recordChanges(tx, { topic, partition }, events);
        for (const [project, rows] of outcome.published)
          this.metrics.rows.inc({ project, outcome: 'queued' }, rows);
        this.metrics.events.inc({ topic, outcome: 'processed' }, events.length);
        this.metrics.events.inc({ topic, outcome: 'not-released' }, outcome.notReleased);
        queued = outcome.published.size > 0;
      }
      await this.store.positions.advance(tx, topic, partition, last + 1n);
    });
    this.metrics.batchSeconds.observe({ topic }, Number(process.hrtime.bigint() - started) / 1e9);
    if (queued) this.options.onQueued?.();
    payload.resolveOffset(last.toString());
    await this.consumer
      .commitOffsets([{ topic, partition, offset: (last + 1n).toString() }])
      .catch(() => undefined);
    await payload.heartbeat().catch(() => undefined);
  }

  /**
   * Decodes each message; one that can never decode goes to the dead-letter topic with the reason and is skipped, so
   * it does not stall its partition. A registry outage is thrown: the batch is retried.
   */
  private async decodeAll<T>(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    decode: (message: KafkaMessage) => Promise<T | undefined>,
  ): Promise<T[]> {
    const decoded: T[] = [];
    for (const message of messages) {
      try {
        const value = await decode(message);
        if (value !== undefined) decoded.push(value);
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
        this.metrics.events.inc({ topic, outcome: 'dead-lettered' });
        this.metrics.deadLetters.inc({ topic });
      }
    }
    return decoded;
  }

  private async seekToStoredOffsets(): Promise<void> {
    const stored = await this.store.positions.of(this.db, this.topics);
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

class NotAnOptOutError extends CrosscareError {
  constructor(type: string) {
    super(`the opt-out topic holds a ${type}, not an OptOutChanged`, { retriable: false });
  }
}
