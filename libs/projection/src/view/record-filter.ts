import type { RecordSection } from '@crosscare/governance';
import type { PatientRecord } from '../patient-record';
import { itemKindOf } from '../project-event';
import type { ItemKind } from '../record-item';

/** What every reader is shown, whatever their role and whoever recorded it. */
const ALWAYS = 'always' as const;

/**
 * The section of the record each item kind belongs to, or ALWAYS for what every reader is shown (a patient's
 * objection to sharing: it explains what they are not shown). Total over ItemKind, so a new kind of item cannot
 * reach readers before someone decides who may see it.
 */
const SECTION_OF: { readonly [K in ItemKind]: RecordSection | typeof ALWAYS } = {
  demographics: 'demographics',
  death: 'death',
  problem: 'problems',
  allergy: 'allergies',
  'medication-prescribed': 'medications',
  'medication-dispensed': 'medications',
  encounter: 'encounters',
  observation: 'observations',
  immunisation: 'immunisations',
  'care-plan': 'care-plans',
  referral: 'referrals',
  'social-care': 'social-care',
  'end-of-life': 'end-of-life',
  'sharing-objection': ALWAYS,
  alert: 'alerts',
  document: 'documents',
  result: 'results',
  procedure: 'procedures',
};

/**
 * The section an item kind is granted by, or 'always' for what every reader is shown. Subscriptions ask it of each
 * record change, so a notification never tells a role of an item its read of the record would not show.
 */
export function sectionOfItemKind(kind: ItemKind): RecordSection | typeof ALWAYS {
  return SECTION_OF[kind];
}

export interface RecordFilter {
  readonly sections: readonly RecordSection[];
  /** Only this organisation's items (a patient's objection holds); undefined for every provider's. */
  readonly ownItemsOf?: string;
}

/**
 * The part of the patient's snapshots a reader may see: the sections their role is granted, and, when the patient
 * objects to sharing, only their organisation's own items. Filtering the snapshots rather than an answer keeps the
 * JSON view and the FHIR Bundle the same, and leaves nothing withheld to leak through either.
 */
export function filterRecords(records: readonly PatientRecord[], filter: RecordFilter): PatientRecord[] {
  const sections = new Set(filter.sections);
  return records.map((record) => ({
    ...record,
    items: record.items.filter((item) => {
      const kind = itemKindOf(item.header.eventType);
      if (kind === undefined) return false;
      const section = SECTION_OF[kind];
      if (section === ALWAYS) return true;
      if (!sections.has(section)) return false;
      return (
        filter.ownItemsOf === undefined || item.header.providerOdsCode.toUpperCase() === filter.ownItemsOf
      );
    }),
  }));
}
