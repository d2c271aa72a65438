import type { RecordChangeEvent } from '@crosscare/events';
import type { ItemKey, ItemKind } from './record-item';

/**
 * The end of one change to a patient on a collaborative's changelog (Avro `PatientRecordHead`, keyed by the NHS
 * number): what the record says besides its items, after the change.
 */
export interface PatientRecordHead {
  readonly nhsNumber: string;
  readonly collaborative: string;
  /** The change's number: heads rise by one per change, and the change's item messages carry the same number. */
  readonly sequence: number;
  /** Epoch ms when the projector made the change. */
  readonly updatedAt: number;
  readonly mergedInto: string | null;
  /** NHS numbers merged into this one, sorted. */
  readonly mergedFrom: readonly string[];
  /** Current items of the record after the change. */
  readonly itemCount: number;
  /** Item messages (values and tombstones) the change published before this head. */
  readonly changeItems: number;
}

/** One message of a changelog, decoded: a head, an item's latest event, or an item's tombstone (a null value). */
export type ChangelogMessage =
  | { readonly type: 'head'; readonly head: PatientRecordHead }
  | {
      readonly type: 'item';
      readonly nhsNumber: string;
      readonly sequence: number;
      readonly key: ItemKey;
      readonly kind: ItemKind;
      readonly event: RecordChangeEvent;
    }
  | {
      readonly type: 'tombstone';
      readonly nhsNumber: string;
      readonly sequence: number;
      readonly key: ItemKey;
    };

/** A changelog message's sequence, whatever its type. */
export function sequenceOf(message: ChangelogMessage): number {
  return message.type === 'head' ? message.head.sequence : message.sequence;
}

/** A changelog message's patient, whatever its type. */
export function nhsNumberOf(message: ChangelogMessage): string {
  return message.type === 'head' ? message.head.nhsNumber : message.nhsNumber;
}
