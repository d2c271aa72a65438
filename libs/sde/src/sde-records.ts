import type { OptOutKind } from './opt-out-policy';

/** schemas/sde/OptOutChanged.avsc as avsc reads it (dates as days, timestamps as epoch milliseconds). */
export interface OptOutChanged {
  readonly changeId: string;
  readonly nhsNumber: string;
  readonly kind: OptOutKind;
  readonly status: 'ACTIVE' | 'WITHDRAWN' | 'UNKNOWN';
  readonly statedOn: number | null;
  readonly source: string;
  readonly sourceReference: string;
  readonly recordedAt: number;
  readonly correlationId: string;
}

/** schemas/sde/SdeNotice.avsc. */
export interface SdeNotice {
  readonly noticeId: string;
  readonly project: string;
  readonly pseudonym: string;
  readonly action: 'REMOVE' | 'RESTORE' | 'UNKNOWN';
  readonly reason: 'NATIONAL_DATA_OPT_OUT' | 'TYPE_1_OPT_OUT' | 'OPT_OUT_WITHDRAWN' | 'UNKNOWN';
  readonly rows: number;
  readonly issuedAt: number;
}

/** The SDE records by name, for EventSerde. */
export interface SdeRecordMap {
  OptOutChanged: OptOutChanged;
  SdeNotice: SdeNotice;
}

/** The row's key on the project's compacted topic: the patient's pseudonym first, so a tombstone is found by it. */
export function projectRowKey(pseudonym: string, rowId: string): string {
  return `${pseudonym}.${rowId}`;
}
