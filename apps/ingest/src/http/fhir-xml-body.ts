import { fhirXmlToJson, FhirXmlError } from '@crosscare/fhir';
import { IngestError } from '../ingest-error';

/** A FHIR XML body as the FHIR JSON it means (libs/fhir converts); XML that is not a FHIR resource is a 400. */
export function fhirXmlBody(xml: string): Record<string, unknown> {
  try {
    return fhirXmlToJson(xml);
  } catch (error) {
    if (error instanceof FhirXmlError) throw new IngestError(400, error.issues);
    throw error;
  }
}
