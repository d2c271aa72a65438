import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { TopicMessages } from './transactional-publisher';

export interface RelayTransactionsOptions {
  /**
   * Stable per relayed outbox, the same on every instance that may relay it: the instance that takes the relay over
   * fences the producer of the one before.
   */
  readonly transactionalId: string;
  /** The broker aborts a transaction left open this long (a relay that hangs or dies mid-round). */
  readonly transactionTimeoutMs?: number;
}

/** Sends messages inside the round's transaction, in order; visible to read_committed consumers only at commit. */
export type RelaySend = (batches: readonly TopicMessages[]) => Promise<void>;

/**
 * The producer of an outbox relay: each round one Kafka transaction, under a transactional id shared by every
 * instance that may relay the outbox, so that the relay lock (a Postgres session lock) is backed by a fence on the
 * broker.
 *
 * A lock alone does not stop an instance that lost it without knowing (its database session ended while the process
 * lives, or it died with sends in flight): another takes the lock and publishes, and the first one's late sends land
 * after. Here every leadership starts on a new producer whose first transaction asks the coordinator for the id's
 * producer epoch (InitProducerId, which kafkajs sends at the first transaction, not at connect), before the round
 * reads the outbox: that aborts the previous leader's open transaction and fences its producer, so whatever it still
 * sends or commits is refused, and nothing of it is ever visible to a read_committed consumer.
 */
export class RelayTransactions {
  private producer?: Producer;
  private leadership?: object;

  constructor(
    private readonly kafka: Pick<Kafka, 'producer'>,
    private readonly options: RelayTransactionsOptions,
  ) {}

  /**
   * Runs `work` (which reads the outbox and sends) inside one transaction and commits it, returning what `work`
   * returned only once the commit was acknowledged. `leadership` stands for one period of holding the relay lock
   * (the leader's connection): a new one gets a new producer, which fences every earlier one. On any failure the
   * transaction is aborted and the producer discarded; the caller gives the lock up.
   */
  async inTransaction<T>(leadership: object, work: (send: RelaySend) => Promise<T>): Promise<T> {
    if (leadership !== this.leadership) await this.discard();
    let producer: Producer | undefined;
    try {
      producer = await this.connectedProducer(leadership);
      const transaction = await producer.transaction();
      try {
        const result = await work(async (batches) => {
          if (batches.length === 0) return;
          await transaction.sendBatch({
            topicMessages: batches.map((b) => ({ topic: b.topic, messages: [...b.messages] })),
            acks: -1,
          });
        });
        await transaction.commit();
        return result;
      } catch (error) {
        // Fenced, or the broker gone: the abort fails too, and the next leader's producer aborts what is left.
        await transaction.abort().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      await this.discard();
      throw error;
    }
  }

  /** Disconnects the producer (at stop, or when the lock was given up); the next leader's fences it anyway. */
  async discard(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.leadership = undefined;
    if (!producer) return;
    // A producer whose broker is gone must not hold the relay up: it is fenced by the next one in any case.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      producer.disconnect().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, 2_000))),
    ]).finally(() => clearTimeout(timer));
  }

  private async connectedProducer(leadership: object): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({
      transactionalId: this.options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      transactionTimeout: this.options.transactionTimeoutMs ?? 60_000,
      // Bounded, unlike kafkajs's default for idempotent producers (forever): a round that cannot reach the broker
      // fails (after about a minute), gives the lock up and is retried on a new producer. Safe because a failed
      // transaction is aborted or fenced, never resumed. Generous, because a round that follows a commit at once
      // meets CONCURRENT_TRANSACTIONS until the coordinator has written the last one's markers, which a loaded
      // machine can take seconds to do. (kafkajs warns about the bound once per producer.)
      retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    this.producer = producer;
    this.leadership = leadership;
    await producer.connect();
    return producer;
  }
}
