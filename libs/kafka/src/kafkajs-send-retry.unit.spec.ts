/**
 * The producer's retry as patched (patches/kafkajs+2.2.4.patch, docs/architecture.md "kafkajs, patched"): a send that
 * spans several brokers, one of which fails, must not send again what another broker acknowledged. kafkajs 2.2.4 did,
 * with sequence numbers already advanced, so the broker's idempotence could not drop the copy (the reliability
 * suite's finding 1: events on their topic twice, inside one transaction). These tests drive kafkajs's own
 * sendMessages and retrier with a scripted cluster, so each race happens every time.
 */
import { assertKafkajsPatched } from './kafkajs-patch';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const createSendMessages = require('kafkajs/src/producer/sendMessages') as SendMessagesFactory;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createRetry = require('kafkajs/src/retry') as (options: object) => Retrier;

type Retrier = (
  fn: (bail: (e: Error) => void, count: number, time: number) => Promise<unknown>,
) => Promise<unknown>;
type SendMessagesFactory = (
  options: object,
) => (request: object) => Promise<{ topicName: string; partition: number }[]>;

interface ProduceCall {
  readonly nodeId: number;
  readonly partitions: { partition: number; firstSequence: number; values: string[] }[];
}

const TOPIC = 'crosscare.qhl.record-changes.v1';

class RetriableBrokerError extends Error {
  readonly retriable = true;
  constructor(nodeId: number) {
    super(`broker ${nodeId}: request timed out`);
    this.name = 'KafkaJSRequestTimeoutError';
  }
}

/**
 * Two or three brokers, each leading the partitions `leaders` gives it; `answer(nodeId, attempt)` says how each
 * broker answers its nth produce request (ms to wait, then acknowledge or fail). findBroker hands out a new broker
 * object on every call, as kafkajs's does after a metadata refresh replaces the pool.
 */
function scriptedCluster(
  leaders: () => Record<number, number>,
  answer: (nodeId: number, attempt: number) => { afterMs: number; fail?: boolean },
  lookupMs: (nodeId: number) => number = () => 0,
) {
  const calls: ProduceCall[] = [];
  const attempts = new Map<number, number>();
  const cluster = {
    targetTopics: new Set<string>(),
    refreshMetadataIfNecessary: () => Promise.resolve(),
    refreshMetadata: () => Promise.resolve(),
    addMultipleTargetTopics: () => Promise.resolve(),
    isConnected: () => true,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () =>
      Object.entries(leaders()).map(([partitionId, leader]) => ({
        partitionId: Number(partitionId),
        leader,
      })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const byLeader: Record<number, number[]> = {};
      for (const p of partitions.map(Number)) (byLeader[leaders()[p]] ??= []).push(p);
      return byLeader;
    },
    findBroker: async ({ nodeId }: { nodeId: string }) => {
      await new Promise((resolve) => setTimeout(resolve, lookupMs(Number(nodeId))));
      return {
        nodeId: Number(nodeId),
        produce: async ({ topicData }: { topicData: TopicData[] }) => {
          const attempt = (attempts.get(Number(nodeId)) ?? 0) + 1;
          attempts.set(Number(nodeId), attempt);
          const { afterMs, fail } = answer(Number(nodeId), attempt);
          await new Promise((resolve) => setTimeout(resolve, afterMs));
          if (fail) throw new RetriableBrokerError(Number(nodeId));
          calls.push({
            nodeId: Number(nodeId),
            partitions: topicData[0].partitions.map((p) => ({
              partition: p.partition,
              firstSequence: p.firstSequence,
              values: p.messages.map((m) => m.value),
            })),
          });
          return {
            topics: topicData.map((t) => ({
              topicName: t.topic,
              partitions: t.partitions.map((p) => ({
                partition: p.partition,
                errorCode: 0,
                baseOffset: '0',
              })),
            })),
          };
        },
      };
    },
  };
  return { cluster, calls };
}

interface TopicData {
  topic: string;
  partitions: { partition: number; firstSequence: number; messages: { value: string }[] }[];
}

/** Sequence numbers per partition and a lock per broker, as kafkajs's EosManager keeps them for an idempotent producer. */
function idempotentState() {
  const sequences = new Map<string, number>();
  const locks = new Map<number, Promise<void>>();
  const releases = new Map<number, () => void>();
  return {
    isTransactional: () => false,
    getTransactionalId: () => undefined,
    getProducerId: () => 1,
    getProducerEpoch: () => 0,
    addPartitionsToTransaction: () => Promise.resolve(),
    getSequence: (topic: string, partition: number) => sequences.get(`${topic}/${partition}`) ?? 0,
    updateSequence: (topic: string, partition: number, increment: number) =>
      sequences.set(`${topic}/${partition}`, (sequences.get(`${topic}/${partition}`) ?? 0) + increment),
    acquireBrokerLock: async ({ nodeId }: { nodeId: number }) => {
      while (locks.has(nodeId)) await locks.get(nodeId);
      locks.set(nodeId, new Promise<void>((resolve) => releases.set(nodeId, resolve)));
    },
    releaseBrokerLock: ({ nodeId }: { nodeId: number }) => {
      locks.delete(nodeId);
      releases.get(nodeId)?.();
      return Promise.resolve();
    },
  };
}

