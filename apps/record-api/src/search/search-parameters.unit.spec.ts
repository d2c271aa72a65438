import { NHS_NUMBER_SYSTEM, SEARCHABLE_RESOURCE_TYPES, type SearchableResourceType } from '@crosscare/fhir';
import type { HistoryPage } from '@crosscare/read-model';
import { historyLinks } from './history-answer';
import { encodeCursor } from './search-cursor';
import {
  cursorBinding,
  isSectionSearch,
  MAX_SEARCH_COUNT,
  parseFhirSearch,
  parseSectionSearch,
  type DateBound,
  type RecordSearch,
  type SearchParse,
  type SearchProblem,
} from './search-parameters';

const PATIENT = '9434765919';
const IDENTIFIER = `${NHS_NUMBER_SYSTEM}|${PATIENT}`;
const PATIENT_QUERY = `patient.identifier=${encodeURIComponent(IDENTIFIER)}`;

function searched(parse: SearchParse): RecordSearch {
  if (!parse.ok) throw new Error(`expected a search, got ${JSON.stringify(parse.problem)}`);
  return parse.search;
}

function refused(parse: SearchParse): SearchProblem {
  if (parse.ok) throw new Error(`expected a refusal, got ${JSON.stringify(parse.search)}`);
  return parse.problem;
}

/** A FHIR search of one patient's record, with the given parameters besides the patient. */
const fhir = (query: Record<string, unknown>, type: string = 'Observation') =>
  parseFhirSearch(type, { 'patient.identifier': IDENTIFIER, ...query });

const ge = (iso: string): DateBound => ({ comparator: 'ge', at: Date.parse(iso) });
const lt = (iso: string): DateBound => ({ comparator: 'lt', at: Date.parse(iso) });

/** FHIR R4's names, per type: the specification these tests hold the parser to. */
const OWN_PARAMETERS: Record<SearchableResourceType, readonly [code: string, date: string, status: string]> =
  {
    AllergyIntolerance: ['code', 'date', 'clinical-status'],
    CarePlan: ['category', 'date', 'status'],
    Condition: ['code', 'onset-date', 'clinical-status'],
    DiagnosticReport: ['code', 'date', 'status'],
    DocumentReference: ['type', 'date', 'status'],
    Encounter: ['reason-code', 'date', 'status'],
    Immunization: ['vaccine-code', 'date', 'status'],
    MedicationDispense: ['code', 'whenhandedover', 'status'],
    MedicationRequest: ['code', 'authoredon', 'status'],
    Observation: ['code', 'date', 'status'],
    Procedure: ['code', 'date', 'status'],
    ServiceRequest: ['code', 'authored', 'status'],
  };
const TYPES = SEARCHABLE_RESOURCE_TYPES.map((type) => {
  const [code, date, status] = OWN_PARAMETERS[type];
  return { type, code, date, status };
});

