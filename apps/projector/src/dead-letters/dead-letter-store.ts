import { readFromStart, type RecordProducer } from '@crosscare/kafka';
import type { Kafka } from 'kafkajs';
import { REPLAYED_FROM_HEADER } from '../consumer/dead-letter-publisher';
import type { StoredDeadLetter } from './dead-letter-view';

/**
 * Reads a dead-letter topic from its start to its current end, in partition and offset order. A read that does not
 * reach the end in time fails (TopicReadTimeoutError) rather than answering with part of the topic: `dlq replay
 * --all` must not re-drive a partial list while saying it did all.
 */
export async function readDeadLetters(
  kafka: Kafka,
  topic: string,
  /** Prefix of the throwaway group it reads with: the projector's group id, whose principal may use it. */
  groupPrefix: string,
  timeoutMs = 30_000,
): Promise<StoredDeadLetter[]> {
  const letters = await readFromStart(kafka, {
    topics: [topic],
    reader: `${groupPrefix}-dlq-reader`,
    until: 'end-offsets',
    timeoutMs,
    keep: ({ partition, message }): StoredDeadLetter => ({
      id: `${partition}:${message.offset}`,
      partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([k, v]) => [k, v === undefined ? '' : String(v)]),
      ),
    }),
  });
  return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
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
