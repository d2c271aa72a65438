import type {
  CareSetting,
  EncounterClass,
  EncounterEnded,
  EncounterOutcome,
  EncounterStarted,
} from '@crosscare/events';
import type {
  CodeableConcept,
  Coding,
  Condition,
  Encounter,
  EncounterDiagnosis,
  EncounterHospitalization,
  EncounterLocation,
  Location,
  Reference,
} from '@medplum/fhirtypes';
import { CROSSCARE_ENCOUNTER_CLASS, ODS_SITE_SYSTEM, SNOMED_CT, V3_ACT_CODE } from '../../fhir-systems';
import { CROSSCARE_CARE_SETTING } from '../crosscare-definitions';
import {
  codeableConcept,
  conceptFrom,
  fhirInstant,
  nonEmpty,
  optional,
  organisationReference,
  patientReference,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

/** An encounter's start and end share a source record and are one Encounter; either may not have arrived yet. */
export type EncounterParts =
  | { readonly started: EncounterStarted; readonly ended: EncounterEnded | null }
  | { readonly started: null; readonly ended: EncounterEnded };

/**
 * v3 ActCode where it has the class, as UK Core binds Encounter.class; Crosscare's own code system (whose codes are
 * the EncounterClass symbols) for the classes ActCode cannot say, as the forward mapper reads them.
 */
const CLASSES: Record<EncounterClass, Coding> = {
  INPATIENT: { system: V3_ACT_CODE, code: 'IMP', display: 'inpatient encounter' },
  DAY_CASE: { system: V3_ACT_CODE, code: 'SS', display: 'short stay' },
  OUTPATIENT: { system: V3_ACT_CODE, code: 'AMB', display: 'ambulatory' },
  EMERGENCY: { system: V3_ACT_CODE, code: 'EMER', display: 'emergency' },
  AMBULANCE_INCIDENT: { system: V3_ACT_CODE, code: 'FLD', display: 'field' },
  HOME_VISIT: { system: V3_ACT_CODE, code: 'HH', display: 'home health' },
  VIRTUAL: { system: V3_ACT_CODE, code: 'VR', display: 'virtual' },
  COMMUNITY: { system: CROSSCARE_ENCOUNTER_CLASS, code: 'COMMUNITY', display: 'Community' },
  PRIMARY_CARE: { system: CROSSCARE_ENCOUNTER_CLASS, code: 'PRIMARY_CARE', display: 'Primary care' },
  OTHER: { system: CROSSCARE_ENCOUNTER_CLASS, code: 'OTHER', display: 'Other' },
};

/** Encounter.class is required; an end whose start has not arrived says so rather than guessing a class. */
const UNKNOWN_CLASS: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor',
  code: 'UNK',
  display: 'unknown',
};

const CARE_SETTINGS: Record<CareSetting, string> = {
  PRIMARY_CARE: 'Primary care',
  ACUTE: 'Acute care',
  MENTAL_HEALTH: 'Mental health',
  COMMUNITY_HEALTH: 'Community health',
  AMBULANCE: 'Ambulance',
  SOCIAL_CARE: 'Social care',
  HOSPICE: 'Hospice',
  CARE_HOME: 'Care home',
  PHARMACY: 'Pharmacy',
  OTHER: 'Other',
};

const DISCHARGE_DISPOSITION = 'http://terminology.hl7.org/CodeSystem/discharge-disposition';
/**
 * R4 has no element for how an encounter ended besides the discharge disposition, so an outcome without a recorded
 * destination is shown as the disposition that says it. A plain discharge needs none: it is what an ended encounter
 * without a disposition means.
 */
const OUTCOME_DISPOSITIONS: Record<EncounterOutcome, CodeableConcept | undefined> = {
  DISCHARGED: undefined,
  TRANSFERRED: conceptFrom(DISCHARGE_DISPOSITION, 'other-hcf', 'Other healthcare facility'),
  ADMITTED: conceptFrom(SNOMED_CT, '306706006', 'Discharge to ward'),
  LEFT_BEFORE_COMPLETION: conceptFrom(DISCHARGE_DISPOSITION, 'aadvice', 'Left against advice'),
  DIED: conceptFrom(DISCHARGE_DISPOSITION, 'exp', 'Expired'),
  OTHER: conceptFrom(DISCHARGE_DISPOSITION, 'oth', 'Other'),
};