describe('a FHIR search of one patient', () => {
  it('given only the patient, then it is the newest first page of everything of that type', () => {
    expect(searched(fhir({}))).toEqual({
      resourceType: 'Observation',
      nhsNumber: PATIENT,
      codes: [],
      dates: [],
      statuses: [],
      count: 50,
      sort: '-date',
      summaryCount: false,
      cursor: null,
      canonicalQuery: `_count=50&_sort=-date&${PATIENT_QUERY}`,
    });
  });

  it.each(['patient.identifier', 'patient:identifier', 'subject:identifier'])(
    'given the patient as %s, then it is the same search, its links naming patient.identifier',
    (name) => {
      const search = searched(parseFhirSearch('Condition', { [name]: IDENTIFIER }));

      expect(search.nhsNumber).toBe(PATIENT);
      expect(search.canonicalQuery).toBe(`_count=50&_sort=-date&${PATIENT_QUERY}`);
    },
  );

  it('given an NHS number written with spaces, then the spaces are removed', () => {
    const search = searched(
      parseFhirSearch('Condition', { 'patient.identifier': `${NHS_NUMBER_SYSTEM}|943 476 5919` }),
    );

    expect(search.nhsNumber).toBe(PATIENT);
    expect(search.canonicalQuery).toContain(PATIENT_QUERY);
  });

  it('given no patient, then it is refused: every search is of one patient', () => {
    const problem = refused(parseFhirSearch('Observation', { code: '1234' }));

    expect(problem).toMatchObject({ parameter: 'patient.identifier', code: 'required' });
    expect(problem.message).toContain('every search is of one patient');
  });

  it.each<[string, Record<string, unknown>, SearchProblem['code'], string]>([
    [
      'two patients',
      { 'patient.identifier': `${IDENTIFIER},${NHS_NUMBER_SYSTEM}|9434765870` },
      'not-supported',
      'one patient per search',
    ],
    [
      'another identifier system',
      { 'patient.identifier': `https://example.org/mrn|${PATIENT}` },
      'not-supported',
      'NHS number only',
    ],
    [
      'a bare number, without its system',
      { 'patient.identifier': PATIENT },
      'not-supported',
      'NHS number only',
    ],
    ['nine digits', { 'patient.identifier': `${NHS_NUMBER_SYSTEM}|943476591` }, 'value', '10 digits'],
    ['letters', { 'patient.identifier': `${NHS_NUMBER_SYSTEM}|94347659AB` }, 'value', '10 digits'],
    ['no number after the system', { 'patient.identifier': `${NHS_NUMBER_SYSTEM}|` }, 'value', '10 digits'],
    ['the parameter twice', { 'patient.identifier': [IDENTIFIER, IDENTIFIER] }, 'invalid', 'only once'],
    [
      'two of its names',
      { 'patient.identifier': IDENTIFIER, 'subject:identifier': IDENTIFIER },
      'invalid',
      'more than once',
    ],
    ['a reference', { patient: 'Patient/123' }, 'not-supported', 'name the patient as patient.identifier='],
    ['a chain not supported', { 'subject.identifier': IDENTIFIER }, 'not-supported', 'name the patient as'],
    ['an empty value', { 'patient.identifier': '' }, 'value', 'empty'],
  ])('given %s, then the patient is refused', (_, query, code, message) => {
    const problem = refused(parseFhirSearch('Observation', query));

    expect(problem.code).toBe(code);
    expect(problem.message).toContain(message);
  });

  it.each(['Patient', 'Flag', 'observation', ''])(
    'given the resource type %j, then it is not searchable',
    (type) => {
      const problem = refused(fhir({}, type));

      expect(problem).toMatchObject({ parameter: 'resourceType', code: 'not-supported' });
      expect(problem.message).toContain(SEARCHABLE_RESOURCE_TYPES.join(', '));
    },
  );
});

describe("each type's parameters", () => {
  it.each(TYPES)('given $type, then its code parameter $code and code are both codes', ({ type, code }) => {
    const query = code === 'code' ? { code: ['a', 'b'] } : { [code]: 'a', code: 'b' };
    const { codes } = searched(fhir(query, type));

    expect(codes).toEqual(expect.arrayContaining([['a'], ['b']]));
    expect(codes).toHaveLength(2);
  });

  it.each(TYPES)(
    'given $type, then its date parameter $date and date are both its date',
    ({ type, date }) => {
      const query = date === 'date' ? { date: ['ge2024', 'lt2025'] } : { [date]: 'ge2024', date: 'lt2025' };

      expect(searched(fhir(query, type)).dates).toEqual(
        expect.arrayContaining([ge('2024-01-01T00:00:00Z'), lt('2025-01-01T00:00:00Z')]),
      );
      expect(searched(fhir(query, type)).dates).toHaveLength(2);
    },
  );

  it.each(TYPES)('given $type, then its status parameter is $status', ({ type, status }) => {
    expect(searched(fhir({ [status]: 'active' }, type)).statuses).toEqual(['active']);
  });

  it.each([
    ['Condition', 'status'],
    ['AllergyIntolerance', 'status'],
    ['Observation', 'clinical-status'],
    ['Observation', 'whenhandedover'],
    ['MedicationDispense', 'authoredon'],
    ['Observation', 'foo'],
    ['Observation', '_id'],
    ['Observation', '_lastUpdated'],
    ['Observation', '_include'],
    ['Observation', 'section'],
  ])('given %s searched by %s, then the parameter is not supported', (type, name) => {
    const problem = refused(fhir({ [name]: 'x' }, type));

    expect(problem).toMatchObject({ parameter: name, code: 'not-supported' });
    expect(problem.message).toContain(`${name} is not a supported search of ${type}`);
  });

  it('given an unsupported parameter, then the refusal lists what the type supports', () => {
    expect(refused(fhir({ foo: 'x' }, 'MedicationDispense')).message).toBe(
      'foo is not a supported search of MedicationDispense; supported: ' +
        '_count, _cursor, _format, _sort, _summary, code, date, patient.identifier, status, whenhandedover',
    );
  });

  it.each(['code:text', 'code:not', 'status:not', 'date:missing', 'vaccine-code:text'])(
    'given the modified parameter %s, then the modifier is not supported',
    (name) => {
      const problem = refused(fhir({ [name]: 'x' }, 'Immunization'));

      expect(problem).toMatchObject({ parameter: name, code: 'not-supported' });
      expect(problem.message).toContain(`the :${name.split(':')[1]} modifier is not supported`);
    },
  );

  it.each([{ code: { text: 'x' } }, { code: ['a', { b: 'c' }] }, { status: 42 }, { _count: null }])(
    'given a value that is not text (%j), then it is malformed',
    (query) => {
      expect(refused(fhir(query)).code).toBe('invalid');
    },
  );

  it.each(['code', 'date', 'status', '_count', '_sort', '_summary', '_cursor'])(
    'given %s empty, then the value is refused',
    (name) => {
      expect(refused(fhir({ [name]: '' }))).toMatchObject({ parameter: name, code: 'value' });
    },
  );

  it('given a repeated code with one value empty, then the value is refused', () => {
    expect(refused(fhir({ code: ['a', ''] }))).toMatchObject({ parameter: 'code', code: 'value' });
  });
});

