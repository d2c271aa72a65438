import { CrosscareError } from '@crosscare/errors';
import { httpStatusForIssues, type InputIssue } from '@crosscare/events';

/**
 * The one error type ingest answers with. Each format renders it its own way (FHIR: OperationOutcome; HL7 v2: an
 * AE/AR ACK; social care: a JSON problem), always with the status and the issues located in the sender's terms.
 */
export class IngestError extends CrosscareError {
  constructor(
    readonly status: number,
    readonly issues: readonly InputIssue[],
    /** Seconds, for 429 and 503: when trying again makes sense. */
    readonly retryAfterSeconds?: number,
  ) {
    // Retriable when the sender should resend the same input later (the HL7 AR case, as opposed to AE).
    super(issues.map((i) => `${i.location}: ${i.message}`).join('; '), {
      retriable: status === 429 || status === 503,
    });
    this.name = 'IngestError';
  }
}

/** Input that failed validation or mapping: the most fundamental issue decides the status. */
export function rejectedInput(issues: readonly InputIssue[]): IngestError {
  return new IngestError(httpStatusForIssues(issues), issues);
}

export function unauthenticated(message: string): IngestError {
  return new IngestError(401, [{ location: 'Authorization', code: 'login', message }]);
}

export function forbidden(location: string, message: string): IngestError {
  return new IngestError(403, [{ location, code: 'forbidden', message }]);
}

export function unavailable(retryAfterSeconds: number, message: string): IngestError {
  return new IngestError(503, [{ location: '(service)', code: 'transient', message }], retryAfterSeconds);
}

/**
 * The ingest database unreachable: an outage (503 with Retry-After; MLLP AR with ERR-5 UNAVAILABLE), not a bug's 500,
 * so the sender sends the same input again. A request whose commit's answer was lost may have been accepted: the
 * resend then finds its claims and is answered as a duplicate, nothing is published twice.
 */
export function databaseUnavailable(retryAfterSeconds: number): IngestError {
  return unavailable(
    retryAfterSeconds,
    'the ingest database (Postgres) is unavailable; send the same input again',
  );
}

export function rateLimited(retryAfterSeconds: number, message: string): IngestError {
  return new IngestError(429, [{ location: '(provider)', code: 'throttled', message }], retryAfterSeconds);
}

export function tooLarge(location: string, message: string): IngestError {
  return new IngestError(413, [{ location, code: 'too-costly', message }]);
}

export function conflict(location: string, message: string): IngestError {
  return new IngestError(409, [{ location, code: 'conflict', message }]);
}

export function notFound(location: string, message: string): IngestError {
  return new IngestError(404, [{ location, code: 'not-found', message }]);
}
