import { itemKeyString } from './item-key';
import { buildPatientRecord, type PatientRecord, type StoredItem } from './patient-record';
import type { ChangelogMessage, PatientRecordHead } from './changelog-message';

/** What applying one message found wrong; a subscriber alerts on these and re-reads the partition. */
export type FoldFinding =
  | { readonly type: 'gap'; readonly nhsNumber: string; readonly held: number; readonly received: number }
  | { readonly type: 'count'; readonly nhsNumber: string; readonly held: number; readonly expected: number };

/** What applying one message did. */
export interface FoldOutcome {
  /** The message was at or below the patient's last head: a redelivery, dropped. */
  readonly duplicate: boolean;
  readonly finding?: FoldFinding;
}

interface PatientState {
  head?: PatientRecordHead;
  readonly items: Map<string, StoredItem>;
}

/**
 * The subscriber's side of the item-level changelog contract (docs/projections.md), as pure code: applies a
 * collaborative's changelog messages in offset order and holds every patient's record. Crosscare's own tests,
 * demo and tools read the changelog through it; an external subscriber codes the same rules.
 *
 * - An item message sets the item; a tombstone deletes it; a head ends the patient's change and carries what the
 *   record says besides its items.
 * - Heads rise by one per change. A head more than one above the last is a gap (a change was missed); a message at
 *   or below the last head is a redelivery and is dropped. Compaction never breaks this: it keeps each key's latest
 *   message, and a patient's heads share one key, so the heads a reader meets are consecutive from the first.
 * - After a head, the patient holds exactly `itemCount` items; otherwise an item message was missed.
 */
export class ChangelogFold {
  private readonly patients = new Map<string, PatientState>();

  apply(message: ChangelogMessage): FoldOutcome {
    const nhsNumber = message.type === 'head' ? message.head.nhsNumber : message.nhsNumber;
    const state = this.patients.get(nhsNumber) ?? { items: new Map<string, StoredItem>() };
    this.patients.set(nhsNumber, state);
    const held = state.head?.sequence;
    if (message.type !== 'head') {
      if (held !== undefined && message.sequence <= held) return { duplicate: true };
      const key = itemKeyString(message.key);
      if (message.type === 'tombstone') state.items.delete(key);
      else state.items.set(key, { ...message.key, kind: message.kind, removed: false, event: message.event });
      return { duplicate: false };
    }
    const { head } = message;
    if (held !== undefined && head.sequence <= held) return { duplicate: true };
    state.head = head;
    if (held !== undefined && head.sequence > held + 1)
      return { duplicate: false, finding: { type: 'gap', nhsNumber, held, received: head.sequence } };
    if (state.items.size !== head.itemCount)
      return {
        duplicate: false,
        finding: { type: 'count', nhsNumber, held: state.items.size, expected: head.itemCount },
      };
    return { duplicate: false };
  }

  /** The patient's record as of the last head read, with any items of a change whose head is still to come. */
  record(nhsNumber: string): PatientRecord | undefined {
    const state = this.patients.get(nhsNumber);
    if (!state?.head) return undefined;
    return buildPatientRecord({ ...state.head, items: [...state.items.values()] });
  }

  /** Every patient a head was read for. */
  nhsNumbers(): string[] {
    return [...this.patients.entries()].filter(([, s]) => s.head).map(([n]) => n);
  }

  /** How many items the patient holds now (for a subscriber's own checks). */
  itemCount(nhsNumber: string): number {
    return this.patients.get(nhsNumber)?.items.size ?? 0;
  }
}
