import type { Provider } from '@crosscare/governance';
import { correlationIdOf as correlationIdFrom, HTTP_CORRELATION_HEADER } from '@crosscare/logging';
import type { Request, Response } from 'express';

/** The sender's X-Correlation-Id when it is sane, else a new one; echoed on the response. */
export function correlationIdOf(req: Request, res: Response): string {
  const existing = res.locals.correlationId as string | undefined;
  if (existing) return existing;
  const id = correlationIdFrom(req.header(HTTP_CORRELATION_HEADER));
  res.locals.correlationId = id;
  res.setHeader(HTTP_CORRELATION_HEADER, id);
  return id;
}

export function providerOf(res: Response): Provider {
  const provider = res.locals.provider as Provider | undefined;
  // The gate runs before every ingest route; reaching here without it is a wiring bug, not a client error.
  if (!provider) throw new Error('no authenticated provider on an ingest route');
  return provider;
}
