import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { IngestError } from '../ingest-error';
import type { ProviderAdmission } from '../auth/provider-admission';
import { apiKeyFromHeaders } from '../auth/api-key';
import type { InputFormat } from '@crosscare/governance';
import { correlationIdOf } from './request-context';
import type { ErrorRenderer } from './error-rendering';

/**
 * Runs before the body is read, on every ingest route: who is calling (API key → provider), may that provider use
 * this format, and is it within its rate. A caller that fails here never gets as far as having its body parsed.
 */
export function providerGate(
  admission: ProviderAdmission,
  format: InputFormat,
  render: ErrorRenderer,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    correlationIdOf(req, res);
    admission
      .admit(apiKeyFromHeaders(req.headers), format, `${req.baseUrl}${req.path}`)
      .then((provider) => {
        res.locals.provider = provider;
        next();
      })
      .catch((error: unknown) => {
        if (error instanceof IngestError) render(req, res, error);
        else next(error);
      });
  };
}
