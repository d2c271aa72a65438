import type { RecordProducer } from '@crosscare/kafka';
import type { DeadLetter } from '../projection/partition-batch';

/** Header names of a dead letter, read back by `npm run dlq`. Defined once, here. */
export const DEAD_LETTER_HEADERS = {
  reason: 'crosscare-dlq-reason',
  sourceTopic: 'crosscare-dlq-source-topic',
  sourcePartition: 'crosscare-dlq-source-partition',
  sourceOffset: 'crosscare-dlq-source-offset',
  consumerGroup: 'crosscare-dlq-consumer-group',
  failedAt: 'crosscare-dlq-failed-at',
  eventType: 'crosscare-dlq-event-type',
  eventId: 'crosscare-dlq-event-id',
} as const;

/** Header a replayed message carries on the retry topic: the dead letter it re-drives, as topic:partition:offset. */
export const REPLAYED_FROM_HEADER = 'crosscare-dlq-replayed-from';

/**
 * Identifies a failure: where the message sits and why it failed. A dead letter on the topic and one about to be
 * published with the same identity say the same thing.
 */
export function failureIdentity(
  source: { topic: string; partition: number | string; offset: string },
  reason: string,
): string {
  return JSON.stringify([source.topic, String(source.partition), source.offset, reason]);
}

/**
 * Publishes dead letters: the original key and bytes untouched (so a replay re-drives exactly what failed), the
 * reason and the source coordinates in headers. Resolves once the broker holds them all (acks=all).
 */
export class DeadLetterPublisher {
  /**
   * `alreadyPublished`: failures already on the topic (by failureIdentity), left out rather than published twice.
   * A rebuild passes what the topic holds, since its replay meets every earlier failure again.
   */
  constructor(
    private readonly producer: RecordProducer,
    private readonly topic: string,
    private readonly consumerGroup: string,
    private readonly now: () => number = Date.now,
    private readonly alreadyPublished: ReadonlySet<string> = new Set(),
  ) {}

  async publish(all: readonly DeadLetter[]): Promise<void> {
    const letters = all.filter((l) => !this.alreadyPublished.has(failureIdentity(l, l.reason)));
    if (letters.length === 0) return;
    const failedAt = new Date(this.now()).toISOString();
    await this.producer.send({
      topic: this.topic,
      messages: letters.map((letter) => ({
        key: letter.key,
        value: letter.value,
        headers: {
          [DEAD_LETTER_HEADERS.reason]: letter.reason,
          [DEAD_LETTER_HEADERS.sourceTopic]: letter.topic,
          [DEAD_LETTER_HEADERS.sourcePartition]: String(letter.partition),
          [DEAD_LETTER_HEADERS.sourceOffset]: letter.offset,
          [DEAD_LETTER_HEADERS.consumerGroup]: this.consumerGroup,
          [DEAD_LETTER_HEADERS.failedAt]: failedAt,
          ...(letter.eventType ? { [DEAD_LETTER_HEADERS.eventType]: letter.eventType } : {}),
          ...(letter.eventId ? { [DEAD_LETTER_HEADERS.eventId]: letter.eventId } : {}),
        },
      })),
    });
  }
}
