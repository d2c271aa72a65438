import { type EventType, type RecordChangeSerde } from '@crosscare/events';
import { syntheticRecordChanges } from '@crosscare/events/synthetic';
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
  /** Every record as read back: the event, its schema id, and where the broker put it. */
  readonly records: Array<{ key: string; type: string; schemaId: number; partition: number; offset: string }>;
  readonly consumed: number;
  /** Events that came back decoded but different from what was sent (should be none). */
  readonly mismatched: number;
  /** partition → committed offset, as read back from the broker after the consumer left its group. */
  readonly committed: Record<number, string>;
  readonly millis: number;
}

export interface RoundTripOptions {
  readonly messages: number;
  readonly timeoutMs?: number;
  /** Encodes and decodes the events: Avro in the Confluent wire format, schemas from the registry. */
  readonly serde: RecordChangeSerde;
}

/**
 * Proves a Kafka deployment and schema registry do what Crosscare relies on: provision a topic, encode
 * synthetic record changes with their registered schemas, write them keyed by NHS number with the idempotent
 * acks=all producer, read and decode them in a consumer group, commit offsets by hand and read them back.
 */
export async function runRoundTrip(
  connections: KafkaConnections,
  options: RoundTripOptions,
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
  run: RoundTripOptions & {
    runId: string;
    topic: string;
    groupId: string;
    started: number;
  },
): Promise<RoundTripReport> {
  const { runId, topic, groupId } = run;

  const producer = await connections.producer();
  const sent = new Map(syntheticRecordChanges(run.messages, runId).map((e) => [e.header.eventId, e]));
  await producer.send({
    topic,
    messages: await Promise.all(
      [...sent.values()].map(async (event) => ({
        key: event.header.nhsNumber, // one patient's changes stay in order on one partition
        // The header's eventType is a plain string in the schema; the generated union names the same types.
        value: await run.serde.encode(event.header.eventType as EventType, event),
        headers: { 'crosscare-run': runId },
      })),
    ),
  });
  const records: RoundTripReport['records'] = [];
  let mismatched = 0;
  const consumer = await connections.consumer({ groupId });
  await consumer.subscribe({ topic, fromBeginning: true });
  const remaining = new Set(sent.keys());
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`round trip timed out: ${remaining.size} of ${sent.size} records not read back`)),
      run.timeoutMs ?? 30_000,
    );
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const decoded = await run.serde.decode(message.value ?? Buffer.alloc(0));
          const eventId = decoded.event.header.eventId;
          if (remaining.delete(eventId)) {
            if (canonicalJson(decoded.event) !== canonicalJson(sent.get(eventId))) mismatched++;
            const key = message.key?.toString() ?? '';
            records.push({
              key,
              type: decoded.type,
              schemaId: decoded.schemaId,
              partition,
              offset: message.offset,
            });
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
    mismatched,
    committed,
    millis: Date.now() - run.started,
  };
}

/** Field values only, keys sorted: avsc decodes records into its own classes, which a deep-equal would reject. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}
