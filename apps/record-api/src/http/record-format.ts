import type { RecordFormat } from '../audit/record-accessed';

export const FHIR_JSON = 'application/fhir+json';
export const PLAIN_JSON = 'application/json';

const FORMAT_PARAMETER: Readonly<Record<string, RecordFormat>> = {
  fhir: 'FHIR',
  [FHIR_JSON]: 'FHIR',
  json: 'JSON',
  [PLAIN_JSON]: 'JSON',
};

export type FormatCheck =
  { readonly ok: true; readonly format: RecordFormat } | { readonly ok: false; readonly reason: string };

/**
 * Which format a read asks for. `_format` wins (browsers and simple clients cannot set Accept); otherwise Accept
 * picks FHIR when it names application/fhir+json at least as strongly as application/json. Everything else gets the
 * JSON view: a client that accepts neither still gets an answer rather than a 406.
 */
export function requestedFormat(formatParameter: unknown, accept: string | undefined): FormatCheck {
  if (formatParameter !== undefined) {
    const format = typeof formatParameter === 'string' ? FORMAT_PARAMETER[formatParameter.trim()] : undefined;
    return format
      ? { ok: true, format }
      : { ok: false, reason: `_format must be fhir or json (or ${FHIR_JSON} or ${PLAIN_JSON})` };
  }
  const weights = acceptWeights(accept ?? '');
  const fhir = weights.get(FHIR_JSON) ?? 0;
  return { ok: true, format: fhir > 0 && fhir >= (weights.get(PLAIN_JSON) ?? 0) ? 'FHIR' : 'JSON' };
}

/** Media type → q of an Accept header's ranges; wildcards are left out, since they prefer neither format. */
function acceptWeights(accept: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const range of accept.split(',')) {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (!type || type.includes('*')) continue;
    const q = parameters.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(type, Number.isFinite(weight) ? weight : 0);
  }
  return weights;
}

/**
 * The format of an answer on the FHIR routes: always FHIR JSON. `_format` may say so in any of FHIR's ways; XML
 * (which Crosscare's ingest reads but the record API does not write) or anything else is refused.
 */
export function fhirRouteFormat(formatParameter: unknown): FormatCheck {
  if (formatParameter === undefined) return { ok: true, format: 'FHIR' };
  const value = typeof formatParameter === 'string' ? formatParameter.trim() : undefined;
  return value !== undefined && FHIR_ROUTE_FORMATS.has(value)
    ? { ok: true, format: 'FHIR' }
    : {
        ok: false,
        reason: `_format must be json, fhir or ${FHIR_JSON}: the record API answers FHIR JSON only`,
      };
}

const FHIR_ROUTE_FORMATS: ReadonlySet<string> = new Set(['json', 'fhir', FHIR_JSON, PLAIN_JSON]);
