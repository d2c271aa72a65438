import { errorMessage } from '@crosscare/errors';
import { optOutMessage, parseOptOutKey, type OptOutChanged, type OptOutRecord } from '@crosscare/governance';
import { partitionOfKey, readFromStart, topicPartitionCount } from '@crosscare/kafka';
import type { Kafka, Message } from 'kafkajs';
import type { OptOutSerde } from './opt-out-serde';

/**
 * Writing and reading the opt-out topic: what every writer (the National Data Opt-out import, ingest) and reader of
 * its current state share, so that keys, partitions, headers and the wire format are the same whoever wrote.
 */

/**
 * A change as a Kafka message: its key, its value encoded, and its partition set explicitly to the NHS number's
 * (see libs/governance opt-outs-message.ts for why the key alone would not do), with the headers every Crosscare
 * event carries so that a reader can route or skip it undecoded.
 */
export async function optOutKafkaMessage(
  change: OptOutChanged,
  serde: OptOutSerde,
  partitions: number,
): Promise<Message> {
  const message = optOutMessage(change);
  return {
    key: message.key,
    value: await serde.encode('OptOutChanged', message.value),
    partition: partitionOfKey(message.partitionKey, partitions),
    headers: {
      'crosscare-event-type': 'OptOutChanged',
      'crosscare-event-id': change.changeId,
      'crosscare-correlation-id': change.correlationId,
    },
  };
}

/**
 * The opt-out topic's partition count, asked of the cluster once and kept: a topic's count never changes (keys would
 * move), and writers must agree with the topic rather than with a setting of their own.
 */
export class OptOutPartitions {
  private count?: Promise<number>;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
  ) {}

  of(): Promise<number> {
    if (!this.count) {
      const asking = this.ask();
      this.count = asking;
      // A failure is not kept: the next writer asks again (the topic may have been created meanwhile).
      void asking.catch(() => {
        if (this.count === asking) this.count = undefined;
      });
    }
    return this.count;
  }

  private async ask(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await topicPartitionCount(admin, this.topic);
    } finally {
      await admin.disconnect();
    }
  }
}

export interface ReadOptOutsOptions {
  /** Names the throwaway consumer group; it must be under the reader's group prefix (optOutImportGroupPrefix). */
  readonly reader: string;
  /** Which messages to decode, by key; the others are skipped undecoded. Every message by default. */
  readonly wanted?: (key: { readonly nhsNumber: string; readonly kind: OptOutChanged['kind'] }) => boolean;
  readonly timeoutMs?: number;
}

/**
 * Every message of the opt-out topic up to its end offsets when the read began, in the order of each partition, the
 * wanted ones decoded (a tombstone's value is null). A message whose key no Crosscare writer uses stops the read,
 * naming where it is: the state would otherwise be guessed.
 */
export function readOptOuts(
  kafka: Kafka,
  topic: string,
  serde: OptOutSerde,
  options: ReadOptOutsOptions,
): Promise<OptOutRecord[]> {
  return readFromStart<OptOutRecord>(kafka, {
    topics: [topic],
    reader: options.reader,
    until: 'end-offsets',
    timeoutMs: options.timeoutMs ?? 120_000,
    keep: async ({ partition, message }) => {
      const key = message.key?.toString() ?? '';
      let named: ReturnType<typeof parseOptOutKey>;
      try {
        named = parseOptOutKey(key);
      } catch (error) {
        throw new Error(`${topic} partition ${partition} offset ${message.offset}: ${errorMessage(error)}`);
      }
      if (options.wanted && !options.wanted(named)) return undefined;
      if (message.value === null) return { key, value: null };
      return { key, value: (await serde.decode(message.value)).event };
    },
  });
}
