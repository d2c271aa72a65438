import { buildPatientRecord, type PatientRecord, type StoredItem } from '@crosscare/projection';
import type { MergeResolution } from './merge-resolution';

/** A patient row of this deployment's read model, with its current (not removed) items. */
export interface LocalPatient {
  readonly nhsNumber: string;
  /** The changelog sequence of the record these rows make. */
  readonly sequence: number;
  readonly mergedInto: string | null;
  /** Epoch ms. */
  readonly updatedAt: number;
  /** Numbers this side merged into this one. */
  readonly mergedFrom: readonly string[];
  readonly items: readonly StoredItem[];
}

/** A snapshot an answer is built from: whose, under which number, and which changelog version. */
export interface RecordSnapshotRef {
  readonly collaborative: string;
  readonly nhsNumber: string;
  readonly sequence: number;
  /** Epoch ms. */
  readonly updatedAt: number;
}

/** Everything both collaboratives hold for one patient, under the number that answers. */
export interface PatientRecordSet {
  readonly requestedNhsNumber: string;
  /** The number that answers: the requested one, or its survivor. */
  readonly nhsNumber: string;
  /** The survivor when the requested number was retired by a merge, else null. */
  readonly mergedInto: string | null;
  /** Numbers either collaborative merged into this one, sorted. */
  readonly mergedFrom: string[];
  /** The snapshots shown, each relabelled to `nhsNumber`, ordered by collaborative, then original number. */
  readonly records: PatientRecord[];
  readonly sources: RecordSnapshotRef[];
}

/**
 * Every number that is this patient: the ones passed while following merges, and those either side merged into the
 * survivor. A merge reaches only the collaborative whose provider sent it, so the other side may still keep items
 * under a retired number; those items are the patient's all the same.
 */
export function patientNumbers(
  resolution: MergeResolution,
  local: readonly LocalPatient[],
  remote: readonly PatientRecord[],
): string[] {
  const numbers = new Set(resolution.path);
  for (const snapshot of [...local, ...remote])
    if (snapshot.nhsNumber === resolution.survivor) snapshot.mergedFrom.forEach((n) => numbers.add(n));
  return [...numbers].sort();
}

/**
 * The snapshots that make one patient's record. A snapshot counts when its side has not merged its number away
 * (then its items live under the survivor there); a local one only when it has items, since the projector keeps a
 * row for every number it ever saw. The remote side's record counts even when empty: the other collaborative knows
 * the patient.
 */
export function patientRecordSet(input: {
  readonly resolution: MergeResolution;
  readonly collaborative: string;
  readonly local: readonly LocalPatient[];
  readonly remote: readonly PatientRecord[];
  /**
   * The local numbers that hold current items, when `local` was read with only some of its items (a search's access
   * check); otherwise a local snapshot counts when it has items.
   */
  readonly localNumbersWithItems?: ReadonlySet<string>;
}): PatientRecordSet {
  const { resolution } = input;
  const numbers = new Set(patientNumbers(resolution, input.local, input.remote));
  const localRecords = input.local
    .filter((patient) => numbers.has(patient.nhsNumber) && patient.mergedInto === null)
    .map((patient) =>
      buildPatientRecord({
        nhsNumber: patient.nhsNumber,
        collaborative: input.collaborative,
        sequence: patient.sequence,
        updatedAt: patient.updatedAt,
        mergedInto: null,
        mergedFrom: patient.mergedFrom,
        items: patient.items,
      }),
    )
    .filter((record) =>
      input.localNumbersWithItems
        ? input.localNumbersWithItems.has(record.nhsNumber)
        : record.items.length > 0,
    );
  const remoteRecords = input.remote.filter(
    (record) => numbers.has(record.nhsNumber) && record.mergedInto === null,
  );
  const shown = [...localRecords, ...remoteRecords].sort(
    (a, b) => compare(a.collaborative, b.collaborative) || compare(a.nhsNumber, b.nhsNumber),
  );
  const mergedFrom = new Set([...numbers, ...shown.flatMap((record) => record.mergedFrom)]);
  mergedFrom.delete(resolution.survivor);
  return {
    requestedNhsNumber: resolution.path[0],
    nhsNumber: resolution.survivor,
    mergedInto: resolution.survivor === resolution.path[0] ? null : resolution.survivor,
    mergedFrom: [...mergedFrom].sort(),
    records: shown.map((record) => ({ ...record, nhsNumber: resolution.survivor })),
    sources: shown.map((record) => ({
      collaborative: record.collaborative,
      nhsNumber: record.nhsNumber,
      sequence: record.sequence,
      updatedAt: record.updatedAt,
    })),
  };
}

/** Whether Crosscare holds anything for the patient (otherwise the read answers 404). */
export function isKnownPatient(set: PatientRecordSet): boolean {
  return set.records.length > 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
