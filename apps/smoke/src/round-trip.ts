import { committedOffsets, ensureTopics, nextOffset, type KafkaConnections } from '@crosscare/kafka';
import type { Admin } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/** Each run writes to a topic of its own, deleted afterwards, so runs never see each other's records. */
export const SMOKE_TOPIC_PREFIX = 'crosscare.smoke.round-trip';
const SMOKE_PARTITIONS = 3;

export interface RoundTripReport {
  readonly runId: string;
  readonly topic: string;
  readonly groupId: string;
  /** Every record as read back: where the broker put it. */
  readonly records: Array<{ key: string; partition: number; offset: string }>;
  readonly consumed: number;
  /** partition → committed offset, as read back from the broker after the consumer left its group. */
  readonly committed: Record<number, string>;
  readonly millis: number;
}

/**
 * Proves a Kafka deployment does what Crosscare relies on: provision a topic, write with the idempotent acks=all
 * producer, read the same records in a consumer group, commit offsets by hand and read them back.
 */
export async function runRoundTrip(
  connections: KafkaConnections,
  options: { messages: number; timeoutMs?: number },
): Promise<RoundTripReport> {
  const started = Date.now();
  const runId = randomUUID();
  const topic = `${SMOKE_TOPIC_PREFIX}.${runId}`;
  const groupId = `crosscare.smoke.${runId}`;
  const admin = await connections.admin();
  await ensureTopics(admin, [{ name: topic, partitions: SMOKE_PARTITIONS }]);
  try {
    return await roundTrip(connections, admin, { ...options, runId, topic, groupId, started });
  } finally {
    await admin.deleteTopics({ topics: [topic] });
  }
}

async function roundTrip(
  connections: KafkaConnections,
  admin: Admin,
  run: {
    messages: number;
    timeoutMs?: number;
    runId: string;
    topic: string;
    groupId: string;
    started: number;
  },
): Promise<RoundTripReport> {
  const { runId, topic, groupId } = run;

  const producer = await connections.producer();
  const keys = Array.from({ length: run.messages }, (_, i) => `smoke-${runId}-${i}`);
  await producer.send({
    topic,
    messages: keys.map((key) => ({
      key,
      value: JSON.stringify({ runId, key }),
      headers: { 'crosscare-run': runId },
    })),
  });
  const records: RoundTripReport['records'] = [];
  const consumer = await connections.consumer({ groupId });
  await consumer.subscribe({ topic, fromBeginning: true });
  const remaining = new Set(keys);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`round trip timed out: ${remaining.size} of ${keys.length} records not read back`)),
      run.timeoutMs ?? 30_000,
    );
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const key = message.key?.toString() ?? '';
          if (remaining.delete(key)) {
            records.push({ key, partition, offset: message.offset });
            await consumer.commitOffsets([{ topic, partition, offset: nextOffset(message.offset) }]);
          }
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.stop();

  const committed = Object.fromEntries(await committedOffsets(admin, groupId, topic));
  return {
    runId,
    topic,
    groupId,
    records,
    consumed: records.length,
    committed,
    millis: Date.now() - run.started,
  };
}
