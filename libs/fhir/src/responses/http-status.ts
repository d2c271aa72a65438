import type { InputIssue, InputIssueCode } from '@crosscare/events';

/** The HTTP status each kind of problem answers with, as documented on InputIssueCode. */
const STATUS_BY_CODE: Record<InputIssueCode, number> = {
  structure: 400,
  forbidden: 403,
  'not-found': 404,
  'too-costly': 413,
  required: 422,
  value: 422,
  'code-invalid': 422,
  'not-supported': 422,
};

/** Most fundamental first: a request that cannot be parsed is a 400 whatever else is wrong with it. */
const PRECEDENCE = [400, 413, 403, 404, 422];

/** One status for a set of issues: the most fundamental problem decides. */
export function httpStatusForIssues(issues: readonly InputIssue[]): number {
  const statuses = new Set(issues.map((issue) => STATUS_BY_CODE[issue.code]));
  return PRECEDENCE.find((status) => statuses.has(status)) ?? 422;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A Bundle response entry's status: the code and its reason phrase, e.g. "201 Created". */
export function statusLine(status: number): string {
  const reason = REASONS[status];
  return reason ? `${status} ${reason}` : String(status);
}
