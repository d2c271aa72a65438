export * from './record-item';
export * from './supersedes';
export * from './item-key';
export * from './project-event';
export * from './plan-batch';
export * from './patient-record';
export * from './shared-record-view';
export type * from './view/alert-view';
export type * from './view/clinical-view';
export type * from './view/document-view';
export type * from './view/encounter-view';
export type * from './view/patient-view';
export type * from './view/provenance';
export type * from './view/readable';
export type * from './view/social-care-view';
export type * from './view/sharing-objection-view';
export type * from './view/result-view';
export type * from './view/procedure-view';
export { activeSharingObjection } from './view/sharing-objection-view';
export { isRestrictedInvolvement } from './view/social-care-view';
export * from './view/record-filter';
export * from './view/relationship-evidence';
export {
  MAX_DISPENSINGS,
  MAX_OBSERVATIONS,
  allergyEntryOf,
  carePlanEntryOf,
  dispensingEntryOf,
  immunisationEntryOf,
  observationEntryOf,
  prescriptionEntryOf,
  problemEntryOf,
  referralEntryOf,
} from './view/clinical-view';
export { MAX_RESULT_REPORTS, resultReportEntryOf } from './view/result-view';
export { documentEntryOf } from './view/document-view';
export { encounterEntryOf } from './view/encounter-view';
export { procedureEntryOf } from './view/procedure-view';
export * from './view/shortened-sections';
export * from './changelog-message';
export * from './changelog-key';
export * from './changelog-fold';
