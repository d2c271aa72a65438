import {
  isSearchableResourceType,
  isSearchedSection,
  NHS_NUMBER_SYSTEM,
  SEARCHABLE_RESOURCE_TYPES,
  SEARCHED_SECTIONS,
  type SearchableResourceType,
} from '@crosscare/fhir';
import { CrosscareError } from '@crosscare/errors';
import { decodeCursor } from './search-cursor';
import { parseDate, type DateBound } from './search-dates';

export type { DateBound, DateComparator } from './search-dates';
export interface SearchCursor {
  readonly date: number | null;
  readonly providerOdsCode: string;
  readonly sourceRecordId: string;
  readonly part: string;
}
export interface RecordSearch {
  readonly resourceType: SearchableResourceType;
  /** The NHS number as given (10 digits, spaces removed); its check digit is the caller's to validate. */
  readonly nhsNumber: string;
  /**
   * AND of ORs: each repeated code parameter is one group; commas within one value are OR. Tokens as the index
   * stores them: `system|code`, bare `code`, `|code` for no system.
   */
  readonly codes: readonly (readonly string[])[];
  /** Every bound must hold (AND). */
  readonly dates: readonly DateBound[];
  /** OR of FHIR status codes (lower-case as FHIR writes them). Empty = any. */
  readonly statuses: readonly string[];
  /** Entries per page; 0 when summaryCount. */
  readonly count: number;
  readonly sort: 'date' | '-date';
  /** _summary=count: the total only, no entries. */
  readonly summaryCount: boolean;
  /** Where the previous page ended; null for the first page. */
  readonly cursor: SearchCursor | null;
  /**
   * The search's own parameters, canonical (sorted names, values as given, no cursor, no _format): for paging links
   * and for the audit, and part of what binds a cursor to its search (see cursorBinding). e.g.
   * `_count=50&_sort=-date&code=http%3A%2F%2Floinc.org%7C4548-4&date=ge2024-01-01`
   * The patient (FHIR: always as `patient.identifier=<NHS number system>|<n>`) or the section is included; `_count`
   * and `_sort` are always written with the values in force, `_summary=count` in place of `_count` for a count only.
   */
  readonly canonicalQuery: string;
}
export interface SearchProblem {
  readonly parameter: string;
  readonly message: string;
  readonly code: 'value' | 'required' | 'not-supported' | 'invalid';
}
export type SearchParse =
  | { readonly ok: true; readonly search: RecordSearch }
  | { readonly ok: false; readonly problem: SearchProblem };

export const DEFAULT_SEARCH_COUNT = 50;
export const MAX_SEARCH_COUNT = 200;

/**
 * Each type's FHIR R4 search parameters. Every type also takes `code` for its code parameter and `date` for its
 * principal date, so a caller need not learn thirteen names for the same two questions.
 *
 * | Resource type      | code parameter | date parameter  | status parameter |
 * |--------------------|----------------|-----------------|------------------|
 * | AllergyIntolerance | code           | date            | clinical-status  |
 * | CarePlan           | category       | date            | status           |
 * | Condition          | code           | onset-date      | clinical-status  |
 * | DiagnosticReport   | code           | date            | status           |
 * | DocumentReference  | type           | date            | status           |
 * | Encounter          | reason-code    | date            | status           |
 * | Immunization       | vaccine-code   | date            | status           |
 * | MedicationDispense | code           | whenhandedover  | status           |
 * | MedicationRequest  | code           | authoredon      | status           |
 * | Observation        | code           | date            | status           |
 * | Procedure          | code           | date            | status           |
 * | ServiceRequest     | code           | authored        | status           |
 */
const TYPE_PARAMETERS: Readonly<Record<SearchableResourceType, TypeParameters>> = {
  AllergyIntolerance: { code: 'code', date: 'date', status: 'clinical-status' },
  CarePlan: { code: 'category', date: 'date', status: 'status' },
  Condition: { code: 'code', date: 'onset-date', status: 'clinical-status' },
  DiagnosticReport: { code: 'code', date: 'date', status: 'status' },
  DocumentReference: { code: 'type', date: 'date', status: 'status' },
  Encounter: { code: 'reason-code', date: 'date', status: 'status' },
  Immunization: { code: 'vaccine-code', date: 'date', status: 'status' },
  MedicationDispense: { code: 'code', date: 'whenhandedover', status: 'status' },
  MedicationRequest: { code: 'code', date: 'authoredon', status: 'status' },
  Observation: { code: 'code', date: 'date', status: 'status' },
  Procedure: { code: 'code', date: 'date', status: 'status' },
  ServiceRequest: { code: 'code', date: 'authored', status: 'status' },
};

