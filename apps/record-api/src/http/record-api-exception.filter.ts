import { errorMessage, errorStack, isDatabaseUnreachable } from '@crosscare/errors';
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { databaseUnavailable, internalError, RecordApiError } from '../record-api-error';
import { errorAnswer } from './answer';
import { correlationIdOf } from './correlation-id';
import { requestedFormat } from './record-format';
import { sendAnswer } from './send-answer';

const logger = new Logger('RecordApi');

/**
 * What the routes did not answer themselves: an unknown route (404), the read model's database unreachable (503
 * with Retry-After: an outage the reader's system should wait out, not a fault to report), or a bug or an outage
 * nobody foresaw, which becomes one logged 500 with no detail for the caller. Either way the read failed before its
 * audit event was written (the database is read first), so nothing records it as served.
 */
@Catch()
export class RecordApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const correlationId =
      (res.locals.correlationId as string | undefined) ?? correlationIdOf(req.header('x-correlation-id'));
    const negotiated = requestedFormat(req.query._format, req.header('accept'));
    const format = negotiated.ok ? negotiated.format : 'JSON';
    sendAnswer(
      res,
      errorAnswer(this.toError(req, exception, correlationId), format, correlationId),
      correlationId,
    );
  }

  private toError(req: Request, exception: unknown, correlationId: string): RecordApiError {
    if (exception instanceof HttpException && exception.getStatus() === 404)
      return new RecordApiError(404, 'not-found', req.path, `no route ${req.method} ${req.path}`);
    if (exception instanceof HttpException && exception.getStatus() < 500)
      return new RecordApiError(exception.getStatus(), 'value', req.path, exception.message);
    // The route's template, not the path: a path names a patient, and logs are no place for NHS numbers.
    const route = (req.route as { path?: string } | undefined)?.path ?? '(no route)';
    if (isDatabaseUnreachable(exception)) {
      // One line, no stack: during an outage every read lands here, and readiness already says why.
      logger.warn(
        `database unreachable on ${req.method} ${route} (correlation ${correlationId}): ${errorMessage(exception)}`,
      );
      return databaseUnavailable();
    }
    logger.error(
      `unexpected error on ${req.method} ${route} (correlation ${correlationId}): ` + errorStack(exception),
    );
    return internalError();
  }
}
