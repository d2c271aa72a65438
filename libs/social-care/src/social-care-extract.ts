import {
  type AnyRecordChangeDraft,
  type InputIssue,
  type MappingResult,
  mapped,
  rejected,
} from '@crosscare/events';

import type { CouncilNameLookup, CouncilResolution } from './council';
import type { RecordPath } from './record-issue';
import { socialCareDraft } from './social-care-drafts';
import type { SocialCareRecord } from './social-care-record';
import { validateSocialCareRecord } from './social-care-record-schema';

export interface SocialCareMappingOptions {
  /** The council's name from its ONS code (the provider directory's), or undefined for a council not known. */
  readonly councilName: CouncilNameLookup;
  /** Most records one extract may carry; a larger extract is refused whole ('too-costly') before it is validated. */
  readonly maxRecords: number;
}

/**
 * A size that a council's daily change extract fits comfortably and that validates in well under a second; larger
 * backlogs are sent as several extracts.
 */
export const RECOMMENDED_MAX_RECORDS = 5000;

/** How a format names a place in its own input. */
export interface RecordLocator {
  /** `/records/2/nhsNumber` in JSON, `row 4, column nhs_number` in CSV. */
  readonly locate: (recordIndex: number, path: RecordPath) => string;
  /** The field as the sender wrote it: `worker.name` in JSON, `worker_name` in CSV. */
  readonly nameOf: (path: RecordPath) => string;
}

export function assertMaxRecords(maxRecords: number): void {
  if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) {
    throw new RangeError(`maxRecords must be a whole number from 1, not ${maxRecords}`);
  }
}

export function tooManyRecords(location: string, maxRecords: number): InputIssue {
  return {
    location,
    code: 'too-costly',
    message: `an extract carries at most ${maxRecords} records; send the rest in further extracts`,
  };
}

/**
 * A record version sent twice in one extract would become two events with the same id but perhaps different
 * content, so which one consumers keep would depend on arrival order.
 */
function repeatedVersionIssues(
  records: ReadonlyMap<number, SocialCareRecord>,
  locator: RecordLocator,
): InputIssue[] {
  const firstSeen = new Map<string, number>();
  const issues: InputIssue[] = [];
  for (const [index, record] of records) {
    const key = `${record.id}\u0000${record.version}`;
    const first = firstSeen.get(key);
    if (first === undefined) {
      firstSeen.set(key, index);
      continue;
    }
    issues.push({
      location: locator.locate(index, ['version']),
      code: 'value',
      message: `record ${record.id} version ${record.version} is already at ${locator.locate(first, [])}; each version is sent once`,
    });
  }
  return issues;
}

/** All or nothing: every record and the council valid, or every problem found in any of them. */
export function mapSocialCareRecords(
  council: CouncilResolution,
  inputs: readonly unknown[],
  locator: RecordLocator,
): MappingResult<AnyRecordChangeDraft[]> {
  const issues: InputIssue[] = council.ok ? [] : [council.issue];
  const records = new Map<number, SocialCareRecord>();
  inputs.forEach((input, index) => {
    const validation = validateSocialCareRecord(input);
    if (validation.ok) {
      records.set(index, validation.record);
      return;
    }
    for (const { path, code, problem } of validation.issues) {
      const name = path.length === 0 ? 'the record' : locator.nameOf(path);
      issues.push({ location: locator.locate(index, path), code, message: `${name} ${problem}` });
    }
  });
  issues.push(...repeatedVersionIssues(records, locator));
  if (!council.ok || issues.length > 0) return rejected(...issues);
  return mapped([...records.values()].map((record) => socialCareDraft(record, council.council)));
}
