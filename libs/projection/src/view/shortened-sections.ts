import type { PatientRecord } from '../patient-record';
import { DEFAULT_RECENT_ENCOUNTER_DAYS, type SharedRecordView } from '../shared-record-view';
import { MAX_DISPENSINGS, MAX_OBSERVATIONS } from './clinical-view';
import { currentItemsByType, type ItemsByType } from './current-items';
import { encounterPairs } from './encounter-view';
import { MAX_RESULT_REPORTS } from './result-view';

/**
 * The view's list sections, by the names a reader asks for the rest of one by (the record API's `section` search;
 * @crosscare/fhir's SEARCHED_SECTIONS maps the same names to resource types, and the record API checks they agree).
 */
export const VIEW_LIST_SECTIONS = [
  'problems',
  'allergies',
  'prescriptions',
  'dispensings',
  'encounters',
  'observations',
  'immunisations',
  'care-plans',
  'referrals',
  'documents',
  'results',
  'procedures',
] as const;

export type ViewListSection = (typeof VIEW_LIST_SECTIONS)[number];

/** A section the view shows only part of: a view that leaves items out without saying so is a clinical hazard. */
export interface ShortenedSection {
  /** Items the view lists. */
  readonly shown: number;
  /** The patient's current items of the kind, listed or not. */
  readonly total: number;
  /** What the view keeps, in words a clinician reads, e.g. "the 50 most recent". */
  readonly rule: string;
}

interface SectionCount {
  readonly total: (items: ItemsByType) => number;
  readonly shown: (view: SharedRecordView) => number;
  readonly rule: string;
}

const countsOf = (recentEncounterDays: number): { readonly [S in ViewListSection]: SectionCount } => ({
  problems: {
    total: (items) => items.ProblemRecorded.length,
    shown: (view) => view.problems.length,
    rule: 'current problems only: active, recurred or relapsed, and not refuted',
  },
  allergies: {
    total: (items) => items.AllergyRecorded.length,
    shown: (view) => view.allergies.length,
    rule: 'current allergies only, none resolved or inactive',
  },
  prescriptions: {
    total: (items) => items.MedicationPrescribed.length,
    shown: (view) => view.medications.prescribed.length,
    rule: 'prescriptions in force only: active or on hold',
  },
  dispensings: {
    total: (items) => items.MedicationDispensed.length,
    shown: (view) => view.medications.dispensed.length,
    rule: `the ${MAX_DISPENSINGS} most recent`,
  },
  encounters: {
    total: (items) => encounterPairs(items.EncounterStarted, items.EncounterEnded).length,
    shown: (view) => view.encounters.length,
    rule: `open encounters and those of the last ${recentEncounterDays} days`,
  },
  observations: {
    total: (items) => items.ObservationRecorded.length,
    shown: (view) => view.observations.length,
    rule: `the ${MAX_OBSERVATIONS} most recent`,
  },
  immunisations: {
    total: (items) => items.ImmunisationRecorded.length,
    shown: (view) => view.immunisations.length,
    rule: 'every immunisation',
  },
  'care-plans': {
    total: (items) => items.CarePlanRecorded.length,
    shown: (view) => view.carePlans.length,
    rule: 'open care plans only, none completed or revoked',
  },
  referrals: {
    total: (items) => items.ReferralMade.length,
    shown: (view) => view.referrals.length,
    rule: 'open referrals only: active or on hold',
  },
  documents: {
    total: (items) => items.DocumentRecorded.length,
    shown: (view) => view.documents.length,
    rule: 'current documents only, none superseded or replaced',
  },
  results: {
    total: (items) => items.DiagnosticReportIssued.length,
    shown: (view) => view.results.length,
    rule: `the ${MAX_RESULT_REPORTS} most recent reports`,
  },
  procedures: {
    total: (items) => items.ProcedureRecorded.length,
    shown: (view) => view.procedures.length,
    rule: 'every procedure',
  },
});

/**
 * The list sections the view shows only part of, with how many it shows of how many and by what rule. `view` must
 * be built from the same records (and, for encounters, the same window) as given here; sections shown whole are
 * absent.
 */
export function shortenedSections(
  records: readonly PatientRecord[],
  view: SharedRecordView,
  recentEncounterDays = DEFAULT_RECENT_ENCOUNTER_DAYS,
): Partial<Record<ViewListSection, ShortenedSection>> {
  const items = currentItemsByType(records);
  const counts = countsOf(recentEncounterDays);
  const shortened: Partial<Record<ViewListSection, ShortenedSection>> = {};
  for (const section of VIEW_LIST_SECTIONS) {
    const { total, shown, rule } = counts[section];
    const entry = { shown: shown(view), total: total(items), rule };
    if (entry.shown < entry.total) shortened[section] = entry;
  }
  return shortened;
}
