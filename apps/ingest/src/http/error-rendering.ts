import { errorStack } from '@crosscare/errors';
import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { IngestError } from '../ingest-error';
import { correlationIdOf } from './request-context';

export type ErrorRenderer = (req: Request, res: Response, error: IngestError) => void;

const logger = new Logger('Ingest');

/** Headers every refusal carries, whatever its format. */
export function refusalHeaders(res: Response, error: IngestError): void {
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="crosscare-ingest"');
}

/** RFC 9457 problem details, for the social care and directory routes. */
export const renderProblem: ErrorRenderer = (req, res, error) => {
  refusalHeaders(res, error);
  res
    .status(error.status)
    .type('application/problem+json')
    .json({
      type: `https://crosscare.nhs.uk/problems/${error.issues[0]?.code ?? 'error'}`,
      title: STATUS_CODES[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      correlationId: correlationIdOf(req, res),
      issues: error.issues,
    });
};

/** Anything that is not an IngestError is a bug or an outage we did not foresee: one log line, a bare 500. */
export function unexpected(req: Request, res: Response, error: unknown): IngestError {
  // The route's template, not the path: `/fhir/Patient/<id>` names a record of the sender's, which logs do not hold.
  const route = (req.route as { path?: string } | undefined)?.path ?? `${req.baseUrl || '/'} (no route)`;
  logger.error(
    `unexpected error on ${req.method} ${route} (correlation ${correlationIdOf(req, res)}): ` +
      errorStack(error),
  );
  return new IngestError(500, [
    { location: '(service)', code: 'structure', message: 'internal error; nothing was published' },
  ]);
}
