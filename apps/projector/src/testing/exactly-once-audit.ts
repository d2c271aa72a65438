import { itemKeyString, type ItemKey, type PatientRecordHead } from '@crosscare/projection';
import type { ChangelogEntry } from './region-under-test';

/** A patient as the read model holds it. */
export interface ReadModelPatient {
  readonly nhsNumber: string;
  readonly sequence: number;
  readonly mergedInto: string | null;
}

/** One of a patient's current items as the read model holds it (its stored bytes). */
export interface ReadModelItem extends ItemKey {
  readonly nhsNumber: string;
  readonly item: Buffer;
}

interface Walked {
  held: number;
  head?: PatientRecordHead;
  readonly items: Map<string, Buffer>;
  changed: boolean;
}

/**
 * Everything in a whole changelog (read from offset 0, in offset order) and a read model that an exactly-once
 * projector could not have produced. Empty when, for every patient: the changes are numbered 1, 2, 3… with no gap; a
 * number is never used by two different messages (a repeated message is a redelivery: same key, same sequence, same
 * bytes); every numbered change changes the record (an item takes a new value or leaves, or the merge pointers move),
 * so no sequence was consumed by applying something twice; each head's item count is what the changes add up to;
 * and the record the changelog assembles (items and merge pointer) is the read model's, ending at its sequence.
 *
 * Item rows alone cannot tell exactly-once from at-least-once: versions make a write applied twice leave the row as
 * it was. The numbering can: a change applied twice costs a sequence and repeats values the patient already held.
 */
export function exactlyOnceFindings(
  changelog: readonly ChangelogEntry[],
  patients: readonly ReadModelPatient[],
  items: readonly ReadModelItem[],
): string[] {
  const findings: string[] = [];
  const walked = new Map<string, Walked>();
  const copies = new Map<string, Buffer | null>();
  for (const entry of changelog) {
    const { message } = entry;
    const nhsNumber = message.type === 'head' ? message.head.nhsNumber : message.nhsNumber;
    const sequence = message.type === 'head' ? message.head.sequence : message.sequence;
    const at = `${entry.key} at sequence ${sequence} (partition ${entry.partition}, offset ${entry.offset})`;
    const copy = `${entry.key}@${sequence}`;
    if (copies.has(copy)) {
      const first = copies.get(copy) ?? null;
      const same = first === null ? entry.value === null : entry.value !== null && first.equals(entry.value);
      if (!same) findings.push(`two different messages for ${at}`);
      continue;
    }
    copies.set(copy, entry.value);
    const state: Walked = walked.get(nhsNumber) ?? { held: 0, items: new Map(), changed: false };
    walked.set(nhsNumber, state);
    if (sequence <= state.held) {
      findings.push(`${at} arrived after its change's head`);
      continue;
    }
    if (message.type === 'item') {
      const key = itemKeyString(message.key);
      if (state.items.get(key)?.equals(message.storedItem))
        findings.push(`${at} sets the value the patient already held`);
      state.items.set(key, message.storedItem);
      state.changed = true;
    } else if (message.type === 'tombstone') {
      const key = itemKeyString(message.key);
      if (!state.items.delete(key)) findings.push(`${at} removes an item the patient did not hold`);
      state.changed = true;
    } else {
      const { head } = message;
      if (sequence !== state.held + 1) findings.push(`${at}: head after ${state.held}`);
      const pointersMoved =
        head.mergedInto !== (state.head?.mergedInto ?? null) ||
        head.mergedFrom.join() !== (state.head?.mergedFrom ?? []).join();
      if (!state.changed && !pointersMoved) findings.push(`${at}: a change that changed nothing`);
      if (head.itemCount !== state.items.size)
        findings.push(`${at}: item count ${head.itemCount}, the changes add up to ${state.items.size}`);
      state.held = sequence;
      state.head = head;
      state.changed = false;
    }
  }

  const readModelItems = new Map<string, Map<string, Buffer>>();
  for (const item of items) {
    const own = readModelItems.get(item.nhsNumber) ?? new Map<string, Buffer>();
    own.set(itemKeyString(item), item.item);
    readModelItems.set(item.nhsNumber, own);
  }
  const known = new Set(patients.map((p) => p.nhsNumber));
  for (const nhsNumber of walked.keys())
    if (!known.has(nhsNumber)) findings.push(`${nhsNumber} is on the changelog but not in the read model`);
  for (const patient of patients) {
    const state = walked.get(patient.nhsNumber);
    const held = state?.held ?? 0;
    if (held !== patient.sequence)
      findings.push(
        `${patient.nhsNumber}: read model at sequence ${patient.sequence}, changelog heads up to ${held}`,
      );
    if (state?.changed) findings.push(`${patient.nhsNumber}: item messages after the last head`);
    if ((state?.head?.mergedInto ?? null) !== patient.mergedInto)
      findings.push(`${patient.nhsNumber}: changelog merged into ${String(state?.head?.mergedInto)}`);
    const expected = readModelItems.get(patient.nhsNumber) ?? new Map<string, Buffer>();
    const assembled = state?.items ?? new Map<string, Buffer>();
    for (const [key, item] of expected)
      if (!assembled.get(key)?.equals(item))
        findings.push(`${patient.nhsNumber}: the changelog's ${key} is not the read model's`);
    for (const key of assembled.keys())
      if (!expected.has(key))
        findings.push(`${patient.nhsNumber}: the changelog holds ${key}, the read model not`);
  }
  return findings;
}
