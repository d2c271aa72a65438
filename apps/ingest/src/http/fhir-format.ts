import { fhirJsonToXml } from '@crosscare/fhir';
import type { Request, Response } from 'express';

export type FhirFormat = 'json' | 'xml';

export const FHIR_JSON_MEDIA_TYPE = 'application/fhir+json';
export const FHIR_XML_MEDIA_TYPE = 'application/fhir+xml';

/** What FHIR servers take as each format (application/json and text/xml from older or generic clients). */
export const FHIR_MEDIA_TYPES: Readonly<Record<FhirFormat, readonly string[]>> = {
  json: [FHIR_JSON_MEDIA_TYPE, 'application/json'],
  xml: [FHIR_XML_MEDIA_TYPE, 'application/xml', 'text/xml'],
};

// The _format values FHIR R4 names (http.html#mime), plus the media types themselves.
const FORMAT_PARAMETER: Readonly<Record<string, FhirFormat>> = {
  json: 'json',
  xml: 'xml',
  ...Object.fromEntries(FHIR_MEDIA_TYPES.json.map((type) => [type, 'json' as const])),
  ...Object.fromEntries(FHIR_MEDIA_TYPES.xml.map((type) => [type, 'xml' as const])),
};

/** The format of the request's body, by its Content-Type; JSON when it has none (a DELETE). */
export function requestFormat(req: Request): FhirFormat {
  return req.is([...FHIR_MEDIA_TYPES.xml]) ? 'xml' : 'json';
}

/**
 * The format to answer in, as FHIR's content negotiation has it: the `_format` parameter wins, then Accept, then the
 * format the sender used. An Accept that names none of the FHIR types (`*\/*`, text/html) leaves the sender's own.
 */
export function responseFormat(req: Request): FhirFormat {
  const parameter = req.query?._format;
  if (typeof parameter === 'string') {
    // A '+' left unencoded in a query string arrives as a space (application/fhir xml).
    const named = FORMAT_PARAMETER[parameter.split(';')[0].trim().toLowerCase().replace(/ /g, '+')];
    if (named) return named;
  }
  const accept = req.header('accept')?.toLowerCase();
  const preferred = accept ? req.accepts([...FHIR_MEDIA_TYPES.json, ...FHIR_MEDIA_TYPES.xml]) : false;
  // Only a type the client named counts: one matched through */* would override the sender's own format.
  if (preferred && accept?.includes(preferred))
    return FHIR_MEDIA_TYPES.xml.includes(preferred) ? 'xml' : 'json';
  return requestFormat(req);
}

/** Sends a FHIR resource (an OperationOutcome, a Bundle) in the format the request asked for. */
export function sendFhir(req: Request, res: Response, status: number, resource: object): void {
  if (responseFormat(req) === 'xml')
    res.status(status).type(FHIR_XML_MEDIA_TYPE).send(fhirJsonToXml(resource));
  else res.status(status).type(FHIR_JSON_MEDIA_TYPE).send(JSON.stringify(resource));
}
