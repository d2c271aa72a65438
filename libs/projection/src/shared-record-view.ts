import { compareCodeUnits } from './item-key';
import type { PatientRecord } from './patient-record';
import {
  allergiesOf,
  carePlansOf,
  immunisationsOf,
  medicationsOf,
  observationsOf,
  problemsOf,
  referralsOf,
  type AllergyEntry,
  type CarePlanEntry,
  type ImmunisationEntry,
  type MedicationsSection,
  type ObservationEntry,
  type ProblemEntry,
  type ReferralEntry,
} from './view/clinical-view';
import { alertsOf, type AlertEntry } from './view/alert-view';
import { currentItemsByType } from './view/current-items';
import { documentsOf, type DocumentEntry } from './view/document-view';
import { encountersOf, type EncounterEntry } from './view/encounter-view';
import {
  deathOf,
  demographicsOf,
  endOfLifeOf,
  registeredGpOf,
  type DeathEntry,
  type DemographicsEntry,
  type EndOfLifeEntry,
  type RegisteredGpEntry,
} from './view/patient-view';
import type { ProviderNames } from './view/provenance';
import { proceduresOf, type ProcedureEntry } from './view/procedure-view';
import { isoInstant } from './view/readable';
import { resultsOf, type ResultReportEntry } from './view/result-view';
import { sharingObjectionOf, type SharingObjectionEntry } from './view/sharing-objection-view';
import { socialCareOf, type SocialCareSection } from './view/social-care-view';

/** How far back the view lists ended encounters, by default. */
export const DEFAULT_RECENT_ENCOUNTER_DAYS = 365;

export interface SharedRecordViewOptions {
  /** Epoch ms the view is built at: what "recent" and "still open" are measured from. */
  readonly now: number;
  /** Ended encounters that started longer ago than this are left out; default 365. */
  readonly recentEncounterDays?: number;
  /** Whether the reader may see restricted social care items (safeguarding); otherwise only their count is shown. */
  readonly includeRestricted: boolean;
  readonly providerName?: ProviderNames;
}

/** One collaborative's snapshot the view was built from. */
export interface RecordSource {
  readonly collaborative: string;
  readonly sequence: number;
  /** ISO instant. */
  readonly updatedAt: string;
}

/**
 * One patient's shared record as the record API returns it: the snapshots of both collaboratives merged, sections
 * a clinician reads, every item with the provider record it comes from.
 */
export interface SharedRecordView {
  /**
   * Alerts in force, reasonable adjustment flags first. The first section, so a reader (and a JSON client that
   * shows keys in order) meets the patient's safety information before anything else.
   */
  readonly alerts: AlertEntry[];
  readonly demographics: DemographicsEntry | null;
  readonly registeredGp: RegisteredGpEntry | null;
  readonly death: DeathEntry | null;
  readonly problems: ProblemEntry[];
  readonly allergies: AllergyEntry[];
  readonly medications: MedicationsSection;
  readonly encounters: EncounterEntry[];
  readonly observations: ObservationEntry[];
  readonly immunisations: ImmunisationEntry[];
  readonly carePlans: CarePlanEntry[];
  readonly referrals: ReferralEntry[];
  /** Current letters and discharge summaries, newest first. */
  readonly documents: DocumentEntry[];
  readonly socialCare: SocialCareSection;
  readonly endOfLife: EndOfLifeEntry | null;
  /**
   * The patient's current statement about sharing (latest wins, from either collaborative), or null when none was
   * recorded. Informational here: withholding items while it is ACTIVE is the record API's (activeSharingObjection).
   */
  readonly sharingObjection: SharingObjectionEntry | null;
  /** Diagnostic reports (pathology, imaging) with their results, newest first. */
  readonly results: ResultReportEntry[];
  readonly procedures: ProcedureEntry[];
  /** The snapshots, by collaborative. */
  readonly sources: RecordSource[];
  /** NHS numbers merged into this patient by either collaborative, sorted. */
  readonly mergedFrom: string[];
}

/**
 * Builds the view of one patient from the snapshots the collaboratives published (none, one or both). Every list
 * has a fixed order, so the same snapshots give the same JSON.
 */
export function viewSharedRecord(
  records: readonly PatientRecord[],
  options: SharedRecordViewOptions,
): SharedRecordView {
  const nhsNumbers = new Set(records.map((record) => record.nhsNumber));
  // Mixing two patients' records would show one patient another's care: a caller bug to stop, not to render.
  if (nhsNumbers.size > 1)
    throw new Error(`A shared record view needs one patient's records, got ${nhsNumbers.size} NHS numbers`);

  const items = currentItemsByType(records);
  const names = options.providerName;
  const details = [...items.PatientRegistered, ...items.PatientDetailsChanged];
  return {
    alerts: alertsOf(items.AlertRecorded, options.now, names),
    demographics: demographicsOf(details, names),
    registeredGp: registeredGpOf(details, names),
    death: deathOf(items.PatientDied, names),
    problems: problemsOf(items.ProblemRecorded, names),
    allergies: allergiesOf(items.AllergyRecorded, names),
    medications: medicationsOf(items.MedicationPrescribed, items.MedicationDispensed, names),
    encounters: encountersOf(
      items.EncounterStarted,
      items.EncounterEnded,
      { now: options.now, recentDays: options.recentEncounterDays ?? DEFAULT_RECENT_ENCOUNTER_DAYS },
      names,
    ),
    observations: observationsOf(items.ObservationRecorded, names),
    immunisations: immunisationsOf(items.ImmunisationRecorded, names),
    carePlans: carePlansOf(items.CarePlanRecorded, names),
    referrals: referralsOf(items.ReferralMade, names),
    documents: documentsOf(items.DocumentRecorded, names),
    socialCare: socialCareOf(items.SocialCareInvolvementRecorded, options, names),
    endOfLife: endOfLifeOf(items.EndOfLifePreferencesRecorded, names),
    sharingObjection: sharingObjectionOf(items.SharingObjectionRecorded, names),
    results: resultsOf(items.DiagnosticReportIssued, names),
    procedures: proceduresOf(items.ProcedureRecorded, names),
    sources: [...records]
      .sort((a, b) => compareCodeUnits(a.collaborative, b.collaborative) || a.sequence - b.sequence)
      .map((record) => ({
        collaborative: record.collaborative,
        sequence: record.sequence,
        updatedAt: isoInstant(record.updatedAt),
      })),
    mergedFrom: [...new Set(records.flatMap((record) => record.mergedFrom))].sort(compareCodeUnits),
  };
}
