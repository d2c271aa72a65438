import type {
  PatientDetailsChanged,
  PatientDied,
  PatientRegistered,
  RecordChangeEvent,
} from '@crosscare/events';
import {
  CROSSCARE_EXTENSIONS,
  NHS_NUMBER_SYSTEM,
  SEARCHED_SECTIONS,
  renderSharedRecordBundle,
  type SearchedSection,
  type SharedRecordItem,
} from '@crosscare/fhir';
import { isEventOf, isRestrictedInvolvement, type SharedRecordView } from '@crosscare/projection';
import type {
  Bundle,
  BundleEntry,
  OperationOutcome,
  OperationOutcomeIssue,
  Patient,
  Resource,
} from '@medplum/fhirtypes';
import { createHash } from 'node:crypto';
import type { PatientRecordSet } from '@crosscare/read-model';
import {
  accessNotices,
  shortenedNotices,
  shortenedNoticeText,
  type RecordAccessSummary,
  type ShortenedNotice,
  type ShortenedSections,
} from './shared-record-document';

export interface SharedRecordBundleOptions {
  /** The Bundle's id: the audit id of the read, so a Bundle someone holds can be traced to its audit event. */
  readonly bundleId: string;
  /** Epoch ms. */
  readonly now: number;
  readonly includeRestricted: boolean;
  readonly providerName: (odsCode: string) => string | undefined;
  /** Under which rules the answer was given: what it leaves out is said in an OperationOutcome entry. */
  readonly access: RecordAccessSummary;
  /** The view's shortened sections (shortenedSections of the same records and view). */
  readonly shortened: ShortenedSections;
  /** Where the searches for the rest of a shortened section start: the record API's public URL, or '' (relative). */
  readonly linkBase?: string;
}

export interface RenderedBundle {
  readonly bundle: Bundle;
  /** Record items shown: one Provenance each. */
  readonly itemCount: number;
  readonly restrictedWithheld: number;
}

/** FHIR issue type for information left out for privacy or security reasons. */
const SUPPRESSED = 'suppressed';

/**
 * The sections the view shortens by count or by time window, with the event ids it shows of each: the Bundle shows
 * the same items, so both formats leave out the same ones. Sections the view shortens by status (resolved problems,
 * ended prescriptions, closed referrals, superseded documents) are whole in the Bundle: each resource carries its
 * status, so a FHIR client sees what is current.
 */
const TRIMMED_AS_THE_VIEW: Partial<{
  readonly [S in SearchedSection]: {
    eventTypes: readonly string[];
    shown: (view: SharedRecordView) => string[];
  };
}> = {
  dispensings: {
    eventTypes: ['MedicationDispensed'],
    shown: (view) => view.medications.dispensed.map((entry) => entry.provenance.eventId),
  },
  encounters: {
    eventTypes: ['EncounterStarted', 'EncounterEnded'],
    shown: (view) =>
      view.encounters.flatMap((entry) =>
        [entry.started, entry.ended].flatMap((part) => (part === null ? [] : [part.provenance.eventId])),
      ),
  },
  observations: {
    eventTypes: ['ObservationRecorded'],
    shown: (view) => view.observations.map((entry) => entry.provenance.eventId),
  },
  results: {
    eventTypes: ['DiagnosticReportIssued'],
    shown: (view) => view.results.map((entry) => entry.provenance.eventId),
  },
};

/**
 * The FHIR form of a read. Patient details and death are the events the JSON view chose, so both formats show the
 * same person; observations, result reports, dispensings and encounters are the ones the view lists (the most
 * recent; the open and recent); every other current item is rendered, except restricted social care items the
 * reader may not see. OperationOutcome entries count what is left out and say where the rest is. After a merge the
 * Patient says which numbers it replaces and, when a retired number was asked for, a Patient for that number points
 * on to the survivor (link replaced-by).
 */
export function sharedRecordBundle(
  set: PatientRecordSet,
  view: SharedRecordView,
  options: SharedRecordBundleOptions,
): RenderedBundle {
  const items: SharedRecordItem[] = set.records.flatMap((record) =>
    record.items.map((event) => ({ event, collaborative: record.collaborative })),
  );
  const withheld = options.includeRestricted ? [] : items.filter((item) => isRestrictedItem(item.event));
  const listed = listedByTheView(view);
  const shown = items.filter(
    (item) =>
      !withheld.includes(item) &&
      (listed.get(item.event.header.eventType)?.has(item.event.header.eventId) ?? true),
  );
  const chosen = (eventId: string | undefined) =>
    items.find((item) => item.event.header.eventId === eventId)?.event;

  const bundle = renderSharedRecordBundle({
    nhsNumber: set.nhsNumber,
    bundleId: options.bundleId,
    timestamp: options.now,
    demographics: (chosen(view.demographics?.provenance.eventId) ?? null) as
      PatientRegistered | PatientDetailsChanged | null,
    death: (chosen(view.death?.provenance.eventId) ?? null) as PatientDied | null,
    items: shown,
    providerName: options.providerName,
  });
  const entries = withMergeLinks(bundle.entry ?? [], set);
  if (withheld.length > 0) entries.push(withheldNotice(withheld.length, set.nhsNumber));
  const shortened = trimmedSections(options, set.nhsNumber);
  if (shortened.length > 0) entries.push(shortenedNotice(shortened, set.nhsNumber));
  const notices = accessNotices(options.access);
  if (notices.length > 0) entries.push(accessNotice(notices, set.nhsNumber, options.bundleId));
  return {
    bundle: { ...bundle, entry: entries },
    itemCount: entries.filter((e) => e.resource?.resourceType === 'Provenance').length,
    restrictedWithheld: withheld.length,
  };
}