describe('codes', () => {
  it.each<[unknown, string[][]]>([
    ['4548-4', [['4548-4']]],
    ['http://loinc.org|4548-4', [['http://loinc.org|4548-4']]],
    ['|local-1', [['|local-1']]],
    ['http://loinc.org|4548-4,|local-1,bare', [['http://loinc.org|4548-4', '|local-1', 'bare']]],
    ['a,a,b', [['a', 'b']]],
    [
      ['a,b', 'c'],
      [['a', 'b'], ['c']],
    ],
  ])('given code=%j, then the codes are %j (AND of ORs)', (code, codes) => {
    expect(searched(fhir({ code })).codes).toEqual(codes);
  });

  it('given a system without a code, then it is refused: a search by code system only is not supported', () => {
    const problem = refused(fhir({ code: 'http://loinc.org|' }));

    expect(problem).toMatchObject({ parameter: 'code', code: 'not-supported' });
    expect(problem.message).toContain('code system only');
  });

  it.each(['a,,b', 'a,', ',a', '|', 'a|b|c'])('given code=%j, then the code is malformed', (code) => {
    expect(refused(fhir({ code }))).toMatchObject({ parameter: 'code', code: 'value' });
  });

  it("given FHIR's escaped characters, then they are refused rather than misread", () => {
    expect(refused(fhir({ code: 'a\\,b' }))).toMatchObject({ parameter: 'code', code: 'not-supported' });
  });
});

describe('dates in a search (their values: search-dates.unit.spec.ts)', () => {
  it('given several dates, then every bound must hold', () => {
    expect(searched(fhir({ date: ['ge2024-01', 'lt2024-03-01'] })).dates).toEqual([
      ge('2024-01-01T00:00:00Z'),
      lt('2024-03-01T00:00:00Z'),
    ]);
  });

  it.each<[string, SearchProblem['code']]>([
    ['2024-02-30', 'value'],
    ['ne2024', 'not-supported'],
    ['2024,2025', 'not-supported'],
  ])('given date=%s, then the search is refused (%s), naming the date parameter', (date, code) => {
    expect(refused(fhir({ date }))).toMatchObject({ parameter: 'date', code });
  });

  it("given a malformed value of the type's own date parameter, then the refusal names that parameter", () => {
    expect(refused(fhir({ authoredon: '2024-02-30' }, 'MedicationRequest'))).toMatchObject({
      parameter: 'authoredon',
      code: 'value',
    });
  });
});

