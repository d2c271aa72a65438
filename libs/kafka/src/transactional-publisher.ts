import { CrosscareError, errorMessage } from '@crosscare/errors';
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';

export interface TopicMessages {
  readonly topic: string;
  readonly messages: readonly Message[];
}

export interface TransactionalPublisherOptions {
  /**
   * Stable per instance (not per process start): a restarted instance with the same id fences its previous self,
   * which aborts any transaction the old one left open.
   */
  readonly transactionalId: string;
  /**
   * Upper bound on one publish, from the moment its transaction starts to the broker's commit. kafkajs would retry
   * an unreachable broker far longer than an HTTP caller waits; past this the publish fails as unavailable.
   */
  readonly timeoutMs: number;
  /** A publish still queued after this long fails without being sent (the caller has likely given up). */
  readonly queueTimeoutMs?: number;
  /**
   * Transactions in flight at once, each on its own producer (transactional ids `<id>-0`, `<id>-1`, ...). A
   * transaction costs several round trips, so one at a time leaves the broker idle between them. Publishes that
   * are in flight together have no order among them (they are concurrent requests); one that starts after another
   * was acknowledged is always committed after it.
   */
  readonly lanes?: number;
  /** Most messages in one transaction; a larger backlog is split over consecutive transactions. */
  readonly maxMessagesPerTransaction?: number;
}

/** The broker did not take the messages in time or refused them; nothing from this publish is visible. */
export class PublishUnavailableError extends CrosscareError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: true, cause });
    this.name = 'PublishUnavailableError';
  }
}

/** One transactional producer and whether a transaction of it is in flight. */
interface Lane {
  readonly transactionalId: string;
  producer?: Producer;
  busy: boolean;
}

interface PendingPublish {
  readonly batches: readonly TopicMessages[];
  readonly size: number;
  readonly enqueuedAt: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * All-or-nothing publishing with group commit.
 *
 * Each publish (say, the events of one transaction Bundle, spread over many partitions) is written inside a Kafka
 * transaction, so read_committed consumers see all of it or none of it, even when the broker fails half way. A
 * transactional producer runs one transaction at a time, so publishes that arrive while one is in flight wait and
 * then share the next transaction: under load many requests commit together, which costs one commit instead of many.
 *
 * The promise resolves only after the commit was acknowledged by all in-sync replicas. It rejects with
 * {@link PublishUnavailableError} when the broker does not answer within the timeout; the transaction is then
 * aborted, or, when the broker is gone, fenced by the next producer with the same transactional id, so none of it
 * becomes visible. One window remains: a commit the broker applied but whose answer was lost reports failure; the
 * caller retries and the events appear twice with the same event ids, which consumers drop.
 */
export class TransactionalPublisher {
  private readonly queue: PendingPublish[] = [];
  private readonly lanes: Lane[];
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TransactionalPublisherOptions,
  ) {
    const count = options.lanes ?? 1;
    this.lanes = Array.from({ length: count }, (_, i) => ({
      transactionalId: count === 1 ? options.transactionalId : `${options.transactionalId}-${i}`,
      busy: false,
    }));
  }

  publish(batches: readonly TopicMessages[]): Promise<void> {
    if (this.closed) return Promise.reject(new PublishUnavailableError('the publisher is shutting down'));
    const size = batches.reduce((n, b) => n + b.messages.length, 0);
    if (size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ batches, size, enqueuedAt: Date.now(), resolve, reject });
      this.drain();
    });
  }

  /** Waits for queued publishes to finish, then disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.lanes.some((l) => l.busy))
      await new Promise((r) => setTimeout(r, 10));
    await Promise.all(this.lanes.map((lane) => this.discardProducer(lane)));
  }

  /** Gives queued publishes to every free lane; each lane runs one transaction at a time. */
  private drain(): void {
    for (const lane of this.lanes) {
      if (this.queue.length === 0) return;
      if (lane.busy) continue;
      const group = this.takeGroup();
      if (group.length === 0) return;
      lane.busy = true;
      void this.run(lane, group).finally(() => {
        lane.busy = false;
        this.drain();
      });
    }
  }

  private async run(lane: Lane, group: PendingPublish[]): Promise<void> {
    const attempt = { abandoned: false };
    try {
      await this.withTimeout(this.commitTransaction(lane, group, attempt), this.options.timeoutMs);
      for (const p of group) p.resolve();
    } catch (error) {
      attempt.abandoned = true;
      const failure =
        error instanceof PublishUnavailableError
          ? error
          : new PublishUnavailableError(`publishing failed: ${errorMessage(error)}`, error);
      for (const p of group) p.reject(failure);
      // Whatever state the transaction is in, a new producer with the same transactional id fences it.
      await this.discardProducer(lane);
    }
  }

  private takeGroup(): PendingPublish[] {
    const max = this.options.maxMessagesPerTransaction ?? 10_000;
    const queueTimeout = this.options.queueTimeoutMs ?? this.options.timeoutMs;
    const now = Date.now();
    const group: PendingPublish[] = [];
    let size = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (now - next.enqueuedAt > queueTimeout) {
        this.queue.shift();
        next.reject(
          new PublishUnavailableError(`waited ${queueTimeout} ms for the broker without being sent`),
        );
        continue;
      }
      if (group.length > 0 && size + next.size > max) break;
      this.queue.shift();
      group.push(next);
      size += next.size;
    }
    return group;
  }

  private async commitTransaction(
    lane: Lane,
    group: readonly PendingPublish[],
    attempt: { abandoned: boolean },
  ): Promise<void> {
    const producer = await this.connectedProducer(lane);
    const transaction = await producer.transaction();
    try {
      await transaction.sendBatch({ topicMessages: mergeByTopic(group), acks: -1 });
      // The caller may already have been told "unavailable": a late commit would publish what was refused.
      if (attempt.abandoned) throw new PublishUnavailableError('abandoned after the timeout');
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  private async connectedProducer(lane: Lane): Promise<Producer> {
    if (lane.producer) return lane.producer;
    const producer = this.kafka.producer({
      transactionalId: lane.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      transactionTimeout: Math.max(this.options.timeoutMs * 2, 10_000),
      // Bounded, unlike kafkajs's default for idempotent producers (forever): a producer discarded after a timeout
      // must stop retrying, or every outage would leak one that never gives up. Safe here because a failed
      // transaction is aborted or fenced, never resumed. (kafkajs warns about this once per producer.)
      retry: { retries: 10, initialRetryTime: 10, maxRetryTime: Math.max(1000, this.options.timeoutMs / 5) },
    });
    lane.producer = producer;
    await producer.connect();
    return producer;
  }

  private async discardProducer(lane: Lane): Promise<void> {
    const producer = lane.producer;
    lane.producer = undefined;
    if (!producer) return;
    // Never wait long on a dead broker: the next producer fences this one anyway.
    await this.withTimeout(producer.disconnect(), 2_000).catch(() => undefined);
  }

  private withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PublishUnavailableError(`the broker did not acknowledge within ${ms} ms`)),
        ms,
      );
    });
    work.catch(() => undefined); // a late failure after the timeout must not become an unhandled rejection
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

function mergeByTopic(group: readonly PendingPublish[]): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const p of group)
    for (const b of p.batches) {
      const list = byTopic.get(b.topic) ?? [];
      list.push(...b.messages);
      byTopic.set(b.topic, list);
    }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
