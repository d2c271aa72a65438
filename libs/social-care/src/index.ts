export type { Council, CouncilNameLookup } from './council';
export { SOCIAL_CARE_SOURCE_PREFIX } from './social-care-drafts';
export { RECOMMENDED_MAX_RECORDS, type SocialCareMappingOptions } from './social-care-extract';
export { mapSocialCareJson } from './social-care-json';
export { mapSocialCareCsv, SOCIAL_CARE_CSV_COLUMNS } from './social-care-csv';
export { SOCIAL_CARE_RECORD_KINDS, SOCIAL_CARE_STATUSES, SOCIAL_CARE_TYPES } from './social-care-record';