const quietLogger = {
  debug: () => undefined,
  error: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};

/** One message per partition, partitioned by its key (the partition number), sent once through kafkajs's path. */
async function send(cluster: object, partitions: number[]) {
  const sendMessages = createSendMessages({
    logger: quietLogger,
    cluster,
    partitioner: ({ message }: { message: { key: string } }) => Number(message.key),
    eosManager: idempotentState(),
    retrier: createRetry({ retries: 5, initialRetryTime: 5, maxRetryTime: 50 }),
  });
  return sendMessages({
    acks: -1,
    timeout: 30_000,
    topicMessages: [
      { topic: TOPIC, messages: partitions.map((p) => ({ key: String(p), value: `event-${p}` })) },
    ],
  });
}

/** Every (partition, value) the brokers acknowledged, with the sequence it was written at. */
const written = (calls: ProduceCall[]) =>
  calls.flatMap((c) =>
    c.partitions.flatMap((p) => p.values.map((v) => `${p.partition}:${v}@${p.firstSequence}`)),
  );

describe('kafkajs send retry (patched)', () => {
  it('is the patched sendMessages that kafkajs loads', () => {
    expect(() => assertKafkajsPatched()).not.toThrow();
  });

  it('does not send again what a slower broker acknowledged while another broker failed', async () => {
    // Broker 1 answers after 60 ms; broker 2 fails at once, then succeeds. The retry must wait for broker 1's answer
    // and send only broker 2's partition again.
    const { cluster, calls } = scriptedCluster(
      () => ({ 0: 1, 1: 2 }),
      (nodeId, attempt) => (nodeId === 1 ? { afterMs: 60 } : { afterMs: 0, fail: attempt === 1 }),
    );
    const answers = await send(cluster, [0, 1]);
    expect(written(calls).sort()).toEqual(['0:event-0@0', '1:event-1@0']);
    expect(answers.map((a) => a.partition).sort()).toEqual([0, 1]);
  });

  it('does not send again to a broker whose object a metadata refresh replaced', async () => {
    // Both brokers answer their first request; broker 2 fails the first time only after broker 1 has answered, so a
    // retry keyed by broker object (findBroker hands out new objects) would send broker 1's partitions again.
    const { cluster, calls } = scriptedCluster(
      () => ({ 0: 1, 1: 2, 2: 1 }),
      (nodeId, attempt) => (nodeId === 1 ? { afterMs: 0 } : { afterMs: 20, fail: attempt === 1 }),
    );
    await send(cluster, [0, 1, 2]);
    expect(written(calls).sort()).toEqual(['0:event-0@0', '1:event-1@0', '2:event-2@0']);
  });

  it('does not send an acknowledged partition again when its leader moved before the retry', async () => {
    // Partition 0 is acknowledged by broker 1; broker 2 fails; then partition 0's leadership moves to broker 2.
    let moved = false;
    const { cluster, calls } = scriptedCluster(
      () => (moved ? { 0: 2, 1: 2 } : { 0: 1, 1: 2 }),
      (nodeId, attempt) => {
        if (nodeId === 2 && attempt === 1) {
          moved = true;
          return { afterMs: 30, fail: true };
        }
        return { afterMs: 0 };
      },
    );
    await send(cluster, [0, 1]);
    expect(written(calls).sort()).toEqual(['0:event-0@0', '1:event-1@0']);
  });

  it('leaves no unhandled rejection when a request fails while the next broker is still being looked up', async () => {
    // Broker 1's request fails at once; broker 2 takes 50 ms to look up. Unhandled until every request was created,
    // the failure ended the OHC projector's process in the first full reliability run (CONCURRENT_TRANSACTIONS).
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { cluster, calls } = scriptedCluster(
        () => ({ 0: 1, 1: 2 }),
        (nodeId, attempt) => ({ afterMs: 0, fail: nodeId === 1 && attempt === 1 }),
        (nodeId) => (nodeId === 2 ? 50 : 0),
      );
      await send(cluster, [0, 1]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      expect(written(calls).sort()).toEqual(['0:event-0@0', '1:event-1@0']);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('sends a failed request again at the same sequence, so the broker can drop a copy it already wrote', async () => {
    const { cluster, calls } = scriptedCluster(
      () => ({ 0: 1 }),
      (_nodeId, attempt) => ({ afterMs: 0, fail: attempt < 3 }),
    );
    await send(cluster, [0]);
    expect(written(calls)).toEqual(['0:event-0@0']);
  });
});
