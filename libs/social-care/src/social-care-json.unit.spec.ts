import type { AnyRecordChangeDraft, InputIssue, MappingResult } from '@crosscare/events';

import {
  BIRMINGHAM_EXTRACT_DRAFTS,
  SOCIAL_CARE_FIXTURES,
  type SocialCareFixture,
  fixtureCouncilName,
  readSocialCareFixture,
} from './fixtures';
import { mapSocialCareJson } from './social-care-json';

const options = { councilName: fixtureCouncilName, maxRecords: 100 };

const fixture = (name: SocialCareFixture): unknown => JSON.parse(readSocialCareFixture(name));

const current = (overrides: Record<string, unknown> = {}) => ({
  id: 'LL-ASM-1',
  version: 1,
  nhsNumber: '9990001014',
  kind: 'assessment',
  status: 'open',
  startDate: '2025-01-06',
  type: 'adult',
  changedAt: '2025-01-06T08:00:00Z',
  ...overrides,
});

const extract = (...records: unknown[]) => ({ council: 'E08000025', records });

function draftsOf(result: MappingResult<AnyRecordChangeDraft[]>): AnyRecordChangeDraft[] {
  if (!result.ok) throw new Error(`expected drafts, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

function issuesOf(result: MappingResult<unknown>): readonly InputIssue[] {
  if (result.ok) throw new Error('expected the extract to be rejected');
  return result.issues;
}

describe('mapSocialCareJson', () => {
  describe('a valid extract', () => {
    it('given the Birmingham extract, when mapped, then one draft per record, in order', () => {
      const result = mapSocialCareJson(fixture(SOCIAL_CARE_FIXTURES.extractJson), options);

      expect(draftsOf(result)).toEqual(BIRMINGHAM_EXTRACT_DRAFTS);
    });

    it('given a safeguarding record the council did not flag, when mapped, then it is restricted all the same', () => {
      const safeguarding = current({ kind: 'safeguarding', type: 'children', restricted: false });

      const [draft] = draftsOf(mapSocialCareJson(extract(safeguarding), options));

      expect(draft.type === 'SocialCareInvolvementRecorded' && draft.body).toMatchObject({
        involvementType: 'SAFEGUARDING',
        recordKind: 'SAFEGUARDING',
        restricted: true,
      });
    });

    it('given a record the council flagged restricted, when mapped, then it is restricted whatever its kind', () => {
      const [flagged, plain] = draftsOf(
        mapSocialCareJson(extract(current({ restricted: true }), current({ id: 'LL-ASM-2' })), options),
      );

      expect(flagged.type === 'SocialCareInvolvementRecorded' && flagged.body.restricted).toBe(true);
      expect(plain.type === 'SocialCareInvolvementRecorded' && plain.body.restricted).toBe(false);
    });

    it('given a record entered in error, when mapped, then it is removed as ENTERED_IN_ERROR', () => {
      const [draft] = draftsOf(
        mapSocialCareJson(extract(current({ version: 2, status: 'entered-in-error' })), options),
      );

      expect(draft).toEqual({
        type: 'RecordRemoved',
        source: expect.objectContaining({ operation: 'DELETE', sourceRecordVersion: 2 }),
        body: {
          removedEventType: 'SocialCareInvolvementRecorded',
          removedSourceRecordId: 'SocialCare/LL-ASM-1',
          reason: 'ENTERED_IN_ERROR',
          replacedBySourceRecordId: null,
        },
      });
    });

    it('given codes in capitals, NHS numbers outside the test range and nulls for absent fields, when mapped, then accepted', () => {
      const record = current({
        nhsNumber: '943-476-5919',
        kind: 'ASSESSMENT',
        status: ' Open ',
        type: 'Children',
        endDate: null,
        team: null,
        worker: null,
      });

      const [draft] = draftsOf(mapSocialCareJson(extract(record), options));

      expect(draft.source.nhsNumber).toBe('9434765919');
      expect(draft.type === 'SocialCareInvolvementRecorded' && draft.body).toMatchObject({
        involvementType: 'CHILDREN_SOCIAL_CARE',
        allocatedTeam: null,
        allocatedWorker: null,
        period: { start: 20094, end: null }, // 2025-01-06
      });
    });

    it('given a worker with no role, when mapped, then allocatedWorker is the name alone', () => {
      const [draft] = draftsOf(
        mapSocialCareJson(extract(current({ worker: { name: 'Alex Reid' } })), options),
      );

      expect(draft.type === 'SocialCareInvolvementRecorded' && draft.body.allocatedWorker).toBe('Alex Reid');
    });

    it('given no records, when mapped, then no drafts', () => {
      expect(mapSocialCareJson(extract(), options)).toEqual({ ok: true, value: [] });
    });
  });

  describe('an invalid extract', () => {
    it('given the invalid fixture, when mapped, then every problem is reported, located by JSON pointer', () => {
      const issues = issuesOf(mapSocialCareJson(fixture(SOCIAL_CARE_FIXTURES.invalidJson), options));

      expect(issues).toEqual([
        {
          location: '/records/0/nhsNumber',
          code: 'value',
          message: 'nhsNumber is not valid: the NHS number fails its modulus-11 check digit',
        },
        { location: '/records/1/nhsNumber', code: 'required', message: 'nhsNumber is required' },
        {
          location: '/records/1/kind',
          code: 'code-invalid',
          message: 'kind must be one of assessment, service, allocation, safeguarding, not "home visit"',
        },
        {
          location: '/records/1/startDate',
          code: 'value',
          message: 'startDate must be a calendar date written yyyy-mm-dd',
        },
      ]);
    });

    it('given an NHS number of nine digits, when mapped, then says it needs ten', () => {
      const issues = issuesOf(mapSocialCareJson(extract(current({ nhsNumber: '999000001' })), options));

      expect(issues).toEqual([
        {
          location: '/records/0/nhsNumber',
          code: 'value',
          message: 'nhsNumber is not valid: an NHS number has 10 digits',
        },
      ]);
    });

    it('given one bad record among good ones, when mapped, then nothing is mapped', () => {
      const result = mapSocialCareJson(
        extract(current(), current({ id: 'LL-ASM-2', kind: 'visit' })),
        options,
      );

      expect(result.ok).toBe(false);
      expect(issuesOf(result)).toHaveLength(1);
    });

    it('given a council Crosscare does not know, when mapped, then a value issue at /council', () => {
      const issues = issuesOf(mapSocialCareJson({ council: 'E08000026', records: [current()] }, options));

      expect(issues).toEqual([
        {
          location: '/council',
          code: 'value',
          message: 'council E08000026 is not a council Crosscare knows',
        },
      ]);
    });

    it('given a council that is not an ONS code, when mapped, then says so', () => {
      const issues = issuesOf(mapSocialCareJson({ council: 'Birmingham', records: [] }, options));

      expect(issues).toEqual([
        {
          location: '/council',
          code: 'value',
          message: 'council must be an ONS code such as E08000025, not "Birmingham"',
        },
      ]);
    });

    it('given more records than the limit, when mapped, then refused as too costly at the first record over it', () => {
      const records = Array.from({ length: 4 }, (_, i) => current({ id: `LL-ASM-${i}` }));

      const issues = issuesOf(mapSocialCareJson(extract(...records), { ...options, maxRecords: 3 }));

      expect(issues).toEqual([
        {
          location: '/records/3',
          code: 'too-costly',
          message: 'an extract carries at most 3 records; send the rest in further extracts',
        },
      ]);
    });

    it('given exactly the limit, when mapped, then accepted', () => {
      const records = Array.from({ length: 3 }, (_, i) => current({ id: `LL-ASM-${i}` }));

      expect(draftsOf(mapSocialCareJson(extract(...records), { ...options, maxRecords: 3 }))).toHaveLength(3);
    });

    it('given a current record without its kind, status, start date or type, when mapped, then each is required', () => {
      const issues = issuesOf(
        mapSocialCareJson(
          extract({ id: 'X1', version: 1, nhsNumber: '9990000018', changedAt: '2025-01-06T08:00:00Z' }),
          options,
        ),
      );

      expect(issues.map(({ location, code }) => `${code} ${location}`)).toEqual([
        'required /records/0/kind',
        'required /records/0/status',
        'required /records/0/startDate',
        'required /records/0/type',
      ]);
    });

    it('given field rules that join fields, when broken, then each is reported with the format problems', () => {
      const record = current({ kind: 'service', status: 'closed', startDate: '2025-02-01', version: 0 });
      const backwards = current({ id: 'LL-ASM-2', startDate: '2025-02-01', endDate: '2025-01-31' });

      const issues = issuesOf(mapSocialCareJson(extract(record, backwards), options));

      expect(issues).toEqual([
        { location: '/records/0/version', code: 'value', message: 'version must be at least 1' },
        {
          location: '/records/0/endDate',
          code: 'required',
          message: 'endDate is required when status is closed',
        },
        {
          location: '/records/0/service',
          code: 'required',
          message: 'service is required when kind is service',
        },
        { location: '/records/1/endDate', code: 'value', message: 'endDate must not be before startDate' },
      ]);
    });

    it('given wrong types, unknown fields and a local time, when mapped, then each is located', () => {
      const record = current({
        version: '2',
        worker: { name: 'Sam Patel', grade: 'Senior' },
        notes: 'x',
        changedAt: '2025-01-06T08:00:00',
      });

      const issues = issuesOf(mapSocialCareJson(extract(record), options));

      expect(issues).toEqual([
        { location: '/records/0/version', code: 'value', message: 'version must be a whole number' },
        {
          location: '/records/0/worker/grade',
          code: 'structure',
          message: 'worker.grade is not a field this format has',
        },
        {
          location: '/records/0/changedAt',
          code: 'value',
          message:
            'changedAt must be an ISO 8601 date and time with Z or an offset, e.g. 2025-03-14T09:30:00Z',
        },
        { location: '/records/0/notes', code: 'structure', message: 'notes is not a field this format has' },
      ]);
    });

    it('given the same record version twice, when mapped, then the repeat is refused', () => {
      const issues = issuesOf(
        mapSocialCareJson(extract(current(), current({ version: 2 }), current()), options),
      );

      expect(issues).toEqual([
        {
          location: '/records/2/version',
          code: 'value',
          message: 'record LL-ASM-1 version 1 is already at /records/0; each version is sent once',
        },
      ]);
    });

    it('given a deleted record, when mapped, then only its identity is required', () => {
      const issues = issuesOf(mapSocialCareJson(extract({ id: 'X1', deleted: true }), options));

      expect(issues.map(({ location }) => location)).toEqual([
        '/records/0/version',
        '/records/0/nhsNumber',
        '/records/0/changedAt',
      ]);
    });

    it.each([
      ['an array', [], '', 'the body must be an object'],
      ['no records', { council: 'E08000025' }, '/records', 'records is required'],
      [
        'records that are not an array',
        { council: 'E08000025', records: {} },
        '/records',
        'records must be an array',
      ],
    ])('given %s, when mapped, then a structure problem', (_, body, location, message) => {
      const issues = issuesOf(mapSocialCareJson(body, options));

      expect(issues).toEqual([{ location, code: expect.stringMatching(/structure|required/), message }]);
    });

    it('given a record that is not an object, when mapped, then located at the record', () => {
      expect(issuesOf(mapSocialCareJson(extract('LL-ASM-1'), options))).toEqual([
        { location: '/records/0', code: 'structure', message: 'the record must be an object' },
      ]);
    });

    it('given a field name with / or ~, when reported, then escaped as RFC 6901 says', () => {
      const issues = issuesOf(mapSocialCareJson(extract(current({ 'a/b~c': 1 })), options));

      expect(issues[0].location).toBe('/records/0/a~1b~0c');
    });
  });

  it('given a limit that is not a positive whole number, when mapping, then a programming error', () => {
    expect(() => mapSocialCareJson(extract(), { ...options, maxRecords: 0 })).toThrow(RangeError);
  });
});
