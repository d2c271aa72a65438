import type { AnyRecordChangeDraft, InputIssue, MappingResult } from '@crosscare/events';
import { rejected } from '@crosscare/events';
import { z } from 'zod';

import { resolveCouncil } from './council';
import { recordIssuesOf, type RecordPath } from './record-issue';
import {
  type RecordLocator,
  type SocialCareMappingOptions,
  assertMaxRecords,
  mapSocialCareRecords,
  tooManyRecords,
} from './social-care-extract';

/** RFC 6901: `~` and `/` inside a name are escaped so that the pointer still splits cleanly. */
export function jsonPointer(path: RecordPath): string {
  return path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

const JSON_LOCATOR: RecordLocator = {
  locate: (index, path) => jsonPointer(['records', index, ...path]),
  nameOf: (path) => path.join('.'),
};

// Records are validated one by one afterwards, so that the record limit is enforced before any is examined.
const envelope = z.object({ council: z.unknown(), records: z.array(z.unknown()) }).strict();

/**
 * `{ "council": "<ONS code>", "records": [...] }` into drafts: one per record, or every problem with its JSON pointer.
 */
export function mapSocialCareJson(
  body: unknown,
  options: SocialCareMappingOptions,
): MappingResult<AnyRecordChangeDraft[]> {
  assertMaxRecords(options.maxRecords);
  const parsed = envelope.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap(recordIssuesOf).map(({ path, code, problem }): InputIssue => ({
      location: jsonPointer(path),
      code: path.length === 0 ? 'structure' : code,
      message: `${path.length === 0 ? 'the body' : path.join('.')} ${problem}`,
    }));
    return rejected(...issues);
  }
  const { council, records } = parsed.data;
  if (records.length > options.maxRecords) {
    return rejected(tooManyRecords(jsonPointer(['records', options.maxRecords]), options.maxRecords));
  }
  return mapSocialCareRecords(
    resolveCouncil(council, options.councilName, '/council'),
    records,
    JSON_LOCATOR,
  );
}
