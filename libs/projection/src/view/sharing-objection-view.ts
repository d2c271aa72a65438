import type { SharingObjectionRecorded, SharingObjectionStatus } from '@crosscare/events';
import type { PatientRecord } from '../patient-record';
import { currentItemsByType } from './current-items';
import { newestFirst } from './order';
import { provenanceOf, type Provenance, type ProviderNames } from './provenance';
import { codeOrNull, isoDate, isoInstant, type Code } from './readable';

/** The patient's current statement about sharing their record beyond the organisation that holds it. */
export interface SharingObjectionEntry {
  /** ACTIVE: the patient objects; WITHDRAWN: they withdrew the objection; UNKNOWN: read as ACTIVE by the record API. */
  readonly status: SharingObjectionStatus;
  /** ODS code of who recorded it: a GP practice, or an ICB's IG team (whose code is the ICS's). */
  readonly provider: string;
  /** The day the patient stated it, ISO date. */
  readonly statedOn: string;
  readonly code: Code | null;
  /** The recording team's reference (e.g. an IG case reference); never a person's name. */
  readonly recordedBy: string | null;
  /** ISO instant Crosscare accepted it. */
  readonly recordedAt: string;
  readonly provenance: Provenance;
}

/** What the record API needs to decide whether to withhold other organisations' items. */
export interface ActiveSharingObjection {
  /** ODS code of who recorded the objection. */
  readonly provider: string;
  /** ISO date the patient stated it. */
  readonly statedOn: string;
  readonly sourceRecordId: string;
  readonly eventId: string;
  /** ISO instant Crosscare accepted it. */
  readonly recordedAt: string;
}

/**
 * The objection that stands: the latest statement by the day the patient made it, then by when it was recorded.
 * Every source record holds one objection (its latest version), so a GP practice's and an IG team's records of the
 * same wish are two items; whichever the patient said last wins, so a withdrawal made to either ends it.
 */
export function sharingObjectionOf(
  statements: readonly SharingObjectionRecorded[],
  providerName: ProviderNames | undefined,
): SharingObjectionEntry | null {
  const [latest] = latestFirst(statements);
  if (latest === undefined) return null;
  return {
    status: latest.status,
    provider: latest.header.providerOdsCode,
    statedOn: isoDate(latest.statedOn),
    code: codeOrNull(latest.code),
    recordedBy: latest.recordedBy,
    recordedAt: isoInstant(latest.header.recordedAt),
    provenance: provenanceOf(latest, providerName),
  };
}

/**
 * Whether the patient's current items, from either collaborative's snapshot, hold an objection to sharing that
 * stands; null when none does. An UNKNOWN status (a symbol newer than this build) counts as active: honouring a
 * doubtful objection withholds items for a while, ignoring a real one shares a record against the patient's wish.
 * Pure: the record API calls it on the snapshots it already read.
 */
export function activeSharingObjection(records: readonly PatientRecord[]): ActiveSharingObjection | null {
  const [latest] = latestFirst(currentItemsByType(records).SharingObjectionRecorded);
  if (latest === undefined || latest.status === 'WITHDRAWN') return null;
  const { header } = latest;
  return {
    provider: header.providerOdsCode,
    statedOn: isoDate(latest.statedOn),
    sourceRecordId: header.sourceRecordId,
    eventId: header.eventId,
    recordedAt: isoInstant(header.recordedAt),
  };
}

/** By the day stated, then when Crosscare accepted it (two statements on one day: the later recorded wins). */
function latestFirst(statements: readonly SharingObjectionRecorded[]): SharingObjectionRecorded[] {
  return newestFirst(statements, (statement) => statement.statedOn).sort(
    (a, b) => b.statedOn - a.statedOn || b.header.recordedAt - a.header.recordedAt,
  );
}