/** For each event type the view lists only some of, the event ids it lists. */
function listedByTheView(view: SharedRecordView): Map<string, Set<string>> {
  const listed = new Map<string, Set<string>>();
  for (const { eventTypes, shown } of Object.values(TRIMMED_AS_THE_VIEW)) {
    const eventIds = new Set(shown(view));
    for (const eventType of eventTypes) listed.set(eventType, eventIds);
  }
  return listed;
}

/** The shortened sections the Bundle leaves items out of too, with their notices, in SEARCHED_SECTIONS order. */
function trimmedSections(
  options: SharedRecordBundleOptions,
  nhsNumber: string,
): [SearchedSection, ShortenedNotice][] {
  const notices = shortenedNotices(options.shortened, options.access, nhsNumber, options.linkBase ?? '');
  return (Object.entries(notices) as [SearchedSection, ShortenedNotice][]).filter(
    ([section]) => TRIMMED_AS_THE_VIEW[section] !== undefined,
  );
}

/**
 * What the Bundle lists only part of, one issue per section: `incomplete` for the resource type, with how many of
 * how many are shown and the FHIR search that returns the rest (extension shortened-section).
 */
function shortenedNotice(
  sections: readonly [SearchedSection, ShortenedNotice][],
  nhsNumber: string,
): BundleEntry {
  const outcome: OperationOutcome & { id: string } = {
    resourceType: 'OperationOutcome',
    id: nameBasedId('shortened', nhsNumber),
    issue: sections.map(([section, notice]): OperationOutcomeIssue => {
      const text = shortenedNoticeText(section, notice, `GET ${notice.fhirSearch}`);
      return {
        extension: [
          {
            url: CROSSCARE_EXTENSIONS.shortenedSection,
            extension: [
              { url: 'shown', valueInteger: notice.shown },
              { url: 'total', valueInteger: notice.total },
              { url: 'search', valueUri: notice.fhirSearch },
            ],
          },
        ],
        severity: 'information',
        code: 'incomplete',
        diagnostics: text,
        details: { text },
        expression: [SEARCHED_SECTIONS[section]],
      };
    }),
  };
  return entryOf(outcome);
}

function isRestrictedItem(event: RecordChangeEvent): boolean {
  return isEventOf(event, 'SocialCareInvolvementRecorded') && isRestrictedInvolvement(event);
}

function withMergeLinks(entries: readonly BundleEntry[], set: PatientRecordSet): BundleEntry[] {
  const result = entries.map((entry) => {
    const resource = entry.resource;
    if (resource?.resourceType !== 'Patient' || set.mergedFrom.length === 0) return entry;
    const patient: Patient = {
      ...resource,
      link: set.mergedFrom.map((retired) => ({
        other: { identifier: { system: NHS_NUMBER_SYSTEM, value: retired } },
        type: 'replaces',
      })),
    };
    return { ...entry, resource: patient };
  });
  const survivor = result.find((entry) => entry.resource?.resourceType === 'Patient');
  if (set.mergedInto === null || survivor?.fullUrl === undefined) return result;
  const retired: Patient & { id: string } = {
    resourceType: 'Patient',
    id: retiredPatientId(set.requestedNhsNumber),
    active: false,
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: set.requestedNhsNumber }],
    link: [{ other: { reference: survivor.fullUrl }, type: 'replaced-by' }],
  };
  // Right after the survivor: a reader scanning for the Patient asked for finds where it went.
  result.splice(result.indexOf(survivor) + 1, 0, entryOf(retired));
  return result;
}

function withheldNotice(count: number, nhsNumber: string): BundleEntry {
  const text =
    `${count} restricted social care item${count === 1 ? ' was' : 's were'} withheld: they are shown for a ` +
    'safeguarding purpose of use or to a role trusted with them. Ask the council when there is a need.';
  const outcome: OperationOutcome & { id: string } = {
    resourceType: 'OperationOutcome',
    id: nameBasedId('withheld', nhsNumber),
    issue: [{ severity: 'information', code: SUPPRESSED, diagnostics: text, details: { text } }],
  };
  return entryOf(outcome);
}

/**
 * What the access rules left out or why they let the reader in, as FHIR says it: information issues, `suppressed`
 * for what was withheld. Named by the read (its audit id), since it describes that read, not the record.
 */
function accessNotice(notices: readonly string[], nhsNumber: string, bundleId: string): BundleEntry {
  const outcome: OperationOutcome & { id: string } = {
    resourceType: 'OperationOutcome',
    id: nameBasedId('access', nhsNumber, bundleId),
    issue: notices.map((text) => ({
      severity: 'information' as const,
      code: text.startsWith('Emergency access') ? 'informational' : SUPPRESSED,
      diagnostics: text,
      details: { text },
    })),
  };
  return entryOf(outcome);
}

const retiredPatientId = (nhsNumber: string) => nameBasedId('retired-patient', nhsNumber);

const entryOf = (resource: Resource & { id: string }): BundleEntry => ({
  fullUrl: `urn:uuid:${resource.id}`,
  resource,
});

/** A UUID derived from its parts, so the same record always gives the same Bundle. */
function nameBasedId(...parts: string[]): string {
  const hex = createHash('sha256')
    .update(`crosscare-record-api\u0000${parts.join('\u0000')}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
