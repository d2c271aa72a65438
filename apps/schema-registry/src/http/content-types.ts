import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';

export const SCHEMA_REGISTRY_V1 = 'application/vnd.schemaregistry.v1+json';
export const SCHEMA_REGISTRY = 'application/vnd.schemaregistry+json';
export const JSON_TYPE = 'application/json';

/** Request bodies Confluent accepts, and so do we. */
export const ACCEPTED_REQUEST_TYPES = [
  SCHEMA_REGISTRY_V1,
  SCHEMA_REGISTRY,
  JSON_TYPE,
  'application/octet-stream',
];

/**
 * Chooses the response type from Accept as Confluent does: its own media types first, plain JSON when a client
 * asks only for that. Set before the handler runs, so express's res.json and res.send keep it.
 */
export function negotiateResponseType(accept: string | undefined): string {
  if (!accept) return SCHEMA_REGISTRY_V1;
  const wanted = accept.split(',').map((part) => part.split(';')[0].trim().toLowerCase());
  for (const type of wanted) {
    if (type === SCHEMA_REGISTRY_V1 || type === SCHEMA_REGISTRY) return type;
    if (type === JSON_TYPE) return JSON_TYPE;
  }
  return SCHEMA_REGISTRY_V1;
}

function reject(res: Response, status: number, message: string): void {
  res.status(status).json({ error_code: status, message });
}

/**
 * Content negotiation and body parsing, answered in Confluent's error shape. They run as express middleware, ahead
 * of Nest's exception filters, so they write their own error responses.
 */
export function registryBodyParsing(maxBodyBytes: number): RequestHandler {
  const parse = json({ type: ACCEPTED_REQUEST_TYPES, limit: maxBodyBytes, strict: false });
  return (req: Request, res: Response, next: NextFunction) => {
    res.type(negotiateResponseType(req.headers.accept));
    const declared = req.headers['content-type'];
    if ((req.method === 'POST' || req.method === 'PUT') && declared) {
      const type = declared.split(';')[0].trim().toLowerCase();
      if (!ACCEPTED_REQUEST_TYPES.includes(type)) {
        reject(res, 415, `Unsupported content type ${type}: send ${SCHEMA_REGISTRY_V1}`);
        return;
      }
    }
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const { type, message } = error as { type?: string; message?: string };
      if (type === 'entity.too.large') {
        reject(res, 413, 'The request body is larger than SCHEMA_REGISTRY_MAX_BODY_BYTES');
      } else {
        reject(res, 400, `Malformed JSON in the request body: ${message ?? 'unreadable'}`);
      }
    });
  };
}
