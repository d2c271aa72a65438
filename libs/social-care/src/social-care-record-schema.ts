import { nhsNumberProblem, normaliseNhsNumber } from '@crosscare/governance';
import { z } from 'zod';

import { epochDayOf, epochMillisOf } from './calendar';
import { type RecordIssue, issueParams, recordIssuesOf } from './record-issue';
import {
  SOCIAL_CARE_RECORD_KINDS,
  SOCIAL_CARE_STATUSES,
  SOCIAL_CARE_TYPES,
  type SocialCareRecord,
} from './social-care-record';

/**
 * Text limits keep one event small and stop a council pasting case notes into a field meant for a team name: the
 * event carries the fact of involvement, never the social care record itself.
 */
export const TEXT_LIMITS = { id: 64, team: 200, workerName: 200, workerRole: 100, service: 500 } as const;

const text = (max: number) =>
  z
    .string()
    .transform((value) => value.trim().replace(/\s+/g, ' '))
    .pipe(
      z
        .string()
        .min(1, { message: 'must not be empty' })
        .max(max, { message: `must have at most ${max} characters` }),
    );

// Printable ASCII without spaces: ids end up in sourceRecordId and in URLs of people tracing a record.
const recordId = z
  .string()
  .regex(/^[\x21-\x7e]+$/, { message: 'must be letters, digits or punctuation, without spaces' })
  .max(TEXT_LIMITS.id, { message: `must have at most ${TEXT_LIMITS.id} characters` });

const nhsNumber = z.string().transform((value, context) => {
  const canonical = normaliseNhsNumber(value);
  if (canonical !== null) return canonical;
  // The number itself is not echoed: issues are logged, and a mistyped NHS number may be someone else's.
  context.addIssue({
    code: 'custom',
    message: `is not valid: ${nhsNumberProblem(value)}`,
    ...issueParams('value'),
  });
  return z.NEVER;
});

/** Codes are compared without regard to case or surrounding spaces: exports write `Open`, `OPEN` and `open`. */
const codeOf = <T extends string>(codes: readonly T[]) =>
  z.string().transform((value, context): T => {
    const code = codes.find((candidate) => candidate === value.trim().toLowerCase());
    if (code !== undefined) return code;
    context.addIssue({
      code: 'custom',
      message: `must be one of ${codes.join(', ')}, not "${value}"`,
      ...issueParams('code-invalid'),
    });
    return z.NEVER;
  });

const isoDate = z.string().transform((value, context) => {
  const day = epochDayOf(value.trim());
  if (day !== undefined) return day;
  context.addIssue({
    code: 'custom',
    message: 'must be a calendar date written yyyy-mm-dd',
    ...issueParams('value'),
  });
  return z.NEVER;
});

const isoInstant = z.string().transform((value, context) => {
  const millis = epochMillisOf(value.trim());
  if (millis !== undefined) return millis;
  context.addIssue({
    code: 'custom',
    message: 'must be an ISO 8601 date and time with Z or an offset, e.g. 2025-03-14T09:30:00Z',
    ...issueParams('value'),
  });
  return z.NEVER;
});

const phone = z
  .string()
  .transform((value) => value.trim().replace(/\s+/g, ' '))
  .pipe(z.string().regex(/^\+?[0-9][0-9 ()-]{5,18}[0-9]$/, { message: 'must be a telephone number' }));

/**
 * Each field's own format. Optional fields accept null as well as absence, since many JSON writers emit nulls.
 * Fields that only a current record needs are optional here: whether they are required depends on `deleted`, which
 * {@link presenceIssues} checks, because zod skips an object's refinements once any field fails and every problem
 * must be reported at once.
 */
export const socialCareRecordFields = z
  .object({
    id: recordId,
    version: z
      .number()
      .int({ message: 'must be a whole number' })
      .min(1, { message: 'must be at least 1' })
      .max(Number.MAX_SAFE_INTEGER, { message: 'is too large' }),
    nhsNumber,
    kind: codeOf(SOCIAL_CARE_RECORD_KINDS).nullish(),
    status: codeOf(SOCIAL_CARE_STATUSES).nullish(),
    startDate: isoDate.nullish(),
    endDate: isoDate.nullish(),
    type: codeOf(SOCIAL_CARE_TYPES).nullish(),
    team: text(TEXT_LIMITS.team).nullish(),
    teamPhone: phone.nullish(),
    worker: z
      .object({ name: text(TEXT_LIMITS.workerName), role: text(TEXT_LIMITS.workerRole).nullish() })
      .strict()
      .nullish(),
    service: text(TEXT_LIMITS.service).nullish(),
    changedAt: isoInstant,
    deleted: z.boolean().nullish(),
    restricted: z.boolean().nullish(),
  })
  .strict();