describe('statuses', () => {
  it.each<[string, string[]]>([
    ['final', ['final']],
    ['final,amended', ['final', 'amended']],
    ['Final,AMENDED,final', ['final', 'amended']],
    ['entered-in-error', ['entered-in-error']],
    ['no-such-status', ['no-such-status']],
  ])('given status=%s, then any of %j matches', (status, statuses) => {
    expect(searched(fhir({ status })).statuses).toEqual(statuses);
  });

  it.each(['final,', ',final', 'fin al', 'final1', 'final|x', 'http://hl7.org|final'])(
    'given status=%j, then it is malformed',
    (status) => {
      expect(refused(fhir({ status }))).toMatchObject({ parameter: 'status', code: 'value' });
    },
  );

  it('given status twice, then it is refused: alternatives are separated by commas', () => {
    const problem = refused(fhir({ status: ['final', 'amended'] }));

    expect(problem).toMatchObject({ parameter: 'status', code: 'invalid' });
    expect(problem.message).toContain('separate alternative codes with commas');
  });
});

describe('paging, sorting and summary', () => {
  it.each<[string, number, boolean]>([
    ['1', 1, false],
    ['10', 10, false],
    ['200', 200, false],
    ['201', MAX_SEARCH_COUNT, false],
    ['100000000000000000000', MAX_SEARCH_COUNT, false],
    ['0', 0, true],
  ])('given _count=%s, then a page holds %d (count only: %s)', (_count, count, summaryCount) => {
    expect(searched(fhir({ _count }))).toMatchObject({ count, summaryCount });
  });

  it('given _count above the most a page holds, then the links ask for the most', () => {
    expect(searched(fhir({ _count: '500' })).canonicalQuery).toContain('_count=200&');
  });

  it.each(['-1', '1.5', 'ten', '1e3', ' 5'])('given _count=%j, then it is malformed', (_count) => {
    expect(refused(fhir({ _count }))).toMatchObject({ parameter: '_count', code: 'value' });
  });

  it.each<[string, string, 'date' | '-date']>([
    ['Observation', 'date', 'date'],
    ['Observation', '-date', '-date'],
    ['MedicationRequest', 'authoredon', 'date'],
    ['MedicationRequest', '-authoredon', '-date'],
    ['MedicationRequest', '-date', '-date'],
    ['Condition', 'onset-date', 'date'],
  ])('given %s with _sort=%s, then it sorts by %s', (type, _sort, sort) => {
    const search = searched(fhir({ _sort }, type));

    expect(search.sort).toBe(sort);
    expect(search.canonicalQuery).toContain(`_sort=${sort}`);
  });

  it.each<[string, string]>([
    ['Observation', 'code'],
    ['Observation', '-authoredon'],
    ['Observation', 'date,code'],
    ['Observation', '_lastUpdated'],
    ['Observation', '--date'],
  ])('given %s with _sort=%s, then the sort is not supported', (type, _sort) => {
    const problem = refused(fhir({ _sort }, type));

    expect(problem).toMatchObject({ parameter: '_sort', code: 'not-supported' });
    expect(problem.message).toContain('sort by date only');
  });

  it('given _summary=count, then it asks for the total only', () => {
    expect(searched(fhir({ _summary: 'count', _count: '10' }))).toMatchObject({
      summaryCount: true,
      count: 0,
    });
  });

  it('given _summary=false, then it is an ordinary search', () => {
    expect(searched(fhir({ _summary: 'false' }))).toMatchObject({ summaryCount: false, count: 50 });
  });

  it.each(['true', 'text', 'data', 'COUNT'])('given _summary=%s, then it is not supported', (_summary) => {
    expect(refused(fhir({ _summary }))).toMatchObject({ parameter: '_summary', code: 'not-supported' });
  });

  it.each(['_count', '_sort', '_summary', '_cursor'])('given %s twice, then it is refused', (name) => {
    const problem = refused(fhir({ [name]: ['a', 'b'] }));

    expect(problem).toMatchObject({ parameter: name, code: 'invalid' });
    expect(problem.message).toContain('only once');
  });

  it.each<unknown>(['json', 'xml', '', ['fhir', 'json'], { a: 'b' }])(
    'given _format=%j, then it is left to the HTTP edge',
    (_format) => {
      expect(searched(fhir({ _format })).canonicalQuery).not.toContain('_format');
    },
  );
});

