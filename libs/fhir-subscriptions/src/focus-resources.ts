import type { RecordChangeHeader } from '@crosscare/events';
import { type ItemEventType, isItemEventType } from '@crosscare/projection';
import { itemResourceId, patientResourceId } from '@crosscare/fhir';

/** A resource a notification is about, as the record API's FHIR rendering names it. */
export interface FocusResource {
  readonly resourceType: string;
  readonly id: string;
}

/**
 * The resource type each item event renders as (libs/fhir/src/render/render-record-item.ts). A death is shown on the
 * Patient, end of life preferences as an advance care plan (a CarePlan).
 */
export const FOCUS_RESOURCE_TYPE: { readonly [T in ItemEventType]: string } = {
  PatientRegistered: 'Patient',
  PatientDetailsChanged: 'Patient',
  PatientDied: 'Patient',
  ProblemRecorded: 'Condition',
  AllergyRecorded: 'AllergyIntolerance',
  MedicationPrescribed: 'MedicationRequest',
  MedicationDispensed: 'MedicationDispense',
  EncounterStarted: 'Encounter',
  EncounterEnded: 'Encounter',
  ObservationRecorded: 'Observation',
  ImmunisationRecorded: 'Immunization',
  CarePlanRecorded: 'CarePlan',
  ReferralMade: 'ServiceRequest',
  SocialCareInvolvementRecorded: 'EpisodeOfCare',
  EndOfLifePreferencesRecorded: 'CarePlan',
  SharingObjectionRecorded: 'Consent',
  AlertRecorded: 'Flag',
  DocumentRecorded: 'DocumentReference',
  DiagnosticReportIssued: 'DiagnosticReport',
  ProcedureRecorded: 'Procedure',
};

/** The Patient of an NHS number: its id follows the number, not whichever provider's details it shows. */
export const patientFocus = (nhsNumber: string): FocusResource => ({
  resourceType: 'Patient',
  id: patientResourceId(nhsNumber),
});

/**
 * The resource an item event of `eventType` about this header's record is shown as: the same id the record API
 * gives it, so a subscriber can read the focus there. An encounter's start
 * and end are one Encounter (the renderer's part 'Encounter'); every other item is its own event type's part.
 * Undefined for event types that set no item (RecordRemoved, PatientMerged, a type this build does not know).
 */
export function focusOf(eventType: string, header: RecordChangeHeader): FocusResource | undefined {
  if (!isItemEventType(eventType)) return undefined;
  const resourceType = FOCUS_RESOURCE_TYPE[eventType];
  if (resourceType === 'Patient') return patientFocus(header.nhsNumber);
  const part = resourceType === 'Encounter' ? 'Encounter' : eventType;
  return { resourceType, id: itemResourceId(header.providerOdsCode, header.sourceRecordId, part) };
}
