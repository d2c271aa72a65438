import type { EncounterClass } from '@crosscare/events';
import type { PublishableDraft } from '../opt-outs/type-1-objection';

/**
 * What a record change is about, at the grain publishing is governed: finer than the event type where the same
 * event carries records of different sensitivity or origin (an EncounterStarted is an admission, an emergency
 * attendance, an ambulance incident or a consultation; a social care involvement may be safeguarding).
 */
export const RECORD_KINDS = [
  'demographics',
  'death',
  'merge',
  'admission',
  'emergency-attendance',
  'ambulance-incident',
  'consultation',
  'encounter-outcome',
  'problem',
  'allergy',
  'prescription',
  'dispensing',
  'observation',
  'immunisation',
  'care-plan',
  'referral',
  'social-care',
  'safeguarding',
  'end-of-life',
  'sharing-objection',
  'secondary-use-objection',
  'alert',
  'reasonable-adjustment',
  'document',
  'result',
  'procedure',
  'removal',
] as const;

export type RecordKind = (typeof RECORD_KINDS)[number];

/** The record kinds that open an encounter; whoever may open one must be able to close it (encounter-outcome). */
export const ENCOUNTER_KINDS: readonly RecordKind[] = [
  'admission',
  'emergency-attendance',
  'ambulance-incident',
  'consultation',
];

/**
 * The record kind of a draft. A type 1 objection (OptOutChanged) is secondary-use-objection: an objection to the
 * record leaving the practice for purposes other than care, which no projector shows but SDEs must honour.
 * The NHS reasonable adjustment flag is an alert governed apart (reasonable-adjustment): it changes how every service
 * must treat the patient, so fewer provider types may raise it than may raise a local alert.
 * EncounterEnded is always encounter-outcome whatever the encounter was: records are
 * keyed by provider and source record id, so a provider can only end encounters it started itself.
 */
export function recordKindOf(draft: PublishableDraft): RecordKind {
  switch (draft.type) {
    case 'PatientRegistered':
    case 'PatientDetailsChanged':
      return 'demographics';
    case 'PatientDied':
      return 'death';
    case 'PatientMerged':
      return 'merge';
    case 'EncounterStarted':
      return encounterKind(draft.body.encounterClass);
    case 'EncounterEnded':
      return 'encounter-outcome';
    case 'ProblemRecorded':
      return 'problem';
    case 'AllergyRecorded':
      return 'allergy';
    case 'MedicationPrescribed':
      return 'prescription';
    case 'MedicationDispensed':
      return 'dispensing';
    case 'ObservationRecorded':
      return 'observation';
    case 'ImmunisationRecorded':
      return 'immunisation';
    case 'CarePlanRecorded':
      return 'care-plan';
    case 'ReferralMade':
      return 'referral';
    case 'SocialCareInvolvementRecorded':
      return isSafeguarding(draft.body) ? 'safeguarding' : 'social-care';
    case 'EndOfLifePreferencesRecorded':
      return 'end-of-life';
    case 'SharingObjectionRecorded':
      return 'sharing-objection';
    case 'DiagnosticReportIssued':
      return 'result';
    case 'ProcedureRecorded':
      return 'procedure';
    case 'RecordRemoved':
      return 'removal';
    case 'OptOutChanged':
      return 'secondary-use-objection';
    case 'AlertRecorded':
      return draft.body.reasonableAdjustment ? 'reasonable-adjustment' : 'alert';
    case 'DocumentRecorded':
      return 'document';
    default:
      return unknownDraft(draft);
  }
}

function encounterKind(encounterClass: EncounterClass): RecordKind {
  switch (encounterClass) {
    case 'INPATIENT':
    case 'DAY_CASE':
      return 'admission';
    case 'EMERGENCY':
      return 'emergency-attendance';
    case 'AMBULANCE_INCIDENT':
      return 'ambulance-incident';
    default:
      return 'consultation';
  }
}

/**
 * Safeguarding involvement, or one the council marked restricted, is governed as safeguarding. `restricted` is
 * being added to the event; reading it through `in` keeps this correct both before and after that schema change.
 */
function isSafeguarding(body: { readonly involvementType: string }): boolean {
  if (body.involvementType === 'SAFEGUARDING') return true;
  return 'restricted' in body && body.restricted === true;
}

/** Reached only if a new event type is added without a record kind: fail loudly rather than guess a policy. */
function unknownDraft(draft: never): never {
  throw new Error(`no record kind for event type ${(draft as { type?: unknown }).type as string}`);
}
