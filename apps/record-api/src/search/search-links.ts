import { NHS_NUMBER_SYSTEM, type SearchableResourceType, type SearchedSection } from '@crosscare/fhir';

/**
 * Where a patient's history is searched, as links the answers carry. `base` is RECORD_API_PUBLIC_URL without a
 * trailing slash, or '' for links relative to the record API's own root.
 */
export function sectionSearchUrl(base: string, nhsNumber: string, section: SearchedSection): string {
  return `${base}/patients/${encodeURIComponent(nhsNumber)}/record?section=${encodeURIComponent(section)}`;
}

/** The FHIR search of one resource type of a patient's history, newest first. */
export function fhirSearchUrl(base: string, resourceType: SearchableResourceType, nhsNumber: string): string {
  const patient = encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${nhsNumber}`);
  return `${base}/fhir/${resourceType}?patient.identifier=${patient}&_sort=-date`;
}
