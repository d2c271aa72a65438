import {
  type CodedValue,
  type EventType,
  MILLIS_PER_DAY,
  type RecordChangeEvent,
  type RecordChangeEventMap,
} from '@crosscare/events';
import { ALLERGY_INTOLERANCE_CLINICAL_STATUSES } from '../render/resources/allergy-intolerance';
import { CARE_PLAN_STATUSES } from '../render/resources/care-plan';
import { CONDITION_CLINICAL_STATUSES } from '../render/resources/condition';
import { DIAGNOSTIC_REPORT_STATUSES } from '../render/resources/diagnostic-report';
import { DOCUMENT_REFERENCE_STATUSES } from '../render/resources/document-reference';
import { encounterStatus } from '../render/resources/encounter';
import { IMMUNIZATION_STATUSES } from '../render/resources/immunization';
import { MEDICATION_DISPENSE_OUTCOMES } from '../render/resources/medication-dispense';
import { MEDICATION_REQUEST_STATUSES } from '../render/resources/medication-request';
import { observationStatus } from '../render/resources/observation';
import { PROCEDURE_STATUSES } from '../render/resources/procedure';
import { SERVICE_REQUEST_STATUSES } from '../render/resources/service-request';
import {
  SEARCHABLE_RESOURCE_TYPES,
  SEARCHED_EVENT_TYPES,
  type SearchableResourceType,
} from './searchable-resources';

/**
 * What a search over a patient's history filters and sorts one item by, as the item's FHIR resource shows it
 * (renderRecordItem of the item alone), so a search in SQL finds what the rendered resource says.
 */
export interface ItemSearchIndex {
  readonly resourceType: SearchableResourceType;
  /** Epoch ms of the resource's principal clinical date as rendered; null when the resource has none. */
  readonly date: number | null;
  /**
   * The resource's status code exactly as the rendered FHIR resource carries it (e.g. 'final', 'active',
   * 'completed'); for Condition and AllergyIntolerance the clinicalStatus coding's code. null when none.
   */
  readonly status: string | null;
  /**
   * Search tokens of the resource's code parameter: for each coding both `${system}|${code}` and the bare `${code}`;
   * a coding without system gives `|${code}` and the bare code. Deduplicated, sorted.
   */
  readonly codes: string[];
}

type Indexed = Omit<ItemSearchIndex, 'resourceType'>;
type IndexedEventType = Extract<
  EventType,
  | 'AllergyRecorded'
  | 'CarePlanRecorded'
  | 'ProblemRecorded'
  | 'DiagnosticReportIssued'
  | 'DocumentRecorded'
  | 'EncounterStarted'
  | 'EncounterEnded'
  | 'ImmunisationRecorded'
  | 'MedicationDispensed'
  | 'MedicationPrescribed'
  | 'ObservationRecorded'
  | 'ProcedureRecorded'
  | 'ReferralMade'
>;
type Indexer<T extends IndexedEventType> = (event: RecordChangeEventMap[T]) => Indexed;

/**
 * Each searched event read field by field, as its renderer in ../render/resources renders it, with the renderers'
 * own status tables: the projector indexes every item it writes, so nothing is rendered here.
 */
const INDEXERS: { readonly [T in IndexedEventType]: Indexer<T> } = {
  ObservationRecorded: (e) => indexed(e.effectiveAt, observationStatus(e), [e.code]),
  // Only something handed over has a hand-over time, and a MedicationDispense carries no other date.
  MedicationDispensed: (e) => {
    const outcome = MEDICATION_DISPENSE_OUTCOMES[e.status];
    return indexed(outcome.handedOver ? e.header.occurredAt : null, outcome.status, [e.medication]);
  },
  MedicationPrescribed: (e) =>
    indexed(e.header.occurredAt, MEDICATION_REQUEST_STATUSES[e.status], [e.medication]),
  // Each part alone: the start's period.start and reason, or the end's period.end. The end's diagnoses are
  // contained Conditions the Encounter references, not codes of the Encounter, so they are not its code.
  EncounterStarted: (e) => indexed(e.startedAt, encounterStatus(false), [e.reason]),
  EncounterEnded: (e) => indexed(e.endedAt, encounterStatus(true), []),
  // onsetDateTime when known, else recordedDate (always rendered: when the provider recorded it).
  ProblemRecorded: (e) =>
    indexed(dayOrElse(e.onsetDate, e.header.occurredAt), CONDITION_CLINICAL_STATUSES[e.clinicalStatus], [
      e.code,
    ]),
  AllergyRecorded: (e) =>
    indexed(
      dayOrElse(e.onsetDate, e.header.occurredAt),
      ALLERGY_INTOLERANCE_CLINICAL_STATUSES[e.clinicalStatus],
      [e.substance],
    ),
  ImmunisationRecorded: (e) => indexed(e.administeredAt, IMMUNIZATION_STATUSES[e.status], [e.vaccine]),
  DiagnosticReportIssued: (e) => indexed(e.effectiveAt, DIAGNOSTIC_REPORT_STATUSES[e.status], [e.code]),
  // performedDateTime, or performedPeriod's start, or its end when that is all the period has.
  ProcedureRecorded: (e) =>
    indexed(e.performedAt ?? e.performedEndAt, PROCEDURE_STATUSES[e.status], [e.code]),
  DocumentRecorded: (e) => indexed(e.documentDate, DOCUMENT_REFERENCE_STATUSES[e.status], [e.type]),
  CarePlanRecorded: (e) =>
    indexed(dayOrElse(e.period.start, null), CARE_PLAN_STATUSES[e.status], [e.category]),
  ReferralMade: (e) => indexed(e.header.occurredAt, SERVICE_REQUEST_STATUSES[e.status], [e.service]),
};

const RESOURCE_TYPES = new Map<string, SearchableResourceType>(
  SEARCHABLE_RESOURCE_TYPES.flatMap((type) =>
    SEARCHED_EVENT_TYPES[type].map((event) => [event, type] as const),
  ),
);

/**
 * How a search finds the item this event sets: its resource type, date, status and code tokens. null for events
 * whose items are not searched (patient details, deaths, alerts, social care, end of life preferences, sharing
 * objections) and for RecordRemoved and PatientMerged, which set no item.
 */
export function searchIndexOf(event: RecordChangeEvent): ItemSearchIndex | null {
  const type = event.header.eventType;
  const resourceType = RESOURCE_TYPES.get(type);
  if (resourceType === undefined || !Object.hasOwn(INDEXERS, type)) return null;
  const index = INDEXERS[type as IndexedEventType] as Indexer<IndexedEventType>;
  return { resourceType, ...index(event as RecordChangeEventMap[IndexedEventType]) };
}

function indexed(
  date: number | null,
  status: string | undefined,
  codes: readonly (CodedValue | null)[],
): Indexed {
  return { date, status: status ?? null, codes: codeTokens(codes) };
}

/** Midnight UTC of an Avro date (days since the epoch), as FHIR renders a date-only value; else the fallback. */
const dayOrElse = (days: number | null, otherwise: number | null): number | null =>
  days === null ? otherwise : days * MILLIS_PER_DAY;

function codeTokens(values: readonly (CodedValue | null)[]): string[] {
  const tokens = new Set<string>();
  for (const value of values) {
    if (value === null) continue;
    // A decoder may hand a missing system as null although the schema says string: it is the same "no system".
    const system = (value.system as string | null) ?? '';
    tokens.add(`${system}|${value.code}`);
    tokens.add(value.code);
  }
  return [...tokens].sort();
}
