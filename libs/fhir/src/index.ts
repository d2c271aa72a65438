export * from './fhir-systems';
export { FHIR_RESOURCE_TYPES, type FhirResourceType, isSupportedResourceType } from './resource-types';
export { mapFhirResource, mapMedicationProduct, type FhirMappingOptions } from './map-fhir-resource';
export type { EarlierMedications, MedicationIndex } from './mapping/medication';
export type { EarlierPatients, PatientIndex } from './mapping/patient-identity';
export { literalPatientRecord } from './mapping/patient-identity';
export { declaredVersion } from './mapping/record-source';
export { canonicalContent, medicationRecordsReferenced, patientRecordsReferenced } from './versioning';
export { REMOVED_EVENT_TYPES } from './mapping/record-removal';
export { fhirDeleteDraft } from './delete-draft';
export {
  END_OF_LIFE_EXTENSIONS,
  DNACPR_DECISION_CODES,
  LASTING_POWER_OF_ATTORNEY_CODES,
  PREFERRED_PLACE_OF_DEATH_CODES,
} from './resources/end-of-life-preferences';
export {
  bundleEntryCount,
  bundleWrites,
  planBundle,
  type BundleWrite,
  type BundleEntryPlan,
  type BundlePlan,
  type BundlePlanOptions,
  type DeleteEntryPlan,
  type RejectedEntryPlan,
  type WriteEntryPlan,
} from './bundle/plan-bundle';
export { bundlePatientIndex } from './bundle/bundle-patient-index';
export {
  bundleMedicationIndex,
  planBundleMedications,
  type MedicationEntryOutcome,
  type MedicationEntryPlan,
} from './bundle/bundle-medications';
export { operationOutcome, type IssueSeverity } from './responses/operation-outcome';
export { batchResponse, transactionResponse, type ResponseEntry } from './responses/bundle-response';
export { httpStatusForIssues, statusLine } from './responses/http-status';
export { ensureR4DefinitionsLoaded } from './validation/structural-validation';
export { fhirJsonToXml, fhirXmlToJson, FhirXmlError, MAX_XML_DEPTH } from './xml/fhir-xml';
export * from './render';
export * from './search/searchable-resources';
export * from './search/search-index';
