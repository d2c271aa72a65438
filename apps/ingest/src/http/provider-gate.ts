import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { IngestError, forbidden, rateLimited, unauthenticated } from '../ingest-error';
import type { IngestServices } from '../ingest-services';
import { apiKeyFromHeaders } from '../auth/api-key';
import { correlationIdOf, type InputFormat } from './request-context';
import type { ErrorRenderer } from './error-rendering';

/**
 * Runs before the body is read, on every ingest route: who is calling (API key → provider), may that provider use
 * this format, and is it within its rate. A caller that fails here never gets as far as having its body parsed.
 */
export function providerGate(
  services: IngestServices,
  format: InputFormat,
  render: ErrorRenderer,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    correlationIdOf(req, res);
    admit(services, format, req)
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

async function admit(services: IngestServices, format: InputFormat, req: Request) {
  const token = apiKeyFromHeaders(req.headers);
  if (!token)
    throw unauthenticated('no credential: send the provider API key as "Authorization: Bearer <key>"');
  const odsCode = await services.authenticator.providerFor(token);
  if (!odsCode) throw unauthenticated('the API key is not valid (unknown, malformed or revoked)');
  const provider = services.directory.provider(odsCode);
  if (!provider) throw forbidden('Authorization', `provider ${odsCode} is not in the provider directory`);
  const formatReason = services.directory.policy.formatForbiddenReason(provider, format);
  if (formatReason) throw forbidden(`${req.baseUrl}${req.path}`, formatReason);
  const wait = services.limiter.take(provider.odsCode);
  if (wait > 0)
    throw rateLimited(
      wait,
      `provider ${provider.odsCode} is over its limit of ${services.config.limits.requestsPerMinute} requests a ` +
        `minute (burst ${services.config.limits.burst}); retry after ${wait} s`,
    );
  return provider;
}