describe('the canonical query', () => {
  it('given the example search, then it is written with sorted names and encoded values', () => {
    const search = searched(fhir({ date: 'ge2024-01-01', code: 'http://loinc.org|4548-4' }));

    expect(search.canonicalQuery).toBe(
      `_count=50&_sort=-date&code=http%3A%2F%2Floinc.org%7C4548-4&date=ge2024-01-01&${PATIENT_QUERY}`,
    );
  });

  it('given the same search written in another order, then the query is the same', () => {
    const one = parseFhirSearch('Observation', {
      'patient.identifier': IDENTIFIER,
      code: ['b', 'a,c'],
      date: ['lt2025', 'ge2024'],
      status: 'final',
      _count: '20',
    });
    const other = parseFhirSearch('Observation', {
      _count: '20',
      date: ['ge2024', 'lt2025'],
      status: 'final',
      code: ['a,c', 'b'],
      'patient.identifier': IDENTIFIER,
    });

    expect(searched(one).canonicalQuery).toBe(searched(other).canonicalQuery);
    expect(searched(one).canonicalQuery).toBe(
      `_count=20&_sort=-date&code=a%2Cc&code=b&date=ge2024&date=lt2025&${PATIENT_QUERY}&status=final`,
    );
  });

  it('given defaults written out or left out, then the query is the same', () => {
    const written = searched(fhir({ _count: '50', _sort: '-date', _summary: 'false' }));

    expect(written.canonicalQuery).toBe(searched(fhir({})).canonicalQuery);
  });

  it('given a count only, then the query says _summary=count however it was asked', () => {
    const byCount = searched(fhir({ _count: '0' })).canonicalQuery;

    expect(byCount).toBe(`_sort=-date&_summary=count&${PATIENT_QUERY}`);
    expect(searched(fhir({ _summary: 'count', _count: '25' })).canonicalQuery).toBe(byCount);
  });

  it('given a cursor and a format, then neither is part of the query', () => {
    const first = searched(fhir({}));
    const _cursor = encodeCursor(
      { date: 1, providerOdsCode: 'Y1', sourceRecordId: 'r', part: '' },
      cursorBinding(first),
    );

    expect(searched(fhir({ _cursor, _format: 'json' })).canonicalQuery).toBe(first.canonicalQuery);
  });

  it("given the type's own parameter names, then they are kept as given", () => {
    const search = searched(fhir({ whenhandedover: 'ge2024', date: 'lt2025' }, 'MedicationDispense'));

    expect(search.canonicalQuery).toBe(
      `_count=50&_sort=-date&date=lt2025&${PATIENT_QUERY}&whenhandedover=ge2024`,
    );
  });
});

describe('the next page', () => {
  const POSITION = {
    date: Date.parse('2024-03-05T10:15:00Z'),
    providerOdsCode: 'Y12345',
    sourceRecordId: 'obs-9',
    part: '',
  };

  it('given the cursor the previous page ended with, then the search resumes from it', () => {
    const first = searched(fhir({ code: 'a', _count: '10' }));
    const _cursor = encodeCursor(POSITION, cursorBinding(first));

    expect(searched(fhir({ _count: '10', code: 'a', _cursor })).cursor).toEqual(POSITION);
  });

  it.each<[string, Record<string, unknown>]>([
    ['another code', { code: 'b', _count: '10' }],
    ['another page size', { code: 'a', _count: '20' }],
    ['another sort', { code: 'a', _count: '10', _sort: 'date' }],
  ])(
    "given a cursor from another search (%s), then it is refused: the link is not this search's",
    (_, query) => {
      const first = searched(fhir({ code: 'a', _count: '10' }));
      const _cursor = encodeCursor(POSITION, cursorBinding(first));

      expect(refused(fhir({ ...query, _cursor }))).toEqual({
        parameter: '_cursor',
        code: 'invalid',
        message: "the page link is not one of this search's; start again from the first page",
      });
    },
  );

  it('given a cursor from an Observation search, then it is refused on a Condition search with the same query', () => {
    const observations = searched(fhir({ code: 'a', _count: '10' }, 'Observation'));
    const conditions = searched(fhir({ code: 'a', _count: '10' }, 'Condition'));
    const _cursor = encodeCursor(POSITION, cursorBinding(observations));

    expect(conditions.canonicalQuery).toBe(observations.canonicalQuery);
    expect(refused(fhir({ code: 'a', _count: '10', _cursor }, 'Condition'))).toMatchObject({
      parameter: '_cursor',
      code: 'invalid',
    });
    expect(searched(fhir({ code: 'a', _count: '10', _cursor }, 'Observation')).cursor).toEqual(POSITION);
  });

  it('given a cursor encoded with the query alone, as before the binding took in the path, then it is refused', () => {
    const first = searched(fhir({ code: 'a', _count: '10' }));
    const _cursor = encodeCursor(POSITION, first.canonicalQuery);

    expect(refused(fhir({ code: 'a', _count: '10', _cursor })).parameter).toBe('_cursor');
  });

  it('given a cursor that is not one at all, then it is refused the same way', () => {
    expect(refused(fhir({ _cursor: 'not-a-cursor' }))).toMatchObject({
      parameter: '_cursor',
      code: 'invalid',
    });
  });
});