/** An Encounter is in progress until its end arrives, and finished from then. */
export const encounterStatus = (ended: boolean): Encounter['status'] => (ended ? 'finished' : 'in-progress');

/**
 * EncounterStarted and its EncounterEnded → one Encounter, finished once ended. meta and identifier follow the
 * latest version of the source record either part carries.
 */
export function renderEncounter(parts: EncounterParts, context: RenderContext): Encounter {
  const { started, ended } = parts;
  const latest = latestPart(parts);
  const hospitalization: EncounterHospitalization = {
    ...optional('admitSource', started?.admissionSource && codeableConcept(started.admissionSource)),
    ...optional('dischargeDisposition', ended && dischargeDisposition(ended)),
  };
  const diagnoses = ended?.diagnoses ?? [];
  return {
    resourceType: 'Encounter',
    ...itemFrame(latest.header, 'Encounter'),
    ...nonEmpty(
      'contained',
      diagnoses.map((code, i): Condition => ({
        resourceType: 'Condition',
        id: diagnosisId(i),
        code: codeableConcept(code),
        subject: patientReference(context.nhsNumber),
      })),
    ),
    status: encounterStatus(ended !== null),
    class: started === null ? UNKNOWN_CLASS : CLASSES[started.encounterClass],
    ...optional('type', started && [careSetting(started.careSetting)]),
    ...optional('serviceType', started?.specialty && codeableConcept(started.specialty)),
    subject: patientReference(context.nhsNumber),
    period: {
      ...optional('start', started && fhirInstant(started.startedAt)),
      ...optional('end', ended && fhirInstant(ended.endedAt)),
    },
    ...optional('reasonCode', started?.reason && [codeableConcept(started.reason)]),
    ...nonEmpty(
      'diagnosis',
      diagnoses.map((_, i): EncounterDiagnosis => ({
        condition: { reference: `#${diagnosisId(i)}` },
        rank: i + 1,
      })),
    ),
    ...(Object.keys(hospitalization).length > 0 ? { hospitalization } : {}),
    ...optional('location', siteLocation(started?.locationOdsCode ?? null, context)),
    serviceProvider: organisationReference(
      latest.header.providerOdsCode,
      context.providerName(latest.header.providerOdsCode),
    ),
  };
}

/** Diagnoses are codes in the event; R4 wants Conditions, so each becomes a contained one (ranked, primary first). */
const diagnosisId = (index: number): string => `diagnosis-${index + 1}`;

/** The part carrying the later version of the source record (the later accepted, when both carry the same). */
function latestPart(parts: EncounterParts): EncounterStarted | EncounterEnded {
  if (parts.started === null) return parts.ended;
  if (parts.ended === null) return parts.started;
  const [started, ended] = [parts.started.header, parts.ended.header];
  const endedIsNewer =
    ended.sourceRecordVersion !== started.sourceRecordVersion
      ? ended.sourceRecordVersion > started.sourceRecordVersion
      : ended.recordedAt >= started.recordedAt;
  return endedIsNewer ? parts.ended : parts.started;
}

/** The sector of care has no Encounter element; as a type coding it stays visible without a Crosscare extension. */
function careSetting(setting: CareSetting): CodeableConcept {
  return { coding: [{ system: CROSSCARE_CARE_SETTING, code: setting, display: CARE_SETTINGS[setting] }] };
}

function dischargeDisposition(ended: EncounterEnded): CodeableConcept | undefined {
  return ended.dischargeDestination === null
    ? OUTCOME_DISPOSITIONS[ended.outcome]
    : codeableConcept(ended.dischargeDestination);
}

function siteLocation(odsSiteCode: string | null, context: RenderContext): EncounterLocation[] | null {
  if (odsSiteCode === null) return null;
  const location: Reference<Location> = {
    type: 'Location',
    identifier: { system: ODS_SITE_SYSTEM, value: odsSiteCode },
    ...optional('display', context.providerName(odsSiteCode)),
  };
  return [{ location }];
}