type TypeParameters = { readonly code: string; readonly date: string; readonly status: string };

/** The patient of a FHIR search, by NHS number; the first is the form links are written in. */
const PATIENT_PARAMETERS = ['patient.identifier', 'patient:identifier', 'subject:identifier'];
const PATIENT_FORM = `${PATIENT_PARAMETERS[0]}=${NHS_NUMBER_SYSTEM}|<NHS number>`;

type Kind = 'code' | 'date' | 'status' | '_count' | '_sort' | '_summary' | '_cursor' | '_format' | 'patient';
type Route = { readonly kind: 'fhir' } | { readonly kind: 'section'; readonly section: string };

/**
 * Parameters taken once. Status too: a resource has one status, so two status parameters (AND) could match only a
 * code in both, and an empty intersection would read as "any status".
 */
const GIVEN_ONCE = new Set<Kind>(['_count', '_sort', '_summary', '_cursor', 'patient', 'status']);

/** A refusal raised deep in the parse and turned into the one problem answered, at the entry points. */
class Refusal extends CrosscareError {
  constructor(readonly problem: SearchProblem) {
    super(problem.message, { retriable: false });
  }
}

function refuse(parameter: string, code: SearchProblem['code'], message: string): never {
  throw new Refusal({ parameter, message, code });
}

function answered(parse: () => RecordSearch): SearchParse {
  try {
    return { ok: true, search: parse() };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, problem: error.problem };
    throw error;
  }
}

/**
 * FHIR: GET /fhir/{resourceType}?... The patient is required:
 * patient.identifier=https://fhir.nhs.uk/Id/nhs-number|<n> (also accept patient:identifier= and
 * subject:identifier= — same value form).
 */
export function parseFhirSearch(resourceType: string, query: Record<string, unknown>): SearchParse {
  return answered(() => {
    if (!isSearchableResourceType(resourceType)) {
      const types = SEARCHABLE_RESOURCE_TYPES.join(', ');
      refuse('resourceType', 'not-supported', `${resourceType} cannot be searched; searchable: ${types}`);
    }
    return parseSearch(resourceType, { kind: 'fhir' }, query, undefined);
  });
}

/**
 * JSON: GET /patients/{nhsNumber}/record?section=<section>&... The patient comes from the path; a patient parameter
 * here is refused.
 */
export function parseSectionSearch(nhsNumber: string, query: Record<string, unknown>): SearchParse {
  return answered(() => {
    const patient = nhsNumberOf('nhsNumber', nhsNumber);
    const sections = Object.keys(SEARCHED_SECTIONS).join(', ');
    if (query.section === undefined) {
      refuse('section', 'required', `a search of the record names its section: section=<one of ${sections}>`);
    }
    const section = onlyValue('section', query.section);
    if (!isSearchedSection(section)) refuse('section', 'value', `${section} is not one of ${sections}`);
    const rest = Object.fromEntries(Object.entries(query).filter(([name]) => name !== 'section'));
    return parseSearch(SEARCHED_SECTIONS[section], { kind: 'section', section }, rest, patient);
  });
}

/**
 * Whether the record route's query asks for a search (has `section` or any search parameter other than _format)
 * rather than the record view. Any other parameter counts, so a search missing its section is refused as one
 * rather than answered silently with the whole record.
 */
export function isSectionSearch(query: Record<string, unknown>): boolean {
  return Object.keys(query).some((name) => name !== '_format');
}

