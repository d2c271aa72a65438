import type {
  CareSetting,
  CodedValue,
  RecordChangeDraft,
  RecordChangeSource,
  RecordOperation,
} from '@crosscare/events';
import type { EventTimes } from './event-times';
import type { PatientDeath } from './patient-death';
import type { PatientDetails } from './patient-details';
import type { PatientIdentifiers } from './patient-identifiers';
import type { Visit } from './visit';

/** What every draft from one message shares: the patient it is about and the message's times. */
export interface DraftContext {
  readonly patient: PatientIdentifiers;
  readonly times: EventTimes;
  readonly careSetting: CareSetting;
}

export function draftSource(
  context: DraftContext,
  sourceRecordId: string,
  operation: RecordOperation,
): RecordChangeSource {
  return {
    nhsNumber: context.patient.nhsNumber,
    sourceRecordId,
    sourceRecordVersion: context.times.version,
    operation,
    occurredAt: context.times.occurredAt,
  };
}

export function encounterStarted(
  context: DraftContext,
  visit: Visit,
  operation: RecordOperation,
): RecordChangeDraft<'EncounterStarted'> {
  return {
    type: 'EncounterStarted',
    source: draftSource(context, visit.recordId, operation),
    body: {
      encounterClass: visit.encounterClass ?? 'OTHER',
      careSetting: context.careSetting,
      startedAt: visit.admittedAt ?? context.times.occurredAt,
      admissionSource: visit.admissionSource,
      locationOdsCode: visit.locationOdsCode,
      specialty: visit.specialty,
      reason: null,
    },
  };
}

export function encounterEnded(
  context: DraftContext,
  visit: Visit,
  diagnoses: CodedValue[],
): RecordChangeDraft<'EncounterEnded'> {
  return {
    type: 'EncounterEnded',
    source: draftSource(context, visit.recordId, 'UPDATE'),
    body: {
      endedAt: visit.dischargedAt ?? context.times.occurredAt,
      outcome: visit.outcome,
      dischargeDestination: visit.dischargeDestination,
      diagnoses,
    },
  };
}

export function encounterRemoved(context: DraftContext, visit: Visit): RecordChangeDraft<'RecordRemoved'> {
  return {
    type: 'RecordRemoved',
    source: draftSource(context, visit.recordId, 'DELETE'),
    body: {
      removedEventType: 'EncounterStarted',
      removedSourceRecordId: visit.recordId,
      reason: 'ENTERED_IN_ERROR',
      replacedBySourceRecordId: null,
    },
  };
}

export function patientRegistered(
  context: DraftContext,
  details: PatientDetails,
): RecordChangeDraft<'PatientRegistered'> {
  return {
    type: 'PatientRegistered',
    source: draftSource(context, context.patient.recordId, 'CREATE'),
    body: { ...details },
  };
}

export function patientDetailsChanged(
  context: DraftContext,
  details: PatientDetails,
): RecordChangeDraft<'PatientDetailsChanged'> {
  return {
    type: 'PatientDetailsChanged',
    source: draftSource(context, context.patient.recordId, 'UPDATE'),
    // ADT says that something changed, never what: changedDetails stays empty as the schema allows.
    body: { ...details, changedDetails: [] },
  };
}

export function patientDied(context: DraftContext, death: PatientDeath): RecordChangeDraft<'PatientDied'> {
  return {
    type: 'PatientDied',
    source: draftSource(context, context.patient.recordId, 'UPDATE'),
    body: {
      dateOfDeath: death.dateOfDeath,
      timeOfDeath: death.timeOfDeath,
      notificationStatus: 'INFORMAL', // a provider's record; FORMAL comes only from the registrar via PDS
      placeOfDeath: null,
    },
  };
}

export function patientMerged(
  context: DraftContext,
  retired: PatientIdentifiers,
): RecordChangeDraft<'PatientMerged'> {
  return {
    type: 'PatientMerged',
    source: draftSource(context, context.patient.recordId, 'UPDATE'),
    body: {
      retiredNhsNumber: retired.nhsNumber,
      survivingNhsNumber: context.patient.nhsNumber,
      retiredSourceRecordId: retired.recordId === context.patient.recordId ? null : retired.recordId,
      // A PAS merges the duplicate registrations it finds; a superseded NHS number is PDS's news, not the PAS's.
      reason: 'DUPLICATE_REGISTRATION',
    },
  };
}

/**
 * Two local records of one NHS number merged: no NHS number is retired, so this is not a PatientMerged (whose
 * retired number consumers stop using). The retired local record is removed in favour of the surviving one.
 */
export function patientRecordReplaced(
  context: DraftContext,
  retired: PatientIdentifiers,
): RecordChangeDraft<'RecordRemoved'> {
  return {
    type: 'RecordRemoved',
    source: draftSource(context, retired.recordId, 'DELETE'),
    body: {
      removedEventType: 'PatientRegistered',
      removedSourceRecordId: retired.recordId,
      reason: 'DELETED_AT_SOURCE',
      replacedBySourceRecordId: context.patient.recordId,
    },
  };
}
