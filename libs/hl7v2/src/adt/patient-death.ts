import type { SegmentReader } from '../er7/segment-reader';
import { hl7TimestampToEpochDay, hl7TimestampToEpochMillis, parseHl7Timestamp } from '../time/hl7-timestamp';
import { requiredIssue, valueIssue, type IssueList } from './issues';

export interface PatientDeath {
  readonly dateOfDeath: number;
  /** Only when PID-29 has a time, not just a date. */
  readonly timeOfDeath: number | null;
}

/**
 * PID-29 (death date and time) and PID-30 (death indicator), on any ADT message: a PAS records a death on the A03
 * that ends the stay or on an A08/A31. Undefined when there is a problem; null when the patient is not dead.
 * PID-30 N is not read as a withdrawn death: every ordinary message carries it, so it says nothing new.
 */
export function readPatientDeath(pid: SegmentReader, issues: IssueList): PatientDeath | null | undefined {
  const text = pid.text(29);
  if (!text) {
    if (pid.text(30).toUpperCase() !== 'Y') return null;
    issues.push(requiredIssue('PID-29', 'PID-30 says the patient died: PID-29 (date of death) is required'));
    return undefined;
  }
  const timestamp = parseHl7Timestamp(text);
  if (!timestamp) {
    issues.push(valueIssue('PID-29', `PID-29 "${text}" is not an HL7 date/time (YYYYMMDD[HHMM[SS]])`));
    return undefined;
  }
  return {
    dateOfDeath: hl7TimestampToEpochDay(timestamp),
    timeOfDeath: timestamp.hour === null ? null : hl7TimestampToEpochMillis(timestamp),
  };
}
