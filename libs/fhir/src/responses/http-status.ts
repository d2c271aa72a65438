import { STATUS_CODES } from 'node:http';

export { httpStatusForIssues } from '@crosscare/events';

/** A Bundle response entry's status: the code and its reason phrase, e.g. "201 Created". */
export function statusLine(status: number): string {
  const reason = STATUS_CODES[status];
  return reason ? `${status} ${reason}` : String(status);
}
