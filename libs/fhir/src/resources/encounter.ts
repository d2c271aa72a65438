import type {
  AnyRecordChangeDraft,
  CareSetting,
  CodedValue,
  EncounterClass,
  EncounterOutcome,
  RecordChangeSource,
} from '@crosscare/events';
import type { Coding, Encounter } from '@medplum/fhirtypes';
import {
  CROSSCARE_ENCOUNTER_CLASS,
  ICD_10,
  ODS_ORGANISATION_SYSTEM,
  ODS_SITE_SYSTEM,
  SNOMED_CT,
  UK_CORE_DISCHARGE_DESTINATION,
  V3_ACT_CODE,
} from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { firstCoding, mapCode, odsCodeOf, pickCoding } from '../mapping/codings';
import { containedResource } from '../mapping/contained';
import { instantOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';

/** HL7 v3 ActCode encounter classes, as UK Core binds Encounter.class. */
const ACT_CODE_CLASSES: Record<string, EncounterClass> = {
  IMP: 'INPATIENT',
  ACUTE: 'INPATIENT',
  NONAC: 'INPATIENT',
  SS: 'DAY_CASE',
  EMER: 'EMERGENCY',
  AMB: 'OUTPATIENT',
  PRENC: 'OUTPATIENT',
  OBSENC: 'OTHER',
  HH: 'HOME_VISIT',
  VR: 'VIRTUAL',
  FLD: 'AMBULANCE_INCIDENT',
};

/** Crosscare's extension codes are the EncounterClass symbols themselves. */
const CROSSCARE_CLASSES: Record<string, EncounterClass> = {
  INPATIENT: 'INPATIENT',
  DAY_CASE: 'DAY_CASE',
  OUTPATIENT: 'OUTPATIENT',
  EMERGENCY: 'EMERGENCY',
  AMBULANCE_INCIDENT: 'AMBULANCE_INCIDENT',
  COMMUNITY: 'COMMUNITY',
  HOME_VISIT: 'HOME_VISIT',
  VIRTUAL: 'VIRTUAL',
  PRIMARY_CARE: 'PRIMARY_CARE',
  OTHER: 'OTHER',
};

/** Only the classes that say which sector the contact is in; the rest depend on who provides the service. */
const SETTINGS_BY_CLASS: Record<string, CareSetting> = {
  IMP: 'ACUTE',
  ACUTE: 'ACUTE',
  SS: 'ACUTE',
  EMER: 'ACUTE',
  FLD: 'AMBULANCE',
};

const DISPOSITION_OUTCOMES: Record<string, EncounterOutcome> = {
  // http://terminology.hl7.org/CodeSystem/discharge-disposition
  home: 'DISCHARGED',
  'alt-home': 'DISCHARGED',
  'other-hcf': 'TRANSFERRED',
  hosp: 'TRANSFERRED',
  long: 'TRANSFERRED',
  psy: 'TRANSFERRED',
  rehab: 'TRANSFERRED',
  snf: 'TRANSFERRED',
  aadvice: 'LEFT_BEFORE_COMPLETION',
  exp: 'DIED',
  oth: 'OTHER',
  // SNOMED CT, as emergency care discharge destinations
  '306689006': 'DISCHARGED',
  '306706006': 'ADMITTED',
  '19712007': 'TRANSFERRED',
};

/** NHS Data Dictionary discharge destinations: home is a discharge, 79 a death, 98 not yet known. */
function dischargeDestinationOutcome(code: string): EncounterOutcome {
  if (code === '19' || code === '29') return 'DISCHARGED';
  if (code === '79') return 'DIED';
  if (code === '98' || code === '99') return 'OTHER';
  return 'TRANSFERRED';
}

/**
 * Encounter → EncounterStarted, plus EncounterEnded once finished (status finished or period.end). The class gives
 * the kind of contact; the care setting comes from the provider when the app knows it (a hospice's inpatient stay is
 * HOSPICE), else from the few classes that imply one, else OTHER.
 */
export function mapEncounter(encounter: Encounter, context: MappingContext): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    encounter,
    { element: 'subject', reference: encounter.subject },
    [[encounter.period?.start, `${at}.period.start`]],
    context,
  );
  if (encounter.status === ENTERED_IN_ERROR)
    return removedAsEnteredInError(source, 'EncounterStarted', context);

  if (encounter.period?.start === undefined) {
    issues.required(`${at}.period.start`, `${at}.period.start is required: when the contact started`);
  }
  const startedAt = instantOf(encounter.period?.start, `${at}.period.start`, issues);
  const ended = encounter.status === 'finished' || encounter.period?.end !== undefined;
  if (ended && encounter.period?.end === undefined) {
    issues.required(`${at}.period.end`, `${at}.period.end is required when the encounter is finished`);
  }
  const endedAt = instantOf(encounter.period?.end, `${at}.period.end`, issues);
  if (source === null || startedAt === null || !issues.isEmpty) return [];

  const drafts: AnyRecordChangeDraft[] = [encounterStarted(encounter, source, startedAt, context)];
  if (ended && endedAt !== null)
    drafts.push(encounterEnded(encounter, { ...source, occurredAt: endedAt }, endedAt));
  return drafts;
}

