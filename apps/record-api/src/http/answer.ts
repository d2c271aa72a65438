import { isRetriable } from '@crosscare/errors';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { STATUS_CODES } from 'node:http';
import type { RecordFormat } from '../audit/record-accessed';
import type { RecordApiError } from '../record-api-error';
import { FHIR_JSON, PLAIN_JSON } from './record-format';

/** A complete HTTP answer, built without Express so that what a read returns can be tested as a value. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const PROBLEM_JSON = 'application/problem+json';
const PROBLEM_TYPES = 'https://crosscare.nhs.uk/problems';

/** A record (or the FHIR Bundle of one) as the answer to a read. */
export function recordAnswer(format: RecordFormat, body: unknown): Answer {
  return {
    status: 200,
    headers: { 'Content-Type': `${format === 'FHIR' ? FHIR_JSON : PLAIN_JSON}; charset=utf-8` },
    body: JSON.stringify(body),
  };
}

/** A refusal: an OperationOutcome to a FHIR reader, problem details (RFC 9457) to anyone else. */
export function errorAnswer(error: RecordApiError, format: RecordFormat, correlationId: string): Answer {
  const headers: Record<string, string> = {};
  if (error.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="crosscare-record-api"';
  if (isRetriable(error) && error.retryAfterSeconds !== undefined)
    headers['Retry-After'] = String(error.retryAfterSeconds);
  if (format === 'FHIR') {
    const outcome: OperationOutcome = {
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: error.code,
          diagnostics: error.message,
          details: { text: error.message },
          expression: [error.location],
        },
      ],
    };
    return {
      status: error.status,
      headers: { ...headers, 'Content-Type': `${FHIR_JSON}; charset=utf-8` },
      body: JSON.stringify(outcome),
    };
  }
  return {
    status: error.status,
    headers: { ...headers, 'Content-Type': `${PROBLEM_JSON}; charset=utf-8` },
    body: JSON.stringify({
      type: `${PROBLEM_TYPES}/${error.code}`,
      title: STATUS_CODES[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      location: error.location,
      correlationId,
    }),
  };
}
