import type { RecordChangeEvent } from '@crosscare/events';
import { compareCodeUnits, compareItemKeys } from './item-key';
import { ITEM_KINDS, type ItemKey, type ItemKind } from './record-item';

/**
 * One patient's whole record as one collaborative's projector holds it: the value published on the changelog topic,
 * keyed by NHS number, so that a consumer needs only the latest message per patient.
 */
export interface PatientRecord {
  readonly nhsNumber: string;
  /** The collaborative whose projector built the record (CCR or OHC). */
  readonly collaborative: string;
  /** Increases with every record the projector publishes for this patient, so consumers can drop stale ones. */
  readonly sequence: number;
  /** Epoch ms when the projector built this record. */
  readonly updatedAt: number;
  /** The surviving NHS number when this one was retired by a merge; its items then live there. */
  readonly mergedInto: string | null;
  /** NHS numbers merged into this one, sorted. */
  readonly mergedFrom: string[];
  /** The event of every current item, ordered by ITEM_KINDS, then providerOdsCode, sourceRecordId and part. */
  readonly items: RecordChangeEvent[];
}

/** An item as the read model stores it. */
export interface StoredItem extends ItemKey {
  readonly kind: ItemKind;
  readonly removed: boolean;
  readonly event: RecordChangeEvent;
}

export interface PatientRecordInput {
  readonly nhsNumber: string;
  readonly collaborative: string;
  readonly sequence: number;
  readonly updatedAt: number;
  readonly mergedInto: string | null;
  readonly mergedFrom: readonly string[];
  readonly items: readonly StoredItem[];
}

/**
 * The record to publish for a patient. Tombstones are left out, and everything is put in a fixed order, so the same
 * read model rows give the same record however the store returned them.
 */
export function buildPatientRecord(input: PatientRecordInput): PatientRecord {
  const items = input.items
    .filter((item) => !item.removed)
    .sort(
      (a, b) =>
        ITEM_KINDS.indexOf(a.kind) - ITEM_KINDS.indexOf(b.kind) ||
        compareItemKeys(a, b) ||
        // Only a store holding one key twice reaches this; it keeps the order independent of the input's.
        compareCodeUnits(a.event.header.eventId, b.event.header.eventId),
    );
  return {
    nhsNumber: input.nhsNumber,
    collaborative: input.collaborative,
    sequence: input.sequence,
    updatedAt: input.updatedAt,
    mergedInto: input.mergedInto,
    mergedFrom: [...new Set(input.mergedFrom)].sort(compareCodeUnits),
    items: items.map((item) => item.event),
  };
}