function encounterStarted(
  encounter: Encounter,
  source: RecordChangeSource,
  startedAt: number,
  context: MappingContext,
) {
  const classCode = encounter.class.code;
  const careSetting = context.careSetting ?? mapCode(classCode, SETTINGS_BY_CLASS, 'OTHER');
  const encounterClass = refineForSetting(encounterClassOf(encounter.class), careSetting);
  const away = encounterClass === 'HOME_VISIT' || encounterClass === 'VIRTUAL';
  const locations = (encounter.location ?? []).map((location) => location.location);
  return draft('EncounterStarted', source, {
    encounterClass,
    careSetting,
    startedAt,
    admissionSource: pickCoding(encounter.hospitalization?.admitSource),
    locationOdsCode: away
      ? null
      : (odsCodeOf(locations, ODS_SITE_SYSTEM) ??
        odsCodeOf([...locations, encounter.serviceProvider], ODS_ORGANISATION_SYSTEM)),
    specialty: firstCoding(encounter.serviceType ? [encounter.serviceType] : [], [SNOMED_CT]),
    reason: firstCoding(encounter.reasonCode, [SNOMED_CT]),
  });
}

function encounterEnded(encounter: Encounter, source: RecordChangeSource, endedAt: number) {
  const disposition = encounter.hospitalization?.dischargeDisposition;
  const destination = pickCoding(disposition, [UK_CORE_DISCHARGE_DESTINATION, SNOMED_CT]);
  return draft('EncounterEnded', source, {
    endedAt,
    outcome: outcomeOf(destination),
    dischargeDestination: destination,
    diagnoses: diagnosesOf(encounter),
  });
}

function encounterClassOf(coding: Coding): EncounterClass {
  if (coding.system === CROSSCARE_ENCOUNTER_CLASS) return mapCode(coding.code, CROSSCARE_CLASSES, 'OTHER');
  if (coding.system === undefined || coding.system === V3_ACT_CODE) {
    return mapCode(coding.code, ACT_CODE_CLASSES, 'OTHER');
  }
  return 'OTHER';
}

/** An ambulatory contact with a GP or pharmacy is a primary care consultation, with a community team a community one. */
function refineForSetting(encounterClass: EncounterClass, careSetting: CareSetting): EncounterClass {
  if (encounterClass !== 'OUTPATIENT') return encounterClass;
  if (careSetting === 'PRIMARY_CARE' || careSetting === 'PHARMACY') return 'PRIMARY_CARE';
  if (careSetting === 'COMMUNITY_HEALTH') return 'COMMUNITY';
  return encounterClass;
}

function outcomeOf(destination: CodedValue | null): EncounterOutcome {
  if (destination === null) return 'DISCHARGED';
  if (destination.system === UK_CORE_DISCHARGE_DESTINATION)
    return dischargeDestinationOutcome(destination.code);
  return mapCode(destination.code, DISPOSITION_OUTCOMES, 'OTHER');
}

/**
 * Diagnoses are references to Conditions; only those contained in the Encounter can be read here. A diagnosis that
 * is a Condition of its own reaches consumers as that Condition's ProblemRecorded.
 */
function diagnosesOf(encounter: Encounter): CodedValue[] {
  const ranked = [...(encounter.diagnosis ?? [])].sort(
    (a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER),
  );
  return ranked.flatMap((diagnosis) => {
    const condition = containedResource(encounter.contained, diagnosis.condition.reference, 'Condition');
    const code = pickCoding(condition?.code, [ICD_10, SNOMED_CT]);
    return code ? [code] : [];
  });
}
