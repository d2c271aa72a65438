import type { CodedValue } from '@crosscare/events';
import type { ProviderType } from '@crosscare/governance';
import { treatmentFunction } from './code-systems';

/** Which kind of provider runs a service; a name pattern picks, say, the children's hospital among specialists. */
export interface ProviderPreference {
  readonly type: ProviderType;
  readonly named?: RegExp;
}

/** A specialty as referrals and hospital episodes name it (NHS Data Dictionary treatment function). */
export interface Service {
  readonly specialty: CodedValue;
  /** Tried in order, each from the nearest ICS that has one. */
  readonly providers: readonly ProviderPreference[];
}

const ACUTE: readonly ProviderPreference[] = [{ type: 'ACUTE_TRUST' }];
const MENTAL_HEALTH: readonly ProviderPreference[] = [{ type: 'MENTAL_HEALTH_TRUST' }];

const service = (code: string, display: string, providers = ACUTE): Service =>
  Object.freeze({ specialty: treatmentFunction(code, display), providers });

export const SERVICES = {
  emergencyMedicine: service('180', 'Emergency medicine'),
  generalInternalMedicine: service('300', 'General internal medicine'),
  cardiology: service('320', 'Cardiology'),
  respiratory: service('340', 'Respiratory medicine'),
  geriatricMedicine: service('430', 'Geriatric medicine'),
  generalSurgery: service('100', 'General surgery'),
  traumaAndOrthopaedics: service('110', 'Trauma and orthopaedics', [
    { type: 'SPECIALIST_TRUST', named: /orthopaedic/i },
    { type: 'ACUTE_TRUST' },
  ]),
  paediatrics: service('420', 'Paediatrics', [
    { type: 'SPECIALIST_TRUST', named: /children/i },
    { type: 'ACUTE_TRUST' },
  ]),
  diabetes: service('307', 'Diabetes medicine'),
  nephrology: service('361', 'Nephrology'),
  neurology: service('400', 'Neurology'),
  gastroenterology: service('301', 'Gastroenterology'),
  urology: service('101', 'Urology'),
  breastSurgery: service('103', 'Breast surgery'),
  clinicalOncology: service('800', 'Clinical oncology'),
  ent: service('120', 'Ear, nose and throat'),
  dermatology: service('330', 'Dermatology'),
  ophthalmology: service('130', 'Ophthalmology'),
  gynaecology: service('502', 'Gynaecology'),
  adultMentalIllness: service('710', 'Adult mental illness', MENTAL_HEALTH),
  childAndAdolescentPsychiatry: service('711', 'Child and adolescent psychiatry', MENTAL_HEALTH),
  oldAgePsychiatry: service('715', 'Old age psychiatry', MENTAL_HEALTH),
  palliativeMedicine: service('315', 'Palliative medicine', [{ type: 'HOSPICE' }]),
  communityNursing: service('950', 'Nursing episode', [{ type: 'COMMUNITY_TRUST' }]),
} as const satisfies Record<string, Service>;
