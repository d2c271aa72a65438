import { SEARCHED_SECTIONS, type SearchedSection } from '@crosscare/fhir';
import type { PurposeOfUse, RecordSection, Relationship } from '@crosscare/governance';
import type { ShortenedSection, SharedRecordView } from '@crosscare/projection';
import type { PatientRecordSet } from '@crosscare/read-model';
import { fhirSearchUrl, sectionSearchUrl } from '../search/search-links';

/**
 * Under which rules the answer was given: the role and purpose it was read in, why the reader's organisation may see
 * it, whether the glass was broken or a patient's objection applied, and which sections the role is not granted.
 * Withheld sections are absent from the answer, not empty: an empty list would read as "none recorded".
 */
export interface RecordAccessSummary {
  /** The Crosscare role the reader's role claim maps to. */
  readonly role: string;
  readonly purposeOfUse: PurposeOfUse;
  readonly relationship: Relationship | null;
  readonly breakGlass: boolean;
  /** The patient objects to sharing: only the reader organisation's own items are shown. */
  readonly objectionApplied: boolean;
  readonly sectionsWithheld: RecordSection[];
}

/** The JSON view's keys each section of the roles file covers. */
const VIEW_KEYS: { readonly [S in RecordSection]: readonly (keyof SharedRecordView)[] } = {
  alerts: ['alerts'],
  demographics: ['demographics', 'registeredGp'],
  death: ['death'],
  problems: ['problems'],
  allergies: ['allergies'],
  medications: ['medications'],
  encounters: ['encounters'],
  observations: ['observations'],
  immunisations: ['immunisations'],
  'care-plans': ['carePlans'],
  referrals: ['referrals'],
  'social-care': ['socialCare'],
  'end-of-life': ['endOfLife'],
  documents: ['documents'],
  results: ['results'],
  procedures: ['procedures'],
};

/** The view key each searched list section is in: a section is withheld with the record section covering that key. */
const SEARCHED_VIEW_KEYS: { readonly [S in SearchedSection]: keyof SharedRecordView } = {
  problems: 'problems',
  allergies: 'allergies',
  prescriptions: 'medications',
  dispensings: 'medications',
  encounters: 'encounters',
  observations: 'observations',
  immunisations: 'immunisations',
  'care-plans': 'carePlans',
  referrals: 'referrals',
  documents: 'documents',
  results: 'results',
  procedures: 'procedures',
};

/** What each searched section lists, as the notices name it. */
const SECTION_NOUNS: { readonly [S in SearchedSection]: string } = {
  problems: 'problems',
  allergies: 'allergies',
  prescriptions: 'prescriptions',
  dispensings: 'dispensings',
  encounters: 'encounters',
  observations: 'observations',
  immunisations: 'immunisations',
  'care-plans': 'care plans',
  referrals: 'referrals',
  documents: 'documents',
  results: 'result reports',
  procedures: 'procedures',
};

/** The sections the view lists only part of (shortenedSections), by the names the record API searches them by. */
export type ShortenedSections = Partial<Record<SearchedSection, ShortenedSection>>;

/** A section the answer lists only part of: how much, by what rule, and where the rest is. */
export interface ShortenedNotice extends ShortenedSection {
  /** What the answer leaves out and where to get it, in words a clinician reads. */
  readonly notice: string;
  /** The section's whole history as JSON: GET it with the same headers. */
  readonly rest: string;
  /** The same history as a FHIR searchset. */
  readonly fhirSearch: string;
}

/**
 * The shortened sections of a read, each with its notice and links, in SEARCHED_SECTIONS order. Sections of the
 * role's withheld record sections are left out whatever they were given: their counts would say what was withheld.
 */
export function shortenedNotices(
  shortened: ShortenedSections,
  access: Pick<RecordAccessSummary, 'sectionsWithheld'>,
  nhsNumber: string,
  linkBase: string,
): Partial<Record<SearchedSection, ShortenedNotice>> {
  const withheld = new Set(access.sectionsWithheld.flatMap((section) => VIEW_KEYS[section]));
  const notices: Partial<Record<SearchedSection, ShortenedNotice>> = {};
  for (const section of Object.keys(SEARCHED_SECTIONS) as SearchedSection[]) {
    const counted = shortened[section];
    if (counted === undefined || withheld.has(SEARCHED_VIEW_KEYS[section])) continue;
    const rest = sectionSearchUrl(linkBase, nhsNumber, section);
    notices[section] = {
      shown: counted.shown,
      total: counted.total,
      rule: counted.rule,
      notice: shortenedNoticeText(section, counted, `GET ${rest}`),
      rest,
      fhirSearch: fhirSearchUrl(linkBase, SEARCHED_SECTIONS[section], nhsNumber),
    };
  }
  return notices;
}

/** "50 of 60 observations shown (the 50 most recent). The rest: GET /patients/…/record?section=observations" */
export function shortenedNoticeText(
  section: SearchedSection,
  counted: ShortenedSection,
  where: string,
): string {
  return `${counted.shown} of ${counted.total} ${SECTION_NOUNS[section]} shown (${counted.rule}). The rest: ${where}`;
}

