import { errorStack } from '@crosscare/errors';
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError, TypeORMError } from 'typeorm';
import { RegistryError, storeError } from '../registry/registry-error';

/**
 * Every failure leaves as Confluent's {error_code, message}. Unexpected errors are logged once here and the caller
 * gets a generic 500 without a stack trace; database failures are 50001 as in Confluent.
 */
@Catch()
export class RegistryExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('SchemaRegistry');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const error = this.toRegistryError(exception);
    res.status(error.status).json({ error_code: error.errorCode, message: error.message });
  }

  private toRegistryError(exception: unknown): RegistryError {
    if (exception instanceof RegistryError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return new RegistryError(status, status, status === 404 ? 'HTTP 404 Not Found' : exception.message);
    }
    if (
      exception instanceof QueryFailedError ||
      exception instanceof TypeORMError ||
      isConnectionError(exception)
    ) {
      this.logger.error(`store error: ${errorStack(exception)}`);
      return storeError();
    }
    this.logger.error(`unexpected error: ${errorStack(exception)}`);
    return new RegistryError(500, 500, 'Internal Server Error');
  }
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|57P0[1-3]|08\d{3})$/.test(code);
}
