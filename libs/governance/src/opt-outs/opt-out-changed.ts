/**
 * The opt-out topic's record (schemas/sde/OptOutChanged.avsc) as TypeScript, and what its enums mean to a reader.
 * Avro logical types are not applied: dates are epoch days and instants epoch milliseconds, as everywhere in
 * Crosscare's events.
 */

/** The two opt-outs Crosscare learns of, and UNKNOWN: a newer kind as a reader on this schema sees it. */
export type OptOutKind = 'NATIONAL_DATA_OPT_OUT' | 'TYPE_1' | 'UNKNOWN';
export type OptOutStatus = 'ACTIVE' | 'WITHDRAWN' | 'UNKNOWN';

export interface OptOutChanged {
  /** A UUID; consumers drop a repeated one. */
  readonly changeId: string;
  readonly nhsNumber: string;
  readonly kind: OptOutKind;
  readonly status: OptOutStatus;
  /** Epoch days: when the patient stated it, if the source says (a practice does; the national answer does not). */
  readonly statedOn: number | null;
  /** `NDOP` for an imported national answer, or the ODS code of the GP practice that recorded a type 1 objection. */
  readonly source: string;
  readonly sourceReference: string;
  /** Epoch milliseconds: when Crosscare accepted the change. */
  readonly recordedAt: number;
  readonly correlationId: string;
}

/** The source of every change the National Data Opt-out import publishes. */
export const NDOP_SOURCE = 'NDOP';

/**
 * Whether the opt-out stands. UNKNOWN (a status newer than this schema) is honoured as ACTIVE, as the schema says:
 * a doubtful opt-out is respected.
 */
export function optOutStands(status: OptOutStatus): boolean {
  return status !== 'WITHDRAWN';
}
