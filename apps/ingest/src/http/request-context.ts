import type { Provider } from '@crosscare/governance';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The sender's X-Correlation-Id when it is sane, else a new one; echoed on the response. */
export function correlationIdOf(req: Request, res: Response): string {
  const existing = res.locals.correlationId as string | undefined;
  if (existing) return existing;
  const sent = req.header('x-correlation-id');
  const id = sent && CORRELATION_ID.test(sent) ? sent : randomUUID();
  res.locals.correlationId = id;
  res.setHeader('X-Correlation-Id', id);
  return id;
}

export function providerOf(res: Response): Provider {
  const provider = res.locals.provider as Provider | undefined;
  // The gate runs before every ingest route; reaching here without it is a wiring bug, not a client error.
  if (!provider) throw new Error('no authenticated provider on an ingest route');
  return provider;
}
