export {
  CROSSCARE_CARE_SETTING,
  CROSSCARE_EXTENSIONS,
  CROSSCARE_SOCIAL_CARE_INVOLVEMENT,
  CROSSCARE_SOCIAL_CARE_RECORD_KIND,
  ONS_LOCAL_AUTHORITY_SYSTEM,
  sourceRecordSystem,
} from './crosscare-definitions';
export { renderRecordItem, type RenderOptions } from './render-record-item';
export { itemResourceId, patientResourceId } from './resource-ids';
export { RESTRICTED_LABEL } from './resources/episode-of-care';
export { renderSharedRecordBundle, type SharedRecordBundleInput } from './shared-record-bundle';
export type { SharedRecordItem } from './shared-record-items';
