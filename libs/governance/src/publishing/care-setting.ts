import type { CareSetting } from '@crosscare/events';
import type { ProviderType } from '../directory/provider';

const CARE_SETTINGS: Readonly<Record<ProviderType, CareSetting>> = {
  GP_PRACTICE: 'PRIMARY_CARE',
  ACUTE_TRUST: 'ACUTE',
  MENTAL_HEALTH_TRUST: 'MENTAL_HEALTH',
  COMMUNITY_TRUST: 'COMMUNITY_HEALTH',
  // Specialist trusts (children's, orthopaedic, cancer) run hospital services.
  SPECIALIST_TRUST: 'ACUTE',
  AMBULANCE_TRUST: 'AMBULANCE',
  HOSPICE: 'HOSPICE',
  CARE_HOME: 'CARE_HOME',
  LOCAL_AUTHORITY: 'SOCIAL_CARE',
  COMMUNITY_PHARMACY: 'PHARMACY',
};

/**
 * The sector of care a provider's encounters take place in. Formats rarely say (an HL7 PV1 or a FHIR Encounter
 * describes the contact, not the sector), but the directory knows what kind of organisation sent them.
 */
export function careSettingOf(type: ProviderType): CareSetting {
  return CARE_SETTINGS[type];
}
