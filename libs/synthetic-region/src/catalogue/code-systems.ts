import type { CodedValue, Quantity } from '@crosscare/events';

/** The code systems the region's events use, as CodedValue.system documents them. */
const CODE_SYSTEMS = {
  snomedCt: 'http://snomed.info/sct',
  dmd: 'https://dmd.nhs.uk',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  loinc: 'http://loinc.org',
  treatmentFunction: 'https://fhir.nhs.uk/CodeSystem/NHSDataModelAndDictionary-treatment-function',
  sourceOfAdmission: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-SourceOfAdmissionEngland',
  dischargeDestination: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DischargeDestinationEngland',
} as const;

/**
 * Catalogue values are shared by every event that uses them, so they are frozen: a consumer that edits an event
 * in place fails loudly instead of quietly changing every other event of the region.
 */
const coded = (system: string, code: string, display: string): CodedValue =>
  Object.freeze({ system, code, display });

export const snomed = (code: string, display: string) => coded(CODE_SYSTEMS.snomedCt, code, display);
export const dmd = (code: string, display: string) => coded(CODE_SYSTEMS.dmd, code, display);
export const icd10 = (code: string, display: string) => coded(CODE_SYSTEMS.icd10, code, display);
export const loinc = (code: string, display: string) => coded(CODE_SYSTEMS.loinc, code, display);
export const treatmentFunction = (code: string, display: string) =>
  coded(CODE_SYSTEMS.treatmentFunction, code, display);
export const sourceOfAdmission = (code: string, display: string) =>
  coded(CODE_SYSTEMS.sourceOfAdmission, code, display);
export const dischargeDestination = (code: string, display: string) =>
  coded(CODE_SYSTEMS.dischargeDestination, code, display);

export const quantity = (value: number, unit: string, ucumCode: string | null): Quantity =>
  Object.freeze({ value, unit, ucumCode });
