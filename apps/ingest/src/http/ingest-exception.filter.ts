import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnreachable } from '@crosscare/errors';
import { IngestServices } from '../ingest-services';
import { databaseUnavailable, IngestError } from '../ingest-error';
import { renderProblem, unexpected, type ErrorRenderer } from './error-rendering';
import { renderOperationOutcome } from './fhir-rendering';
import { renderNegativeAck } from './hl7v2-rendering';

/** Each route family answers errors in its own format; everything else gets RFC 9457 problem details. */
export function rendererFor(path: string): ErrorRenderer {
  if (path === '/fhir' || path.startsWith('/fhir/')) return renderOperationOutcome;
  if (path === '/hl7v2' || path.startsWith('/hl7v2/')) return renderNegativeAck;
  return renderProblem;
}

@Catch()
export class IngestExceptionFilter implements ExceptionFilter {
  constructor(private readonly services: IngestServices) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const error = toIngestError(req, res, exception, this.services.config.retryAfterSeconds);
    rendererFor(req.path)(req, res, error);
  }
}

export function toIngestError(
  req: Request,
  res: Response,
  exception: unknown,
  retryAfterSeconds: number,
): IngestError {
  if (exception instanceof IngestError) return exception;
  if (isDatabaseUnreachable(exception)) return databaseUnavailable(retryAfterSeconds);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = status === 404 ? 'not-found' : status === 413 ? 'too-costly' : 'structure';
    const message =
      status === 404 && /^Cannot /.test(exception.message)
        ? `no route ${req.method} ${req.path}`
        : exception.message;
    return new IngestError(status, [{ location: req.path, code, message }]);
  }
  return unexpected(req, res, exception);
}
