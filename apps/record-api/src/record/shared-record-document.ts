import type { SharedRecordView } from '@crosscare/projection';
import type { PatientRecordSet } from './patient-record-set';

/** A snapshot the answer was built from, as the JSON answer names it. */
export interface SharedRecordSource {
  readonly collaborative: string;
  /** The number the snapshot is kept under: the answering one, or a number merged into it. */
  readonly nhsNumber: string;
  readonly sequence: number;
  /** ISO instant. */
  readonly updatedAt: string;
}

/**
 * The JSON answer to a read: the shared record view, headed by whose record it is. `mergedInto` is set when the
 * number asked for was retired by a merge, so a reader knows the record shown is the survivor's.
 */
export interface SharedRecordDocument extends Omit<SharedRecordView, 'sources' | 'mergedFrom'> {
  readonly nhsNumber: string;
  readonly requestedNhsNumber: string;
  readonly mergedInto: string | null;
  readonly mergedFrom: string[];
  readonly sources: SharedRecordSource[];
}

/**
 * Heads the view with the patient's identity. The view's own sources and mergedFrom are replaced: the view sees the
 * snapshots relabelled to the survivor, while the answer names the number each snapshot is really kept under.
 */
export function sharedRecordDocument(set: PatientRecordSet, view: SharedRecordView): SharedRecordDocument {
  const { sources: _sources, mergedFrom: _mergedFrom, ...sections } = view;
  return {
    nhsNumber: set.nhsNumber,
    requestedNhsNumber: set.requestedNhsNumber,
    mergedInto: set.mergedInto,
    mergedFrom: set.mergedFrom,
    sources: set.sources.map((source) => ({
      collaborative: source.collaborative,
      nhsNumber: source.nhsNumber,
      sequence: source.sequence,
      updatedAt: new Date(source.updatedAt).toISOString(),
    })),
    ...sections,
  };
}

/**
 * How many record items a view shows: the distinct events its entries cite as provenance. Counted from what is
 * shown, not from the snapshots, so items the view leaves out (old encounters, closed involvements, withheld
 * restricted ones) are not counted as read.
 */
export function itemsShown(view: SharedRecordView): number {
  const eventIds = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, member] of Object.entries(value)) {
      if (key === 'provenance' && typeof (member as { eventId?: unknown })?.eventId === 'string')
        eventIds.add((member as { eventId: string }).eventId);
      else visit(member);
    }
  };
  visit(view);
  return eventIds.size;
}