function parseSearch(
  resourceType: SearchableResourceType,
  route: Route,
  query: Record<string, unknown>,
  pathNhsNumber: string | undefined,
): RecordSearch {
  const parameters = parametersOf(resourceType, route);
  const codes: string[][] = [];
  const dates: DateBound[] = [];
  const canonical: [string, string][] = route.kind === 'section' ? [['section', route.section]] : [];
  let statuses: string[] = [];
  let count = DEFAULT_SEARCH_COUNT;
  let sort: RecordSearch['sort'] = '-date';
  let summaryCount = false;
  let cursorToken: string | undefined;
  let nhsNumber = pathNhsNumber;

  // Sorted, so that of several problems the same one is reported whatever order the caller wrote them in.
  for (const name of Object.keys(query).sort()) {
    const kind = parameters.get(name) ?? unsupported(name, resourceType, route, parameters);
    if (kind === '_format') continue;
    const values = GIVEN_ONCE.has(kind) ? [onlyValue(name, query[name], kind)] : valuesOf(name, query[name]);
    const [value] = values;
    if (kind === 'code' || kind === 'date' || kind === 'status') {
      for (const given of values) canonical.push([name, given]);
    }
    switch (kind) {
      case 'code':
        codes.push(...values.map((given) => [...new Set(codeTokens(name, given))]));
        break;
      case 'date':
        dates.push(...values.flatMap((given) => dateBounds(name, given)));
        break;
      case 'status':
        statuses = [...new Set(statusCodes(name, value))];
        break;
      case '_count':
        if (!/^\d+$/.test(value)) {
          refuse(name, 'value', `_count is a whole number of entries a page (0 for the total only)`);
        }
        // More than a page holds asks for as much as there may be, not for something wrong.
        count = Math.min(Number(value), MAX_SEARCH_COUNT);
        summaryCount ||= count === 0;
        break;
      case '_sort':
        sort = sortOf(name, value, TYPE_PARAMETERS[resourceType].date);
        break;
      case '_summary':
        if (value !== 'count' && value !== 'false') {
          refuse(name, 'not-supported', 'only _summary=count (the total only) or false is supported');
        }
        summaryCount ||= value === 'count';
        break;
      case '_cursor':
        cursorToken = value;
        break;
      case 'patient':
        if (nhsNumber !== undefined) refuse(name, 'invalid', 'the patient is given more than once; give one');
        nhsNumber = patientNhsNumber(name, value);
        canonical.push([PATIENT_PARAMETERS[0], `${NHS_NUMBER_SYSTEM}|${nhsNumber}`]);
        break;
    }
  }
  if (nhsNumber === undefined) {
    return refuse(PATIENT_PARAMETERS[0], 'required', `every search is of one patient: give ${PATIENT_FORM}`);
  }
  if (summaryCount) count = 0;
  canonical.push(summaryCount ? ['_summary', 'count'] : ['_count', String(count)], ['_sort', sort]);
  const canonicalQuery = canonicalQueryOf(canonical);
  const binding = cursorBinding({ resourceType, nhsNumber, canonicalQuery });
  const cursor = cursorToken === undefined ? null : decodeCursor(cursorToken, binding);
  if (cursorToken !== undefined && cursor === null) {
    const message = "the page link is not one of this search's; start again from the first page";
    refuse('_cursor', 'invalid', message);
  }
  return {
    resourceType,
    nhsNumber,
    codes,
    dates,
    statuses,
    count,
    sort,
    summaryCount,
    cursor,
    canonicalQuery,
  };
}

/**
 * What a page cursor is bound to: the whole search, not only its query. The query leaves out what the path says
 * (the resource type of /fhir/{type}, the patient of /patients/{nhsNumber}/record), and a cursor carried to another
 * type or another patient with the same query must be refused like one carried to another query.
 */
export function cursorBinding(
  search: Pick<RecordSearch, 'resourceType' | 'nhsNumber' | 'canonicalQuery'>,
): string {
  return `${search.resourceType}\n${search.nhsNumber}\n${search.canonicalQuery}`;
}

function parametersOf(resourceType: SearchableResourceType, route: Route): ReadonlyMap<string, Kind> {
  const own = TYPE_PARAMETERS[resourceType];
  const parameters = new Map<string, Kind>([
    ...(['code', own.code] as const).map((name) => [name, 'code'] as const),
    ...(['date', own.date] as const).map((name) => [name, 'date'] as const),
    [own.status, 'status'],
    ...(['_count', '_sort', '_summary', '_cursor', '_format'] as const).map((name) => [name, name] as const),
  ]);
  if (route.kind === 'fhir') for (const name of PATIENT_PARAMETERS) parameters.set(name, 'patient');
  return parameters;
}

