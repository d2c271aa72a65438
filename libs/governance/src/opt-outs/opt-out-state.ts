import type { OptOutChanged, OptOutKind, OptOutStatus } from './opt-out-changed';
import { parseOptOutKey } from './opt-outs-message';

/** One message of the opt-out topic as a reader keeps it: its key and its record, null for a tombstone. */
export interface OptOutRecord {
  readonly key: string;
  readonly value: OptOutChanged | null;
}

/**
 * The current state of one kind of opt-out, by NHS number, from the topic's messages in the order they were read.
 * The latest message of a key wins (what compaction keeps); a tombstone forgets the key. Keys share a partition with
 * their NHS number, and a partition is read in order, so the interleaving of partitions does not matter.
 */
export function optOutStateOf(records: Iterable<OptOutRecord>, kind: OptOutKind): Map<string, OptOutStatus> {
  const state = new Map<string, OptOutStatus>();
  for (const { key, value } of records) {
    const named = parseOptOutKey(key);
    if (named.kind !== kind) continue;
    if (value === null) state.delete(named.nhsNumber);
    else state.set(named.nhsNumber, value.status);
  }
  return state;
}
