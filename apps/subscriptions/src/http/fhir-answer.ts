import type { Response } from 'express';
import type { SubscriptionsError } from '../subscriptions-error';

export const FHIR_JSON = 'application/fhir+json';

/** A FHIR answer: the resource as FHIR JSON, with the status given. */
export function sendFhir(
  res: Response,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).type(FHIR_JSON).send(JSON.stringify(body));
}

/** A refusal as an OperationOutcome, every issue with its location. */
export function sendRefusal(res: Response, error: SubscriptionsError): void {
  if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  // Built here rather than with @crosscare/fhir's operationOutcome: its issue codes are ingest's, and a refused
  // Subscription also answers `invalid`, `exception` and the like.
  sendFhir(res, error.status, {
    resourceType: 'OperationOutcome',
    issue: error.issues.map((i) => ({
      severity: 'error',
      code: i.code,
      diagnostics: i.message,
      details: { text: i.message },
      expression: [i.location],
    })),
  });
}
