import type { InputIssueCode } from '@crosscare/events';
import type { ZodIssue } from 'zod';

/** A path into one record in JSON terms, e.g. `['worker', 'name']`; empty for the record as a whole. */
export type RecordPath = readonly (string | number)[];

/**
 * A problem with one record, before it is located in a format's own terms: JSON and CSV name the same field
 * differently (`nhsNumber` at `/records/2/nhsNumber`, `nhs_number` at `row 4`).
 */
export interface RecordIssue {
  readonly path: RecordPath;
  readonly code: InputIssueCode;
  /** A predicate about the field, read after its name: "is required", "must be a date written yyyy-mm-dd". */
  readonly problem: string;
}

/** Custom checks carry their InputIssueCode in zod's `params`, so the translation needs no string matching. */
export interface IssueParams {
  readonly code: InputIssueCode;
}

export function issueParams(code: InputIssueCode): { params: IssueParams } {
  return { params: { code } };
}

const EXPECTED: Readonly<Record<string, string>> = {
  number: 'a whole number',
  boolean: 'true or false',
  string: 'text',
  object: 'an object',
  array: 'an array',
};

/** zod's issues in Crosscare's terms; a record's unknown fields each get their own issue, so each can be located. */
export function recordIssuesOf(issue: ZodIssue): RecordIssue[] {
  const path = issue.path;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.received === 'undefined' || issue.received === 'null') {
        return [{ path, code: 'required', problem: 'is required' }];
      }
      return [
        {
          path,
          code: issue.expected === 'object' || issue.expected === 'array' ? 'structure' : 'value',
          problem: `must be ${EXPECTED[issue.expected] ?? issue.expected}`,
        },
      ];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: [...path, key],
        code: 'structure' as const,
        problem: 'is not a field this format has',
      }));
    case 'custom': {
      const params = issue.params as Partial<IssueParams> | undefined;
      return [{ path, code: params?.code ?? 'value', problem: issue.message }];
    }
    default:
      return [{ path, code: 'value', problem: issue.message }];
  }
}
