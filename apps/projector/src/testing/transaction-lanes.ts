import { eventually, uniqueName } from '@crosscare/testing';
import type { Admin, Kafka, Message, Producer, Transaction } from 'kafkajs';

/** One record for a chosen partition: the tests place markers on a partition they name. */
export interface LaneMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly headers?: Message['headers'];
}

/**
 * Transactional producers as ingest's publish lanes are (INGEST_PUBLISH_LANES), for putting commit markers and aborted
 * transactions exactly where a test wants them on a partition (docs/reliability.md, finding 2).
 */
export class TransactionLanes {
  private readonly producers: Producer[] = [];

  constructor(private readonly kafka: Kafka) {}

  /**
   * Two lanes' transactions interleaved on one partition: lane A's message, lane B's, A's commit, B's commit. The
   * partition then ends in two commit markers after the two messages.
   */
  async interleaveCommits(
    topic: string,
    partition: number,
    [first, second]: readonly [LaneMessage, LaneMessage],
  ): Promise<void> {
    const [a, b] = [await (await this.lane()).transaction(), await (await this.lane()).transaction()];
    await a.send({ topic, messages: [{ ...first, partition }] });
    await b.send({ topic, messages: [{ ...second, partition }] });
    await a.commit();
    await b.commit();
  }

  /** A transaction that writes these messages and aborts: its records and an abort marker, none of them readable. */
  async abort(topic: string, partition: number, messages: readonly LaneMessage[]): Promise<void> {
    const transaction = await (await this.lane()).transaction();
    await transaction.send({ topic, messages: messages.map((m) => ({ ...m, partition })) });
    await transaction.abort();
  }

  /** A transaction left open (for as long as the broker allows, 15 minutes by default) until the caller ends it. */
  async open(topic: string, partition: number, messages: readonly LaneMessage[]): Promise<Transaction> {
    const transaction = await (await this.lane(900_000)).transaction();
    await transaction.send({ topic, messages: messages.map((m) => ({ ...m, partition })) });
    return transaction;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.producers.map((p) => p.disconnect()));
  }

  private async lane(transactionTimeout?: number): Promise<Producer> {
    const producer = this.kafka.producer({
      transactionalId: uniqueName('lane'),
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout,
    });
    this.producers.push(producer);
    await producer.connect();
    return producer;
  }
}

/** A partition's end offset (high watermark): markers and aborted records included. */
export async function endOffset(admin: Admin, topic: string, partition: number): Promise<bigint> {
  const found = (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition);
  if (!found) throw new Error(`${topic} has no partition ${partition}`);
  return BigInt(found.high);
}

/**
 * The partition's end offset once it has reached `expected`: a transaction's marker is written by its coordinator
 * after the producer's commit or abort returns, so the end offset read at once can still stand before it.
 */
export function endOffsetReaching(
  admin: Admin,
  topic: string,
  partition: number,
  expected: bigint,
): Promise<bigint> {
  return eventually(`${topic}[${partition}]'s end offset to reach ${expected}`, async () => {
    const end = await endOffset(admin, topic, partition);
    return end === expected ? end : undefined;
  });
}
