import { isValidNhsNumber, type OptOutChanged } from '@crosscare/governance';
import type { Kafka } from 'kafkajs';
import type { OptOutSerde } from './opt-out-serde';
import { readOptOuts } from './opt-out-topic';

/**
 * One patient's opt-outs as the topic holds them now: the latest change of each kind, none for a kind never recorded
 * (or forgotten by a tombstone). Reads the whole topic, decoding only the patient's messages: for an IG lead's
 * question, not for a service's hot path.
 */
export async function currentOptOuts(
  deps: {
    readonly kafka: Kafka;
    readonly serde: OptOutSerde;
    readonly topic: string;
    readonly groupPrefix: string;
  },
  nhsNumber: string,
): Promise<OptOutChanged[]> {
  if (!isValidNhsNumber(nhsNumber))
    throw new Error(`${nhsNumber} is not a valid NHS number (10 digits, modulus 11 check digit)`);
  const latest = new Map<string, OptOutChanged | null>();
  for (const record of await readOptOuts(deps.kafka, deps.topic, deps.serde, {
    reader: deps.groupPrefix,
    wanted: (key) => key.nhsNumber === nhsNumber,
  }))
    latest.set(record.key, record.value);
  return [...latest.values()].filter((c): c is OptOutChanged => c !== null);
}
