import { errorMessage, errorStack, isDatabaseUnreachable } from '@crosscare/errors';
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SubscriptionsError } from '../subscriptions-error';
import { sendRefusal } from './fhir-answer';

const logger = new Logger('Subscriptions');

/**
 * Every failure as an OperationOutcome: the service's own refusals as they are; an unknown route 404; a body that
 * is not JSON 400; the database unreachable 503 with Retry-After; anything else one logged 500 without detail.
 */
@Catch()
export class SubscriptionsExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    sendRefusal(res, this.toError(req, res, exception));
  }

  private toError(req: Request, res: Response, exception: unknown): SubscriptionsError {
    if (exception instanceof SubscriptionsError) return exception;
    if (exception instanceof HttpException && exception.getStatus() === 404)
      return new SubscriptionsError(404, 'not-found', req.path, `no route ${req.method} ${req.path}`);
    if (exception instanceof HttpException && exception.getStatus() < 500)
      return new SubscriptionsError(exception.getStatus(), 'invalid', req.path, exception.message);
    const route = (req.route as { path?: string } | undefined)?.path ?? '(no route)';
    if (isDatabaseUnreachable(exception)) {
      logger.warn(`database unreachable on ${req.method} ${route}: ${errorMessage(exception)}`);
      res.setHeader('Retry-After', '5');
      return new SubscriptionsError(
        503,
        'transient',
        req.path,
        'the subscription store is unavailable; retry shortly',
      );
    }
    logger.error(`unexpected error on ${req.method} ${route}: ${errorStack(exception)}`);
    return new SubscriptionsError(500, 'exception', req.path, 'an unexpected error; it has been logged');
  }
}
