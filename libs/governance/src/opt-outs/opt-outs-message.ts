import type { OptOutChanged, OptOutKind } from './opt-out-changed';

/*
 * How an opt-out change sits on the compacted opt-out topic. Compaction keeps the latest message per key, so each
 * opt-out of a patient has a key of its own, `<nhsNumber>/<kind>` with the kind in lower kebab case: a National Data
 * Opt-out and a type 1 objection are independent facts from different authorities, and one key per patient would let
 * a change of one erase the other.
 *
 * Both kinds of one patient must nevertheless share a partition, so that a reader meets a patient's opt-outs in the
 * order they were written beside that patient's other messages. Kafka's default partitioner (murmur2 of the whole
 * key, which kafkajs's DefaultPartitioner and the Java client compute alike) would scatter the two keys. The
 * partition is therefore that of the NHS number alone: `partitionKey` is what publishers hash, with the same murmur2
 * (libs/kafka's partitionOfKey), and they set the partition explicitly. A plain NHS-number key on a topic of the
 * same partition count lands on the same partition, as the record-change topics' keys do.
 */

const KEY_SEPARATOR = '/';

const KIND_IN_KEY: Readonly<Record<OptOutKind, string>> = {
  NATIONAL_DATA_OPT_OUT: 'national-data-opt-out',
  TYPE_1: 'type-1',
  UNKNOWN: 'unknown',
};
const KIND_OF_KEY = new Map(Object.entries(KIND_IN_KEY).map(([kind, inKey]) => [inKey, kind as OptOutKind]));

/** `9990000018/national-data-opt-out`, `9990000018/type-1`. */
export function optOutKey(nhsNumber: string, kind: OptOutKind): string {
  return `${nhsNumber}${KEY_SEPARATOR}${KIND_IN_KEY[kind]}`;
}

/** What an opt-out key names; throws on a key no Crosscare publisher writes. */
export function parseOptOutKey(key: string): { readonly nhsNumber: string; readonly kind: OptOutKind } {
  const [nhsNumber, inKey, ...rest] = key.split(KEY_SEPARATOR);
  const kind = inKey === undefined ? undefined : KIND_OF_KEY.get(inKey);
  if (!/^\d{10}$/.test(nhsNumber) || kind === undefined || rest.length > 0)
    throw new Error(
      `"${key}" is not an opt-out key: expected <NHS number>/<kind>, the kind one of ${Object.values(KIND_IN_KEY).join(', ')}`,
    );
  return { nhsNumber, kind };
}

/** One change as a publisher sends it: the key, what to hash for the partition, and the record to encode. */
export interface OptOutMessage {
  readonly key: string;
  /** The NHS number: hashed like a record-change key (murmur2), so both kinds of a patient share a partition. */
  readonly partitionKey: string;
  readonly value: OptOutChanged;
}

export function optOutMessage(change: OptOutChanged): OptOutMessage {
  return {
    key: optOutKey(change.nhsNumber, change.kind),
    partitionKey: change.nhsNumber,
    value: change,
  };
}
