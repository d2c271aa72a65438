/**
 * FHIR issue types (http://hl7.org/fhir/issue-type) the record API answers with: the same word names the problem in
 * an OperationOutcome and in a problem+json `type`.
 */
import { CrosscareError } from '@crosscare/errors';

export type RecordApiIssueCode =
  | 'value'
  | 'required'
  | 'not-supported'
  | 'invalid'
  | 'login'
  | 'forbidden'
  | 'throttled'
  | 'not-found'
  | 'transient'
  | 'exception';

/**
 * The one error type the record API answers with, rendered as an OperationOutcome for FHIR reads and as RFC 9457
 * problem details otherwise. Messages are for the caller: they never repeat a token or show record data.
 */
export class RecordApiError extends CrosscareError {
  constructor(
    readonly status: number,
    readonly code: RecordApiIssueCode,
    /** Where the problem is, in the request's terms: a header, the path parameter, a query parameter. */
    readonly location: string,
    message: string,
    /** For 429 and 503: when the same request may succeed, in seconds (Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    // Retriable when the same request may succeed later (an outage or a rate, not the request).
    super(message, { retriable: status === 503 || status === 429 });
    this.name = 'RecordApiError';
  }
}

export const invalidRequest = (location: string, message: string, code: RecordApiIssueCode = 'value') =>
  new RecordApiError(400, code, location, message);

export const unauthenticated = (message: string) =>
  new RecordApiError(401, 'login', 'Authorization', message);

/** The caller is known but may not have what they asked for: the message says which rule refused it. */
export const forbidden = (location: string, message: string) =>
  new RecordApiError(403, 'forbidden', location, message);

export const tooManyRequests = (retryAfterSeconds: number, message: string) =>
  new RecordApiError(429, 'throttled', '(caller)', message, retryAfterSeconds);

export const patientNotFound = (nhsNumber: string) =>
  new RecordApiError(404, 'not-found', 'nhsNumber', `no shared record is held for NHS number ${nhsNumber}`);

/** An outage's Retry-After: a broker's leader election or a database restart is over in seconds. */
const OUTAGE_RETRY_AFTER_SECONDS = 5;

export const auditUnavailable = () =>
  new RecordApiError(
    503,
    'transient',
    '(service)',
    'the read could not be audited, so no record was returned; try again shortly',
    OUTAGE_RETRY_AFTER_SECONDS,
  );

/** The read model's database could not be reached: an outage, so the same read may succeed shortly. */
export const databaseUnavailable = () =>
  new RecordApiError(
    503,
    'transient',
    '(service)',
    'the record database (Postgres) is unavailable, so no record was returned; try again shortly',
    OUTAGE_RETRY_AFTER_SECONDS,
  );

export const internalError = () =>
  new RecordApiError(500, 'exception', '(service)', 'internal error; no record was returned');
