import {
  mapped,
  rejected,
  type AnyRecordChangeDraft,
  type CareSetting,
  type MappingResult,
} from '@crosscare/events';
import type { Hl7Message } from '@medplum/core';
import { parseEr7 } from '../er7/parse-er7';
import { SegmentReader } from '../er7/segment-reader';
import { isSupportedAdtTriggerEvent, type AdtTriggerEvent } from './adt-trigger-events';
import { readEventTimes } from './event-times';
import { requiredIssue, unsupportedIssue, type IssueList } from './issues';
import { readMessageControl, type MessageControl, type MessageControlOptions } from './message-control';
import { readPatientDeath } from './patient-death';
import { readPatientDetails, type PatientDetails } from './patient-details';
import { readPatientIdentifiers } from './patient-identifiers';
import {
  encounterEnded,
  encounterRemoved,
  encounterStarted,
  patientDetailsChanged,
  patientDied,
  patientMerged,
  patientRecordReplaced,
  patientRegistered,
  type DraftContext,
} from './record-change-drafts';
import { readDiagnoses, readVisit, type Visit, type VisitNeeds } from './visit';

export interface MapAdtOptions extends MessageControlOptions {
  /** The sector of care of the sending PAS, for EncounterStarted. Default ACUTE (a hospital PAS). */
  readonly careSetting?: CareSetting;
}

/** A valid ADT message: its control fields (for the ACK and authentication) and the record changes it carries. */
export interface AdtMapping {
  readonly control: MessageControl;
  readonly drafts: AnyRecordChangeDraft[];
}

/**
 * Maps one HL7 v2 ADT message (ER7 text) to record-change drafts, or to every problem found in it. Problems in MSH
 * are reported alone, since what the rest must hold depends on the trigger event.
 */
export function mapAdtMessage(er7: string, options: MapAdtOptions = {}): MappingResult<AdtMapping> {
  const parsed = parseEr7(er7);
  if (!parsed.ok) return parsed;
  const message = parsed.value;
  const control = readMessageControl(message, options);
  if (!control.ok) return control;
  const { messageType, triggerEvent } = control.value;
  if (messageType !== 'ADT' || !isSupportedAdtTriggerEvent(triggerEvent)) {
    return rejected(unsupportedIssue('MSH-9', `${messageType}^${triggerEvent} is not an ADT message`));
  }

  const issues: IssueList = [];
  const times = readEventTimes(SegmentReader.first(message, 'EVN'), control.value.sentAt, issues);
  const pid = SegmentReader.first(message, 'PID');
  if (!pid) {
    return rejected(...issues, requiredIssue('PID', 'the PID (patient identification) segment is required'));
  }
  const patient = readPatientIdentifiers(pid, 3, 'PID-3', issues);
  const death = readPatientDeath(pid, issues);
  const buildDrafts = TRIGGER_EVENT_MAPPERS[triggerEvent]({ message, pid, issues });

  if (issues.length > 0 || !times || !patient || death === undefined || !buildDrafts) {
    return rejected(...issues);
  }
  const context: DraftContext = { patient, times, careSetting: options.careSetting ?? 'ACUTE' };
  const drafts: AnyRecordChangeDraft[] = buildDrafts(context);
  if (death) drafts.push(patientDied(context, death));
  return mapped({ control: control.value, drafts });
}

interface TriggerEventInput {
  readonly message: Hl7Message;
  readonly pid: SegmentReader;
  readonly issues: IssueList;
}

type DraftBuilder = (context: DraftContext) => AnyRecordChangeDraft[];

/** Validates what the trigger event needs (adding to `issues`) and returns how to build its drafts, or null. */
type TriggerEventMapper = (input: TriggerEventInput) => DraftBuilder | null;

const STARTED: VisitNeeds = { encounterClass: true, admittedAt: true, location: 'if-sent' };

