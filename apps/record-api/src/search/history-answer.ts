import type { EncounterEnded, EncounterStarted, RecordChangeEvent } from '@crosscare/events';
import {
  renderRecordItem,
  SEARCHED_SECTIONS,
  type SearchableResourceType,
  type SearchedSection,
} from '@crosscare/fhir';
import {
  allergyEntryOf,
  carePlanEntryOf,
  dispensingEntryOf,
  documentEntryOf,
  encounterEntryOf,
  immunisationEntryOf,
  isEventOf,
  observationEntryOf,
  prescriptionEntryOf,
  problemEntryOf,
  procedureEntryOf,
  referralEntryOf,
  resultReportEntryOf,
} from '@crosscare/projection';
import type { HistoryItem, HistoryPage, PatientRecordSet } from '@crosscare/read-model';
import type { Bundle, BundleEntry, BundleLink, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { accessNotices, type RecordAccessSummary } from '../record/shared-record-document';
import { encodeCursor } from './search-cursor';
import { cursorBinding, type RecordSearch } from './search-parameters';

/** Where a page of a search is, and where the next one is. */
export interface HistoryLinks {
  readonly self: string;
  /** Null on the last page. */
  readonly next: string | null;
}

/** Everything an answer to a search is made of. */
export interface HistoryAnswer {
  readonly search: RecordSearch;
  readonly page: HistoryPage;
  /** The patient as resolved (merges followed); its records hold only what the access rules read. */
  readonly set: PatientRecordSet;
  readonly access: RecordAccessSummary;
  readonly links: HistoryLinks;
  readonly providerName: (odsCode: string) => string | undefined;
  /** The audit id of the search: the Bundle's id, so a Bundle someone holds can be traced to its audit event. */
  readonly bundleId: string;
  /** Epoch ms. */
  readonly now: number;
}

type SearchRoute =
  | { readonly kind: 'FHIR'; readonly resourceType: string }
  | { readonly kind: 'SECTION'; readonly nhsNumber: string };

/**
 * The page's links. They repeat the search's own parameters (canonical) and, for the next page, where this one
 * ended: a position, not an offset, so items arriving meanwhile neither push an item onto two pages nor off both.
 * The position is bound to the search the link makes: a section link's path names `nhsNumber` (the patient as
 * resolved, which after a merge is not the number asked for), so that is the patient its cursor is bound to.
 */
export function historyLinks(
  base: string,
  route: SearchRoute,
  nhsNumber: string,
  search: RecordSearch,
  page: HistoryPage,
): HistoryLinks {
  const path =
    route.kind === 'FHIR'
      ? `${base}/fhir/${search.resourceType}`
      : `${base}/patients/${encodeURIComponent(nhsNumber)}/record`;
  const bound = cursorBinding(route.kind === 'SECTION' ? { ...search, nhsNumber } : search);
  const at = (cursor: RecordSearch['cursor']) =>
    cursor === null
      ? `${path}?${search.canonicalQuery}`
      : `${path}?${search.canonicalQuery}&_cursor=${encodeURIComponent(encodeCursor(cursor, bound))}`;
  return { self: at(search.cursor), next: page.next === null ? null : at(page.next) };
}

/**
 * The FHIR answer: a searchset Bundle with the total over every page, self and next links, each resource rendered
 * as the record's Bundle renders it, and what the access rules applied (an objection, the glass broken) in an
 * OperationOutcome entry, as FHIR's search.mode `outcome` has it.
 */
export function historySearchBundle(answer: HistoryAnswer): Bundle {
  const { page, set } = answer;
  const link: BundleLink[] = [{ relation: 'self', url: answer.links.self }];
  if (answer.links.next !== null) link.push({ relation: 'next', url: answer.links.next });
  const entry: BundleEntry[] = page.resources.flatMap(({ items }) => {
    const resource = renderFound(items, set.nhsNumber, answer.providerName);
    return resource === undefined
      ? []
      : [{ fullUrl: `urn:uuid:${resource.id}`, resource, search: { mode: 'match' as const } }];
  });
  const notices = accessNotices(answer.access);
  if (notices.length > 0) {
    const outcome: OperationOutcome = {
      resourceType: 'OperationOutcome',
      issue: notices.map((text) => ({
        severity: 'information' as const,
        code: text.startsWith('Emergency access') ? ('informational' as const) : ('suppressed' as const),
        diagnostics: text,
        details: { text },
      })),
    };
    entry.push({ resource: outcome, search: { mode: 'outcome' } });
  }
  return {
    resourceType: 'Bundle',
    id: answer.bundleId,
    meta: { lastUpdated: new Date(answer.now).toISOString() },
    type: 'searchset',
    total: page.total,
    link,
    ...(entry.length > 0 ? { entry } : {}),
  };
}

/** The JSON answer: the section's entries as the record view shows them, with the total and the next page. */
export interface HistorySearchDocument {
  readonly nhsNumber: string;
  readonly requestedNhsNumber: string;
  readonly mergedInto: string | null;
  readonly section: SearchedSection;
  readonly resourceType: SearchableResourceType;
  readonly access: RecordAccessSummary & { readonly notices: string[] };
  /** Matches over every page. */
  readonly total: number;
  /** Entries on this page. */
  readonly shown: number;
  readonly self: string;
  /** The next page, or null on the last. */
  readonly next: string | null;
  readonly entries: unknown[];
}

export function historySearchDocument(answer: HistoryAnswer): HistorySearchDocument {
  const { search, page, set } = answer;
  const names = answer.providerName;
  const entries = page.resources.flatMap(({ items }) => {
    const entry = entryOf(items, names);
    return entry === undefined ? [] : [entry];
  });
  return {
    nhsNumber: set.nhsNumber,
    requestedNhsNumber: set.requestedNhsNumber,
    mergedInto: set.mergedInto,
    section: SECTION_OF[search.resourceType],
    resourceType: search.resourceType,
    access: { ...answer.access, notices: accessNotices(answer.access) },
    total: page.total,
    shown: entries.length,
    self: answer.links.self,
    next: answer.links.next,
    entries,
  };
}

const SECTION_OF = Object.fromEntries(
  Object.entries(SEARCHED_SECTIONS).map(([section, resourceType]) => [resourceType, section]),
) as { readonly [T in SearchableResourceType]: SearchedSection };

function renderFound(
  items: readonly HistoryItem[],
  nhsNumber: string,
  providerName: (odsCode: string) => string | undefined,
): Resource | undefined {
  const [first, second] = items;
  if (first === undefined) return undefined;
  return renderRecordItem(first.event, {
    nhsNumber,
    providerName,
    ...(second === undefined
      ? {}
      : { encounterCounterpart: second.event as EncounterStarted | EncounterEnded }),
  });
}

/** One found resource as the record view's entry for it. */
function entryOf(items: readonly HistoryItem[], names: (odsCode: string) => string | undefined): unknown {
  const events: RecordChangeEvent[] = items.map((item) => item.event);
  const [event] = events;
  if (event === undefined) return undefined;
  if (isEventOf(event, 'EncounterStarted') || isEventOf(event, 'EncounterEnded')) {
    const started = events.find((e): e is EncounterStarted => isEventOf(e, 'EncounterStarted')) ?? null;
    const ended = events.find((e): e is EncounterEnded => isEventOf(e, 'EncounterEnded')) ?? null;
    return encounterEntryOf(started, ended, names);
  }
  if (isEventOf(event, 'ObservationRecorded')) return observationEntryOf(event, names);
  if (isEventOf(event, 'MedicationDispensed')) return dispensingEntryOf(event, names);
  if (isEventOf(event, 'MedicationPrescribed')) return prescriptionEntryOf(event, names);
  if (isEventOf(event, 'ProblemRecorded')) return problemEntryOf(event, names);
  if (isEventOf(event, 'ImmunisationRecorded')) return immunisationEntryOf(event, names);
  if (isEventOf(event, 'DiagnosticReportIssued')) return resultReportEntryOf(event, names);
  if (isEventOf(event, 'ProcedureRecorded')) return procedureEntryOf(event, names);
  if (isEventOf(event, 'DocumentRecorded')) return documentEntryOf(event, names);
  if (isEventOf(event, 'AllergyRecorded')) return allergyEntryOf(event, names);
  if (isEventOf(event, 'CarePlanRecorded')) return carePlanEntryOf(event, names);
  if (isEventOf(event, 'ReferralMade')) return referralEntryOf(event, names);
  return undefined;
}
