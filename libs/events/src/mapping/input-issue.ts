/**
 * One thing wrong with a provider's input, located precisely enough for the sender to fix it. Every format answers
 * with these: FHIR turns them into OperationOutcome issues, HL7 v2 into ERR segments of an AE/AR ACK, JSON and CSV
 * into a problem body.
 */
export interface InputIssue {
  /**
   * Where the problem is, in the input's own terms: a FHIRPath such as `Bundle.entry[2].resource.subject`, an HL7 v2
   * location such as `PID-3`, or a JSON pointer / CSV `row 4, column nhs_number` for social care.
   */
  readonly location: string;
  readonly code: InputIssueCode;
  /** What is wrong, for a person. Never echoes a credential; may name a value the sender sent. */
  readonly message: string;
}

/**
 * Kinds of problem, named as FHIR issue-type codes so OperationOutcome needs no translation:
 * - structure: not parseable or not the shape the format demands (400);
 * - required: a required element is missing (422);
 * - value: an element has an invalid value, e.g. an NHS number failing modulus 11 (422);
 * - code-invalid: a code is not one Crosscare can map (422);
 * - not-supported: a resource type, message type or operation Crosscare does not take (422);
 * - too-costly: over a documented limit (413);
 * - not-found: refers to a record Crosscare has never seen from this provider (404);
 * - forbidden: the authenticated provider may not send this (403);
 * - login: no credential, or one that is not valid (401);
 * - conflict: this record version was already shared with other content (409);
 * - throttled: over the provider's rate (429);
 * - transient: a dependency (broker, registry) is unavailable; nothing was done, try again (503).
 */
export type InputIssueCode =
  | 'structure'
  | 'required'
  | 'value'
  | 'code-invalid'
  | 'not-supported'
  | 'too-costly'
  | 'not-found'
  | 'forbidden'
  | 'login'
  | 'conflict'
  | 'throttled'
  | 'transient';

/** A mapping outcome: either every draft, or every issue found (never some of each). */
export type MappingResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly InputIssue[] };

export const mapped = <T>(value: T): MappingResult<T> => ({ ok: true, value });
export const rejected = <T = never>(...issues: InputIssue[]): MappingResult<T> => ({ ok: false, issues });

/** The HTTP status each kind of problem answers with, as documented on InputIssueCode. */
const STATUS_BY_CODE: Readonly<Record<InputIssueCode, number>> = {
  structure: 400,
  forbidden: 403,
  'not-found': 404,
  'too-costly': 413,
  required: 422,
  value: 422,
  'code-invalid': 422,
  'not-supported': 422,
  login: 401,
  conflict: 409,
  throttled: 429,
  transient: 503,
};

/**
 * Most fundamental first: an outage or a missing credential decides before anything in the input; then a request
 * that cannot be parsed is a 400 whatever else is wrong with it.
 */
const PRECEDENCE = [503, 429, 401, 400, 413, 403, 404, 409, 422];

/** One HTTP status for a set of issues: the most fundamental problem decides. */
export function httpStatusForIssues(issues: readonly InputIssue[]): number {
  const statuses = new Set(issues.map((issue) => STATUS_BY_CODE[issue.code]));
  return PRECEDENCE.find((status) => statuses.has(status)) ?? 422;
}
