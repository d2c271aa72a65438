import type { RecordChangeEvent } from '@crosscare/events';
import type { ShownEvent } from './provenance';
import type { RenderedEventType } from './render-record-item';

/** One item of a collaborative's read model. */
export interface SharedRecordItem {
  readonly event: RecordChangeEvent;
  /** Which collaborative's read model carried it. */
  readonly collaborative: string;
}

/** The events one resource shows (never none): one, or an encounter's start and then its end. */
export type ItemGroup = readonly ShownEvent[];

type ClinicalEventType = Exclude<
  RenderedEventType,
  'PatientRegistered' | 'PatientDetailsChanged' | 'PatientDied'
>;

/**
 * Sections in the order a clinician reads a record (the projection's item kinds); an encounter's parts are one.
 * Alerts lead: they are what a reader must know first.
 */
const SECTIONS: Record<ClinicalEventType, number> = {
  AlertRecorded: -1,
  ProblemRecorded: 0,
  AllergyRecorded: 1,
  MedicationPrescribed: 2,
  MedicationDispensed: 3,
  EncounterStarted: 4,
  EncounterEnded: 4,
  ObservationRecorded: 5,
  ImmunisationRecorded: 6,
  CarePlanRecorded: 7,
  ReferralMade: 8,
  SocialCareInvolvementRecorded: 9,
  EndOfLifePreferencesRecorded: 10,
  SharingObjectionRecorded: 11,
  DocumentRecorded: 12,
  DiagnosticReportIssued: 13,
  ProcedureRecorded: 14,
};

const isClinical = (type: string): type is ClinicalEventType => Object.hasOwn(SECTIONS, type);

/**
 * The items of both collaboratives' read models as the resources to show, in a stable order: by section, most
 * recent first, then by record. Patient details and deaths are the Patient's and tombstones show nothing, so neither
 * is grouped here.
 *
 * Each read model keeps the latest version of an item; when both hold one, the higher version wins (the later
 * accepted on a tie), and one event carried by both is shown once, naming both.
 */
export function groupSharedItems(items: readonly SharedRecordItem[]): ItemGroup[] {
  const latest = new Map<string, ShownEvent>();
  for (const { event, collaborative } of items) {
    const { header } = event;
    if (!isClinical(header.eventType)) continue;
    const key = recordKey(event, header.eventType);
    const held = latest.get(key);
    if (held === undefined || isLater(event, held.event)) {
      latest.set(key, { event, collaboratives: [collaborative] });
    } else if (held.event.header.eventId === header.eventId && !held.collaboratives.includes(collaborative)) {
      latest.set(key, { event, collaboratives: [...held.collaboratives, collaborative].sort() });
    }
  }
  const groups = new Map<string, ShownEvent[]>();
  for (const shown of latest.values()) {
    const type = shown.event.header.eventType;
    const key = recordKey(shown.event, type === 'EncounterEnded' ? 'EncounterStarted' : type);
    groups.set(key, [...(groups.get(key) ?? []), shown]);
  }
  return [...groups.entries()]
    .map(([key, shown]) => ({ key, group: shown.sort(byPart) }))
    .sort((a, b) => compareGroups(a.group, b.group) || compareStrings(a.key, b.key))
    .map(({ group }) => group);
}

const recordKey = (event: RecordChangeEvent, part: string): string =>
  [event.header.providerOdsCode, event.header.sourceRecordId, part].join('\u0000');

/** A total order on versions of one item, so the winner never depends on the order items arrive in. */
function isLater(candidate: RecordChangeEvent, held: RecordChangeEvent): boolean {
  const [a, b] = [candidate.header, held.header];
  if (a.sourceRecordVersion !== b.sourceRecordVersion) return a.sourceRecordVersion > b.sourceRecordVersion;
  if (a.recordedAt !== b.recordedAt) return a.recordedAt > b.recordedAt;
  return a.eventId > b.eventId;
}

/** An encounter's start renders first and its end joins it, whatever order they were read in. */
const byPart = (a: ShownEvent, b: ShownEvent): number => partRank(a) - partRank(b);
const partRank = (shown: ShownEvent): number => (shown.event.header.eventType === 'EncounterStarted' ? 0 : 1);

/** Code-unit order, not locale order: the same input must give the same bundle on every machine. */
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function compareGroups(a: ItemGroup, b: ItemGroup): number {
  const [first, second] = [a[0].event.header, b[0].event.header];
  const section =
    SECTIONS[first.eventType as ClinicalEventType] - SECTIONS[second.eventType as ClinicalEventType];
  return section !== 0 ? section : second.occurredAt - first.occurredAt;
}