/** What the answer says about what it leaves out, in words a clinician reads. */
export function accessNotices(access: RecordAccessSummary): string[] {
  const notices: string[] = [];
  if (access.breakGlass)
    notices.push(
      'Emergency access: your organisation has no recorded relationship with this patient, or the patient objects ' +
        'to sharing; this read is audited as break-glass and reported to the privacy officer.',
    );
  if (access.objectionApplied)
    notices.push(
      "The patient objects to sharing their record beyond the organisations that hold it: only your organisation's " +
        'own items are shown.',
    );
  if (access.sectionsWithheld.length > 0)
    notices.push(
      `Not shown to the ${access.role} role: ${access.sectionsWithheld.join(', ')}. ` +
        'Ask a clinician in your organisation if these are needed for care.',
    );
  return notices;
}

/** A snapshot the answer was built from, as the JSON answer names it. */
export interface SharedRecordSource {
  readonly collaborative: string;
  /** The number the snapshot is kept under: the answering one, or a number merged into it. */
  readonly nhsNumber: string;
  readonly sequence: number;
  /** ISO instant. */
  readonly updatedAt: string;
}

/**
 * The JSON answer to a read: the shared record view, headed by whose record it is. `mergedInto` is set when the
 * number asked for was retired by a merge, so a reader knows the record shown is the survivor's.
 */
export interface SharedRecordDocument extends Partial<Omit<SharedRecordView, 'sources' | 'mergedFrom'>> {
  readonly nhsNumber: string;
  readonly access: RecordAccessSummary & { readonly notices: string[] };
  /**
   * The granted list sections the answer shows only part of (the most recent observations, current problems...),
   * each with what it keeps and where the rest is; empty when every list is whole.
   */
  readonly shortened: Partial<Record<SearchedSection, ShortenedNotice>>;
  readonly requestedNhsNumber: string;
  readonly mergedInto: string | null;
  readonly mergedFrom: string[];
  readonly sources: SharedRecordSource[];
  /**
   * JSON pointers to the strings that a spreadsheet would take for a formula (they begin with =, +, -, @, a tab or a
   * carriage return, as a council's `=HYPERLINK(...)` did). Every string in the answer is plain text exactly as the
   * provider sent it; a client that copies these into a spreadsheet must store them as text.
   */
  readonly formulaLikeText: string[];
}

export interface SharedRecordDocumentOptions {
  /** Where the links to the rest of a shortened section start: the record API's public URL, or '' for relative. */
  readonly linkBase?: string;
}

/**
 * Heads the view with the patient's identity. The view's own sources and mergedFrom are replaced: the view sees the
 * snapshots relabelled to the survivor, while the answer names the number each snapshot is really kept under.
 */
export function sharedRecordDocument(
  set: PatientRecordSet,
  view: SharedRecordView,
  access: RecordAccessSummary,
  shortened: ShortenedSections,
  options: SharedRecordDocumentOptions = {},
): SharedRecordDocument {
  const { sources: _sources, mergedFrom: _mergedFrom, ...all } = view;
  const sections: Partial<typeof all> = { ...all };
  for (const section of access.sectionsWithheld)
    for (const key of VIEW_KEYS[section]) delete sections[key as keyof typeof all];
  const document = {
    nhsNumber: set.nhsNumber,
    requestedNhsNumber: set.requestedNhsNumber,
    mergedInto: set.mergedInto,
    mergedFrom: set.mergedFrom,
    sources: set.sources.map((source) => ({
      collaborative: source.collaborative,
      nhsNumber: source.nhsNumber,
      sequence: source.sequence,
      updatedAt: new Date(source.updatedAt).toISOString(),
    })),
    access: { ...access, notices: accessNotices(access) },
    shortened: shortenedNotices(shortened, access, set.nhsNumber, options.linkBase ?? ''),
    ...sections,
  };
  return { ...document, formulaLikeText: formulaLikeText(sections) };
}

/** What spreadsheets (Excel, LibreOffice, Google Sheets) read as the start of a formula in a cell. */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** JSON pointers (RFC 6901) of the strings under `value` that begin like a formula, prefixed with `path`. */
export function formulaLikeText(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return FORMULA_START.test(value) ? [path] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, member]) =>
    formulaLikeText(member, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`),
  );
}

/**
 * How many record items a view shows: the distinct events its entries cite as provenance. Counted from what is
 * shown, not from the snapshots, so items the view leaves out (old encounters, closed involvements, withheld
 * restricted ones) are not counted as read.
 */
export function itemsShown(view: SharedRecordView): number {
  const eventIds = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, member] of Object.entries(value)) {
      if (key === 'provenance' && typeof (member as { eventId?: unknown })?.eventId === 'string')
        eventIds.add((member as { eventId: string }).eventId);
      else visit(member);
    }
  };
  visit(view);
  return eventIds.size;
}
