import { REMOVED_EVENT_TYPES } from './mapping/record-removal';

/** The resource types Crosscare accepts, each mapped by its own module under resources/. */
export const FHIR_RESOURCE_TYPES = [
  'Patient',
  'Encounter',
  'Condition',
  'AllergyIntolerance',
  'MedicationRequest',
  'MedicationStatement',
  'MedicationDispense',
  'Observation',
  'Immunization',
  'CarePlan',
  'ServiceRequest',
  'Consent',
  'Flag',
  'DocumentReference',
  'DiagnosticReport',
  'Procedure',
] as const satisfies readonly (keyof typeof REMOVED_EVENT_TYPES)[];

export type FhirResourceType = (typeof FHIR_RESOURCE_TYPES)[number];

export function isSupportedResourceType(resourceType: string): resourceType is FhirResourceType {
  return (FHIR_RESOURCE_TYPES as readonly string[]).includes(resourceType);
}