describe("the next page's link", () => {
  const POSITION = { date: 1, providerOdsCode: 'Y1', sourceRecordId: 'r-1', part: '' };
  const PAGE: HistoryPage = { total: 2, resources: [], next: POSITION };
  /** The query of a link as the HTTP edge would hand it to the parser. */
  const queryOf = (link: string | null) => Object.fromEntries(new URL(link ?? 'missing:').searchParams);

  it('given a FHIR search, then its next link resumes the same search, and no other type', () => {
    const search = searched(fhir({ code: 'a' }, 'Observation'));
    const { next } = historyLinks(
      'https://x',
      { kind: 'FHIR', resourceType: 'Observation' },
      PATIENT,
      search,
      PAGE,
    );

    expect(next).toMatch(/^https:\/\/x\/fhir\/Observation\?/);
    expect(searched(parseFhirSearch('Observation', queryOf(next))).cursor).toEqual(POSITION);
    expect(refused(parseFhirSearch('Condition', queryOf(next))).parameter).toBe('_cursor');
  });

  it("given a section search of a merged patient, then its next link resumes at the survivor's path", () => {
    const survivor = '9434765870';
    const search = searched(parseSectionSearch(PATIENT, { section: 'problems' }));
    const route = { kind: 'SECTION', nhsNumber: PATIENT } as const;
    const { next } = historyLinks('https://x', route, survivor, search, PAGE);

    expect(next).toMatch(new RegExp(`^https://x/patients/${survivor}/record\\?`));
    expect(searched(parseSectionSearch(survivor, queryOf(next))).cursor).toEqual(POSITION);
    expect(refused(parseSectionSearch(PATIENT, queryOf(next))).parameter).toBe('_cursor');
  });
});

