import type { RecordProducer } from '@crosscare/kafka';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { REPLAYED_FROM_HEADER } from '../consumer/dead-letter-publisher';
import type { StoredDeadLetter } from './dead-letter-view';

/**
 * Reads a dead-letter topic from its start to its current end. A throwaway consumer group (deleted afterwards)
 * because kafkajs has no group-less assignment; it commits nothing, so it cannot disturb anything.
 */
export async function readDeadLetters(
  kafka: Kafka,
  topic: string,
  timeoutMs = 30_000,
): Promise<StoredDeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `crosscare-dlq-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  try {
    const ends = new Map(
      (await admin.fetchTopicOffsets(topic)).map((p) => [
        p.partition,
        { low: BigInt(p.low), high: BigInt(p.high) },
      ]),
    );
    const remaining = () => [...ends.values()].some((e) => e.low < e.high);
    const letters: StoredDeadLetter[] = [];
    if (!remaining()) return letters;
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        const end = ends.get(partition);
        if (!end || BigInt(message.offset) >= end.high) return Promise.resolve();
        letters.push({
          id: `${partition}:${message.offset}`,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, v === undefined ? '' : String(v)]),
          ),
        });
        end.low = BigInt(message.offset) + 1n;
        if (!remaining()) done();
        return Promise.resolve();
      },
    });
    const timer = setTimeout(done, timeoutMs);
    await finished;
    clearTimeout(timer);
    return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Re-drives dead letters onto the retry topic, key and bytes unchanged, each saying which dead letter it was. */
export async function replayDeadLetters(
  producer: RecordProducer,
  retryTopic: string,
  deadLetterTopic: string,
  letters: readonly StoredDeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  await producer.send({
    topic: retryTopic,
    messages: letters.map((l) => ({
      key: l.key,
      value: l.value,
      headers: { [REPLAYED_FROM_HEADER]: `${deadLetterTopic}:${l.id}` },
    })),
  });
}