/** Names what is supported in the refusal, so the caller can correct the request without the docs. */
function unsupported(name: string, type: string, route: Route, parameters: ReadonlyMap<string, Kind>): never {
  if (/^(patient|subject)\b/.test(name)) {
    if (route.kind === 'fhir') refuse(name, 'not-supported', `name the patient as ${PATIENT_FORM}`);
    refuse(name, 'not-supported', 'the patient is the one in the path (/patients/{nhsNumber}/record)');
  }
  const [base, modifier] = name.split(':', 2);
  if (modifier !== undefined && parameters.has(base)) {
    refuse(name, 'not-supported', `the :${modifier} modifier is not supported on ${base}`);
  }
  const names = [...parameters.keys(), ...(route.kind === 'section' ? ['section'] : [])]
    .filter((known) => known === PATIENT_PARAMETERS[0] || !PATIENT_PARAMETERS.includes(known))
    .sort();
  const message = `${name} is not a supported search of ${type}; supported: ${names.join(', ')}`;
  return refuse(name, 'not-supported', message);
}

/** Repeats arrive as an array; anything else that is not a string (a nested object from a parser) is malformed. */
function valuesOf(name: string, raw: unknown): readonly string[] {
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (!values.every((value): value is string => typeof value === 'string')) {
    refuse(name, 'invalid', `${name} must be a plain text value`);
  }
  if (values.includes('')) refuse(name, 'value', `${name} is empty; give a value or leave it out`);
  return values;
}

function onlyValue(name: string, raw: unknown, kind?: Kind): string {
  const values = valuesOf(name, raw);
  if (values.length > 1) {
    const hint = kind === 'status' ? '; separate alternative codes with commas' : '';
    refuse(name, 'invalid', `${name} may be given only once${hint}`);
  }
  return values[0];
}

function codeTokens(name: string, given: string): readonly string[] {
  if (given.includes('\\')) refuse(name, 'not-supported', `escaped characters (\\) are not supported`);
  const tokens = given.split(',');
  for (const token of tokens) {
    const [system, code, extra] = token.includes('|') ? token.split('|') : [undefined, token];
    if (code === '' && system) {
      refuse(name, 'not-supported', `${token} searches by code system only, not supported: give system|code`);
    }
    if (code === '' || extra !== undefined) {
      refuse(name, 'value', `${JSON.stringify(token)} is not a code: give system|code, |code or code`);
    }
  }
  return tokens;
}

function statusCodes(name: string, given: string): readonly string[] {
  const codes = given.toLowerCase().split(',');
  const bad = codes.find((code) => !/^[a-z-]+$/.test(code));
  if (bad !== undefined) refuse(name, 'value', `${JSON.stringify(bad)} is not a status code (a-z, -)`);
  return codes;
}

function sortOf(name: string, value: string, ownDate: string): RecordSearch['sort'] {
  const key = value.replace(/^-/, '');
  if (key !== 'date' && key !== ownDate) {
    const forms = [...new Set(['date', '-date', ownDate, `-${ownDate}`])].join(', ');
    refuse(name, 'not-supported', `results sort by date only: ${name}=${forms}`);
  }
  return value.startsWith('-') ? '-date' : 'date';
}

function dateBounds(name: string, given: string): readonly DateBound[] {
  const parsed = parseDate(name, given);
  return parsed.ok ? parsed.bounds : refuse(name, parsed.code, parsed.message);
}

function patientNhsNumber(name: string, value: string): string {
  if (value.includes(',')) refuse(name, 'not-supported', 'one patient per search: give a single NHS number');
  const bar = value.indexOf('|');
  if (bar < 0 || value.slice(0, bar) !== NHS_NUMBER_SYSTEM) {
    refuse(name, 'not-supported', `patients are searched by NHS number only: ${PATIENT_FORM}`);
  }
  return nhsNumberOf(name, value.slice(bar + 1));
}

function nhsNumberOf(parameter: string, given: string): string {
  const digits = given.replace(/ /g, '');
  return /^\d{10}$/.test(digits) ? digits : refuse(parameter, 'value', 'an NHS number is 10 digits');
}

/** Sorted by name then value, so the same search has the same query however its parameters were ordered. */
function canonicalQueryOf(pairs: readonly [string, string][]): string {
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...pairs]
    .sort(([nameA, valueA], [nameB, valueB]) => order(nameA, nameB) || order(valueA, valueB))
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}