describe('a search of a section of the JSON record', () => {
  it('given a section, then its resource type is searched for the patient in the path', () => {
    expect(searched(parseSectionSearch(PATIENT, { section: 'observations', code: 'x' }))).toEqual({
      resourceType: 'Observation',
      nhsNumber: PATIENT,
      codes: [['x']],
      dates: [],
      statuses: [],
      count: 50,
      sort: '-date',
      summaryCount: false,
      cursor: null,
      canonicalQuery: '_count=50&_sort=-date&code=x&section=observations',
    });
  });

  it.each([
    ['problems', 'Condition'],
    ['dispensings', 'MedicationDispense'],
    ['care-plans', 'CarePlan'],
    ['results', 'DiagnosticReport'],
  ])('given section=%s, then %s is searched', (section, resourceType) => {
    expect(searched(parseSectionSearch(PATIENT, { section })).resourceType).toBe(resourceType);
  });

  it("given the section's own FHIR parameter names, then they are accepted", () => {
    const search = searched(
      parseSectionSearch(PATIENT, { section: 'dispensings', whenhandedover: 'ge2024' }),
    );

    expect(search.dates).toEqual([ge('2024-01-01T00:00:00Z')]);
  });

  it('given an NHS number in the path written with spaces, then the spaces are removed', () => {
    expect(searched(parseSectionSearch('943 476 5919', { section: 'problems' })).nhsNumber).toBe(PATIENT);
  });

  it('given an NHS number in the path that is not 10 digits, then it is refused', () => {
    expect(refused(parseSectionSearch('12345', { section: 'problems' }))).toMatchObject({
      parameter: 'nhsNumber',
      code: 'value',
    });
  });

  it('given search parameters without a section, then the section is required', () => {
    const problem = refused(parseSectionSearch(PATIENT, { code: 'x' }));

    expect(problem).toMatchObject({ parameter: 'section', code: 'required' });
    expect(problem.message).toContain('problems, allergies, prescriptions');
  });

  it('given a section that is not one, then it is refused, naming the sections', () => {
    const problem = refused(parseSectionSearch(PATIENT, { section: 'alerts' }));

    expect(problem).toMatchObject({ parameter: 'section', code: 'value' });
    expect(problem.message).toContain('problems, allergies, prescriptions, dispensings');
  });

  it.each<[unknown, SearchProblem['code']]>([
    [['problems', 'allergies'], 'invalid'],
    ['', 'value'],
    [{ a: 'b' }, 'invalid'],
  ])('given section=%j, then it is refused', (section, code) => {
    expect(refused(parseSectionSearch(PATIENT, { section }))).toMatchObject({ parameter: 'section', code });
  });

  it.each(['patient.identifier', 'patient:identifier', 'subject:identifier', 'patient'])(
    'given a patient parameter %s, then it is refused: the patient is the one in the path',
    (name) => {
      const problem = refused(parseSectionSearch(PATIENT, { section: 'problems', [name]: IDENTIFIER }));

      expect(problem).toMatchObject({ parameter: name, code: 'not-supported' });
      expect(problem.message).toContain('the patient is the one in the path');
    },
  );

  it('given an unsupported parameter, then the refusal lists the section search parameters', () => {
    expect(refused(parseSectionSearch(PATIENT, { section: 'problems', foo: 'x' })).message).toBe(
      'foo is not a supported search of Condition; supported: ' +
        '_count, _cursor, _format, _sort, _summary, clinical-status, code, date, onset-date, section',
    );
  });

  it('given a cursor from the same section search, then the search resumes from it', () => {
    const first = searched(parseSectionSearch(PATIENT, { section: 'problems', _count: '5' }));
    const position = { date: null, providerOdsCode: 'Y1', sourceRecordId: 'p-1', part: '' };
    const _cursor = encodeCursor(position, cursorBinding(first));

    expect(
      searched(parseSectionSearch(PATIENT, { _cursor, _count: '5', section: 'problems' })).cursor,
    ).toEqual(position);
    expect(refused(parseSectionSearch(PATIENT, { _cursor, _count: '5', section: 'allergies' })).code).toBe(
      'invalid',
    );
  });

  it("given a cursor from one patient's section search, then it is refused for another patient's same search", () => {
    const other = '9434765870';
    const mine = searched(parseSectionSearch(PATIENT, { section: 'problems', code: 'x' }));
    const theirs = searched(parseSectionSearch(other, { section: 'problems', code: 'x' }));
    const position = { date: 1, providerOdsCode: 'Y1', sourceRecordId: 'p-1', part: '' };
    const _cursor = encodeCursor(position, cursorBinding(mine));

    expect(theirs.canonicalQuery).toBe(mine.canonicalQuery);
    expect(refused(parseSectionSearch(other, { section: 'problems', code: 'x', _cursor }))).toEqual({
      parameter: '_cursor',
      code: 'invalid',
      message: "the page link is not one of this search's; start again from the first page",
    });
    expect(searched(parseSectionSearch(PATIENT, { section: 'problems', code: 'x', _cursor })).cursor).toEqual(
      position,
    );
  });
});

describe('whether the record route asks for a search', () => {
  it.each<[Record<string, unknown>, boolean]>([
    [{}, false],
    [{ _format: 'json' }, false],
    [{ section: 'problems' }, true],
    [{ code: 'x' }, true],
    [{ _format: 'fhir', _count: '5' }, true],
    [{ foo: 'bar' }, true],
  ])('given the query %j, then it is a search: %s', (query, search) => {
    expect(isSectionSearch(query)).toBe(search);
  });
});
