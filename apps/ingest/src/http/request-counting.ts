import type { Provider } from '@crosscare/governance';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IngestFormat, IngestMetrics, IngestRoute } from '../ingest-metrics';
import { requestFormat } from './fhir-format';

/** The format a request declares by its Content-Type, read without the body (which may never be read). */
export function formatOf(route: Exclude<IngestRoute, 'mllp'>, req: Request): IngestFormat {
  if (req.method === 'DELETE' || req.method === 'GET') return 'none';
  if (route === 'hl7v2') return 'hl7v2';
  if (route === 'social-care')
    return req.is('text/csv') === 'text/csv' ? 'social-care-csv' : 'social-care-json';
  return requestFormat(req) === 'xml' ? 'fhir-xml' : 'fhir-json';
}

/**
 * Mounted on a route family before its authentication gate, so that every answer is counted: refused senders, bodies
 * refused unread, and what the intake accepted or refused. Counted when the answer is written, with the provider type
 * the gate put on res.locals (none when it refused the caller).
 */
export function requestCounting(metrics: IngestMetrics, route: Exclude<IngestRoute, 'mllp'>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.once('finish', () =>
      metrics.request({
        route,
        format: formatOf(route, req),
        providerType: (res.locals.provider as Provider | undefined)?.type,
        status: res.statusCode,
      }),
    );
    next();
  };
}
