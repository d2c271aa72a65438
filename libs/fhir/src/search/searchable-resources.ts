import type { EventType } from '@crosscare/events';

/**
 * The FHIR resource types a patient's history can be searched as (record API, docs/record-api.md): every clinical
 * list the shared record view shows, so whatever a view leaves out can be reached. Patient details, alerts, social
 * care, end of life preferences and sharing objections are whole in every view and are not searched.
 */
export const SEARCHABLE_RESOURCE_TYPES = [
  'AllergyIntolerance',
  'CarePlan',
  'Condition',
  'DiagnosticReport',
  'DocumentReference',
  'Encounter',
  'Immunization',
  'MedicationDispense',
  'MedicationRequest',
  'Observation',
  'Procedure',
  'ServiceRequest',
] as const;

export type SearchableResourceType = (typeof SEARCHABLE_RESOURCE_TYPES)[number];

export function isSearchableResourceType(value: string): value is SearchableResourceType {
  return (SEARCHABLE_RESOURCE_TYPES as readonly string[]).includes(value);
}

/** The record change events each searchable resource is rendered from; an encounter's two parts are one Encounter. */
export const SEARCHED_EVENT_TYPES: { readonly [T in SearchableResourceType]: readonly EventType[] } = {
  AllergyIntolerance: ['AllergyRecorded'],
  CarePlan: ['CarePlanRecorded'],
  Condition: ['ProblemRecorded'],
  DiagnosticReport: ['DiagnosticReportIssued'],
  DocumentReference: ['DocumentRecorded'],
  Encounter: ['EncounterStarted', 'EncounterEnded'],
  Immunization: ['ImmunisationRecorded'],
  MedicationDispense: ['MedicationDispensed'],
  MedicationRequest: ['MedicationPrescribed'],
  Observation: ['ObservationRecorded'],
  Procedure: ['ProcedureRecorded'],
  ServiceRequest: ['ReferralMade'],
};

/**
 * The JSON view's list sections, each with the resource type its whole history is searched as: the `section` query
 * parameter of GET /patients/{nhsNumber}/record, and the keys of the view's `shortened` notices.
 */
export const SEARCHED_SECTIONS = {
  problems: 'Condition',
  allergies: 'AllergyIntolerance',
  prescriptions: 'MedicationRequest',
  dispensings: 'MedicationDispense',
  encounters: 'Encounter',
  observations: 'Observation',
  immunisations: 'Immunization',
  'care-plans': 'CarePlan',
  referrals: 'ServiceRequest',
  documents: 'DocumentReference',
  results: 'DiagnosticReport',
  procedures: 'Procedure',
} as const satisfies Record<string, SearchableResourceType>;

export type SearchedSection = keyof typeof SEARCHED_SECTIONS;

export function isSearchedSection(value: string): value is SearchedSection {
  return Object.hasOwn(SEARCHED_SECTIONS, value);
}
