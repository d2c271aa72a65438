import type { CodedValue, EncounterOutcome } from '@crosscare/events';

/** Code systems of the NHS Data Dictionary values a UK PAS sends in PV1, as UK Core and NHS England FHIR name them. */
export const CODE_SYSTEMS = {
  sourceOfAdmission: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-SourceOfAdmissionEngland',
  dischargeDestination: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DischargeDestinationEngland',
  treatmentFunction: 'https://fhir.nhs.uk/CodeSystem/NHSDataModelAndDictionary-treatment-function',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  snomedCt: 'http://snomed.info/sct',
} as const;

/**
 * A national code, or null for anything else. PAS feeds mix national codes with local ones they never map; a local
 * code in an optional field is dropped rather than rejecting the admission it came with.
 */
export function nationalCode(system: string, code: string, pattern: RegExp): CodedValue | null {
  return pattern.test(code) ? { system, code, display: null } : null;
}

/** NHS Data Dictionary source of admission (PV1-14), e.g. 19 usual place of residence. */
export const sourceOfAdmission = (code: string) =>
  nationalCode(CODE_SYSTEMS.sourceOfAdmission, code, /^\d{2}$/);

/** NHS Data Dictionary discharge destination (PV1-37), e.g. 19 usual place of residence. */
export const dischargeDestination = (code: string) =>
  nationalCode(CODE_SYSTEMS.dischargeDestination, code, /^\d{2}$/);

/** NHS Data Dictionary treatment function (PV1-10 hospital service), e.g. 300 general internal medicine. */
export const treatmentFunction = (code: string) =>
  nationalCode(CODE_SYSTEMS.treatmentFunction, code, /^\d{3}$/);

/** Discharge destinations that are another hospital: the stay ended by transfer. */
const TRANSFER_DESTINATIONS = ['49', '50', '51', '52', '53', '84', '87'];

/**
 * How a stay ended, from the NHS Data Dictionary discharge method (PV1-36: 1 clinical advice, 2 self-discharge,
 * 3 by a court or tribunal, 4 died, 5 stillbirth) and discharge destination (PV1-37: 79 died, 49-53/84/87 another
 * hospital).
 */
export function encounterOutcome(dischargeMethod: string, destination: string): EncounterOutcome {
  if (dischargeMethod === '4' || dischargeMethod === '5' || destination === '79') return 'DIED';
  if (TRANSFER_DESTINATIONS.includes(destination)) return 'TRANSFERRED';
  if (dischargeMethod === '2') return 'LEFT_BEFORE_COMPLETION';
  return 'DISCHARGED';
}

/** DG1-3.3 (or DG1-2) coding system names senders use, to the CodedValue system. */
const DIAGNOSIS_SYSTEMS: Record<string, string> = {
  I10: CODE_SYSTEMS.icd10,
  ICD10: CODE_SYSTEMS.icd10,
  'ICD-10': CODE_SYSTEMS.icd10,
  SCT: CODE_SYSTEMS.snomedCt,
  SNOMED: CODE_SYSTEMS.snomedCt,
  SNOMEDCT: CODE_SYSTEMS.snomedCt,
  'SNOMED-CT': CODE_SYSTEMS.snomedCt,
};

export function diagnosisCodeSystem(name: string): string | null {
  return DIAGNOSIS_SYSTEMS[name.toUpperCase()] ?? null;
}