type RecordFields = z.infer<typeof socialCareRecordFields>;

// An empty string is not absent: its field's own format check reports it, once.
const isAbsent = (value: unknown): boolean => value === undefined || value === null;

const CURRENT_RECORD_NEEDS = ['kind', 'status', 'startDate', 'type'] as const;

/** Rules that join fields, checked on the input itself so that they are reported alongside every format problem. */
function presenceIssues(input: Readonly<Record<string, unknown>>): RecordIssue[] {
  if (input.deleted === true) return [];
  const issues: RecordIssue[] = CURRENT_RECORD_NEEDS.filter((field) => isAbsent(input[field])).map(
    (field) => ({
      path: [field],
      code: 'required',
      problem: 'is required',
    }),
  );
  const lowerCase = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
  if (lowerCase(input.status) === 'closed' && isAbsent(input.endDate)) {
    issues.push({ path: ['endDate'], code: 'required', problem: 'is required when status is closed' });
  }
  if (lowerCase(input.kind) === 'service' && isAbsent(input.service)) {
    issues.push({ path: ['service'], code: 'required', problem: 'is required when kind is service' });
  }
  const start = typeof input.startDate === 'string' ? epochDayOf(input.startDate.trim()) : undefined;
  const end = typeof input.endDate === 'string' ? epochDayOf(input.endDate.trim()) : undefined;
  if (start !== undefined && end !== undefined && end < start) {
    issues.push({ path: ['endDate'], code: 'value', problem: 'must not be before startDate' });
  }
  return issues;
}

function recordOf(fields: RecordFields): SocialCareRecord | undefined {
  const { id, version, nhsNumber, changedAt } = fields;
  if (fields.deleted === true) return { id, version, nhsNumber, changedAt, deleted: true };
  const { kind, status, startDate, type } = fields;
  // Unreachable once presenceIssues found nothing; written so the compiler sees the narrowing.
  if (kind == null || status == null || startDate == null || type == null) return undefined;
  return {
    id,
    version,
    nhsNumber,
    changedAt,
    deleted: false,
    kind,
    status,
    startDate,
    endDate: fields.endDate ?? null,
    type,
    team: fields.team ?? null,
    teamPhone: fields.teamPhone ?? null,
    worker: fields.worker ? { name: fields.worker.name, role: fields.worker.role ?? null } : null,
    service: fields.service ?? null,
    restricted: fields.restricted ?? false,
  };
}

const FIELD_ORDER: readonly (string | number)[] = Object.keys(socialCareRecordFields.shape);

/** Issues in the order a reader meets the fields, whichever check found them. */
function inFieldOrder(issues: RecordIssue[]): RecordIssue[] {
  const rank = (issue: RecordIssue) => {
    const index = FIELD_ORDER.indexOf(issue.path[0] ?? '');
    return index === -1 ? FIELD_ORDER.length : index;
  };
  return [...issues].sort((a, b) => rank(a) - rank(b));
}

export type RecordValidation =
  | { readonly ok: true; readonly record: SocialCareRecord }
  | { readonly ok: false; readonly issues: RecordIssue[] };

/** One record in the JSON shape (CSV rows are read into it first): every problem, or the normalised record. */
export function validateSocialCareRecord(input: unknown): RecordValidation {
  const parsed = socialCareRecordFields.safeParse(input);
  const issues = parsed.success ? [] : parsed.error.issues.flatMap(recordIssuesOf);
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    issues.push(...presenceIssues(input as Record<string, unknown>));
  }
  const record = parsed.success && issues.length === 0 ? recordOf(parsed.data) : undefined;
  return record === undefined ? { ok: false, issues: inFieldOrder(issues) } : { ok: true, record };
}