const TRIGGER_EVENT_MAPPERS: Record<AdtTriggerEvent, TriggerEventMapper> = {
  // Admit and register start the encounter; the class comes from PV1-2, so an A01 day case is a DAY_CASE.
  A01: (input) => encounter(input, STARTED, (context, visit) => [encounterStarted(context, visit, 'CREATE')]),
  A04: (input) => encounter(input, STARTED, (context, visit) => [encounterStarted(context, visit, 'CREATE')]),
  // A transfer is the same encounter (same visit number, same record) at a new location.
  A02: (input) =>
    encounter(input, { ...STARTED, location: 'required' }, (context, visit) => [
      encounterStarted(context, visit, 'UPDATE'),
    ]),
  A03: (input) =>
    encounter(input, { dischargedAt: true }, (context, visit) => [
      encounterEnded(context, visit, readDiagnoses(input.message)),
    ]),
  // Cancel admit: the encounter never happened, so its record is removed rather than ended.
  A11: (input) => encounter(input, {}, (context, visit) => [encounterRemoved(context, visit)]),
  // Cancel discharge: the encounter is current again. A later EncounterStarted version of the same record supersedes
  // the EncounterEnded; removing the record instead would remove the encounter itself.
  A13: (input) => encounter(input, STARTED, (context, visit) => [encounterStarted(context, visit, 'UPDATE')]),
  A08: updatePatientInformation,
  A28: (input) => patient(input, (context, details) => [patientRegistered(context, details)]),
  A31: (input) => patient(input, (context, details) => [patientDetailsChanged(context, details)]),
  A40: mergePatient,
};

function encounter(
  { message, issues }: TriggerEventInput,
  needs: VisitNeeds,
  build: (context: DraftContext, visit: Visit) => AnyRecordChangeDraft[],
): DraftBuilder | null {
  const visit = readVisit(SegmentReader.first(message, 'PV1'), needs, issues);
  return visit && ((context) => build(context, visit));
}

function patient(
  { message, pid, issues }: TriggerEventInput,
  build: (context: DraftContext, details: PatientDetails) => AnyRecordChangeDraft[],
): DraftBuilder | null {
  const details = readPatientDetails(pid, SegmentReader.first(message, 'PD1'), issues);
  return details && ((context) => build(context, details));
}

/**
 * A08 is sent for any change to the patient or the visit. It always yields PatientDetailsChanged; when PV1 names a
 * visit with an admit time (PV1-19 and PV1-44), the encounter's current state as well: EncounterStarted, or
 * EncounterEnded once PV1-45 holds a discharge time. An A08 without a current visit (PV1 empty or PV1-2 N) changes
 * the patient only.
 */
function updatePatientInformation(input: TriggerEventInput): DraftBuilder | null {
  const buildPatient = patient(input, (context, details) => [patientDetailsChanged(context, details)]);
  const pv1 = SegmentReader.first(input.message, 'PV1');
  const hasVisit =
    pv1 !== null && pv1.text(19) !== '' && pv1.text(44) !== '' && pv1.text(2).toUpperCase() !== 'N';
  if (!hasVisit) return buildPatient;
  const discharged = pv1.text(45) !== '';
  const buildEncounter = discharged
    ? encounter(input, { dischargedAt: true }, (context, visit) => [
        encounterEnded(context, visit, readDiagnoses(input.message)),
      ])
    : encounter(input, STARTED, (context, visit) => [encounterStarted(context, visit, 'UPDATE')]);
  return (
    buildPatient && buildEncounter && ((context) => [...buildPatient(context), ...buildEncounter(context)])
  );
}

/** A40: PID names the surviving patient, MRG-1 the retired identifiers, with their NHS number. */
function mergePatient({ message, issues }: TriggerEventInput): DraftBuilder | null {
  const mrg = SegmentReader.first(message, 'MRG');
  if (!mrg) {
    issues.push(requiredIssue('MRG', 'the MRG (merge patient information) segment is required for A40'));
    return null;
  }
  const retired = readPatientIdentifiers(mrg, 1, 'MRG-1', issues);
  if (!retired) return null;
  return (context) => {
    if (retired.nhsNumber !== context.patient.nhsNumber) return [patientMerged(context, retired)];
    if (retired.recordId !== context.patient.recordId) return [patientRecordReplaced(context, retired)];
    return []; // the record merged into itself: nothing changes
  };
}
