import type { SegmentReader } from '../er7/segment-reader';
import { parseHl7Instant } from '../time/hl7-timestamp';
import { requiredIssue, valueIssue, type IssueList } from './issues';

/** When the event happened, and the version every record it changes gets. */
export interface EventTimes {
  /** EVN-6 (event occurred) when sent, else EVN-2 (recorded date/time). */
  readonly occurredAt: number;
  /**
   * The later of MSH-7 and EVN-2, in epoch milliseconds: a re-sent message keeps its version (a duplicate), and a
   * later message about the same record wins even if it arrives first.
   */
  readonly version: number;
}

export function readEventTimes(
  evn: SegmentReader | null,
  sentAt: number,
  issues: IssueList,
): EventTimes | null {
  if (!evn) {
    issues.push(requiredIssue('EVN', 'the EVN (event type) segment is required'));
    return null;
  }
  const recordedText = evn.text(2);
  const recordedAt = parseHl7Instant(recordedText);
  if (!recordedText) {
    issues.push(requiredIssue('EVN-2', 'EVN-2 (recorded date/time) is required'));
  } else if (recordedAt === null) {
    issues.push(valueIssue('EVN-2', `EVN-2 "${recordedText}" is not an HL7 date/time (YYYYMMDD[HHMM[SS]])`));
  }

  const occurredText = evn.text(6);
  const occurredAt = occurredText ? parseHl7Instant(occurredText) : recordedAt;
  if (occurredText && occurredAt === null) {
    issues.push(valueIssue('EVN-6', `EVN-6 "${occurredText}" is not an HL7 date/time (YYYYMMDD[HHMM[SS]])`));
  }

  if (recordedAt === null || occurredAt === null) return null;
  return { occurredAt, version: Math.max(sentAt, recordedAt) };
}
