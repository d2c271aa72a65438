import type { EventType, RecordChangeDraft, RemovalReason } from '@crosscare/events';
import type { RecordChangeSource } from '@crosscare/events';
import { draft } from './mapping-context';

/**
 * The event type each resource type normally becomes, i.e. what a RecordRemoved for it withdraws. A CarePlan is
 * CarePlanRecorded unless it is an advance care plan; callers that know better pass the type they shared.
 */
export const REMOVED_EVENT_TYPES = {
  Patient: 'PatientRegistered',
  Encounter: 'EncounterStarted',
  Condition: 'ProblemRecorded',
  AllergyIntolerance: 'AllergyRecorded',
  MedicationRequest: 'MedicationPrescribed',
  MedicationStatement: 'MedicationPrescribed',
  MedicationDispense: 'MedicationDispensed',
  Observation: 'ObservationRecorded',
  Immunization: 'ImmunisationRecorded',
  CarePlan: 'CarePlanRecorded',
  ServiceRequest: 'ReferralMade',
  Consent: 'SharingObjectionRecorded',
  Flag: 'AlertRecorded',
  DocumentReference: 'DocumentRecorded',
  DiagnosticReport: 'DiagnosticReportIssued',
  Procedure: 'ProcedureRecorded',
} as const satisfies Record<string, EventType>;

export function recordRemoved(
  source: RecordChangeSource,
  removedEventType: EventType,
  reason: RemovalReason,
): RecordChangeDraft<'RecordRemoved'> {
  return draft(
    'RecordRemoved',
    { ...source, operation: 'DELETE' },
    {
      removedEventType,
      removedSourceRecordId: source.sourceRecordId,
      reason,
      replacedBySourceRecordId: null,
    },
  );
}
