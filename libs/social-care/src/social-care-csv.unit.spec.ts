import type { AnyRecordChangeDraft, InputIssue, MappingResult } from '@crosscare/events';

import {
  BIRMINGHAM_EXTRACT_DRAFTS,
  SOCIAL_CARE_FIXTURES,
  fixtureCouncilName,
  readSocialCareFixture,
} from './fixtures';
import { mapSocialCareCsv } from './social-care-csv';

const options = { councilName: fixtureCouncilName, maxRecords: 100 };
const BIRMINGHAM = 'E08000025';

const HEADER = 'id,version,nhs_number,kind,status,start_date,type,changed_at';
const row = (id: string, nhsNumber = '9990001014', kind = 'assessment') =>
  `${id},1,${nhsNumber},${kind},open,2025-01-06,adult,2025-01-06T08:00:00Z`;
const csv = (...lines: string[]) => `${lines.join('\n')}\n`;

function draftsOf(result: MappingResult<AnyRecordChangeDraft[]>): AnyRecordChangeDraft[] {
  if (!result.ok) throw new Error(`expected drafts, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

function issuesOf(result: MappingResult<unknown>): readonly InputIssue[] {
  if (result.ok) throw new Error('expected the extract to be rejected');
  return result.issues;
}

describe('mapSocialCareCsv', () => {
  describe('a valid extract', () => {
    it('given the Birmingham CSV, when mapped, then the same drafts as its JSON twin', () => {
      const text = readSocialCareFixture(SOCIAL_CARE_FIXTURES.extractCsv);

      expect(draftsOf(mapSocialCareCsv(text, BIRMINGHAM, options))).toEqual(BIRMINGHAM_EXTRACT_DRAFTS);
    });

    it('given the Birmingham CSV as Excel saves it (BOM, CRLF), when mapped, then the same drafts', () => {
      const text = `\uFEFF${readSocialCareFixture(SOCIAL_CARE_FIXTURES.extractCsv).replace(/\n/g, '\r\n')}`;

      expect(draftsOf(mapSocialCareCsv(text, BIRMINGHAM, options))).toEqual(BIRMINGHAM_EXTRACT_DRAFTS);
    });

    it('given quoted values holding commas, quotes and line breaks, when mapped, then each is one value', () => {
      const text = csv(
        `${HEADER},team,service`,
        `${row('LL-SVC-1', '9990001014', 'service')},"Team ""North"", Erdington","Home care,\r\n14 hours a week"`,
      );

      const [draft] = draftsOf(mapSocialCareCsv(text, BIRMINGHAM, options));

      expect(draft.type === 'SocialCareInvolvementRecorded' && draft.body).toMatchObject({
        allocatedTeam: 'Team "North", Erdington',
        service: 'Home care, 14 hours a week',
      });
    });

    it('given a safeguarding row, when mapped, then restricted', () => {
      const text = csv(`${HEADER},restricted`, `${row('LL-SG-1', '9990001014', 'safeguarding')},FALSE`);

      const [draft] = draftsOf(mapSocialCareCsv(text, BIRMINGHAM, options));

      expect(draft.type === 'SocialCareInvolvementRecorded' && draft.body).toMatchObject({
        involvementType: 'SAFEGUARDING',
        restricted: true,
      });
    });

    it('given a deleted row with only its identity, when mapped, then RecordRemoved DELETED_AT_SOURCE', () => {
      const text = csv(
        'id,version,nhs_number,kind,status,start_date,type,changed_at,deleted',
        'LL-9,5,9990001014,,,,,2025-01-06T08:00:00Z,TRUE',
      );

      expect(draftsOf(mapSocialCareCsv(text, BIRMINGHAM, options))).toEqual([
        {
          type: 'RecordRemoved',
          source: {
            nhsNumber: '9990001014',
            sourceRecordId: 'SocialCare/LL-9',
            sourceRecordVersion: 5,
            operation: 'DELETE',
            occurredAt: Date.UTC(2025, 0, 6, 8),
          },
          body: {
            removedEventType: 'SocialCareInvolvementRecorded',
            removedSourceRecordId: 'SocialCare/LL-9',
            reason: 'DELETED_AT_SOURCE',
            replacedBySourceRecordId: null,
          },
        },
      ]);
    });

    it('given columns in another order, in capitals, with blank lines, when mapped, then read by name', () => {
      const text = csv(
        'CHANGED_AT,Type,start_date,status,kind,nhs_number,version,id',
        '',
        '2025-01-06T08:00:00Z,adult,2025-01-06,open,assessment,9990001014,1,LL-1',
        '',
      );

      expect(draftsOf(mapSocialCareCsv(text, BIRMINGHAM, options))).toHaveLength(1);
    });
  });

  describe('an invalid extract', () => {
    it('given the invalid fixture, when mapped, then every problem is reported by row and column', () => {
      const issues = issuesOf(
        mapSocialCareCsv(readSocialCareFixture(SOCIAL_CARE_FIXTURES.invalidCsv), BIRMINGHAM, options),
      );

      expect(issues).toEqual([
        {
          location: 'row 2, column nhs_number',
          code: 'value',
          message: 'nhs_number is not valid: the NHS number fails its modulus-11 check digit',
        },
        { location: 'row 3, column nhs_number', code: 'required', message: 'nhs_number is required' },
        {
          location: 'row 3, column kind',
          code: 'code-invalid',
          message: 'kind must be one of assessment, service, allocation, safeguarding, not "home visit"',
        },
        {
          location: 'row 3, column start_date',
          code: 'value',
          message: 'start_date must be a calendar date written yyyy-mm-dd',
        },
      ]);
    });

    it('given a bad NHS number after a row with a line break in a quoted value, when mapped, then the row it starts on', () => {
      const text = csv(
        `${HEADER},team`,
        `${row('LL-1')},"North\r\nLocality"`,
        `${row('LL-2', '999000001')},`,
      );

      expect(issuesOf(mapSocialCareCsv(text, BIRMINGHAM, options))).toEqual([
        {
          location: 'row 4, column nhs_number',
          code: 'value',
          message: 'nhs_number is not valid: an NHS number has 10 digits',
        },
      ]);
    });

    it('given values that are not whole numbers, booleans or phone numbers, when mapped, then each is located', () => {
      const text = csv(
        `${HEADER},team_phone,deleted,worker_role`,
        'LL-1,two,9990001014,assessment,open,2025-01-06,adult,2025-01-06T08:00:00Z,call us,maybe,Social Worker',
      );

      expect(issuesOf(mapSocialCareCsv(text, BIRMINGHAM, options))).toEqual([
        { location: 'row 2, column version', code: 'value', message: 'version must be a whole number' },
        {
          location: 'row 2, column team_phone',
          code: 'value',
          message: 'team_phone must be a telephone number',
        },
        { location: 'row 2, column worker_name', code: 'required', message: 'worker_name is required' },
        { location: 'row 2, column deleted', code: 'value', message: 'deleted must be true or false' },
      ]);
    });

    it('given a header with an unknown column, a repeated one and a required one missing, when mapped, then each is named', () => {
      const text = csv('id,version,nhs_number,kind,status,start_date,changed_at,nhs_number,notes', 'LL-1');

      expect(issuesOf(mapSocialCareCsv(text, BIRMINGHAM, options))).toEqual([
        {
          location: 'row 1, column nhs_number',
          code: 'structure',
          message: 'column nhs_number appears twice',
        },
        {
          location: 'row 1, column notes',
          code: 'structure',
          message: 'column notes is not a column this format has',
        },
        { location: 'row 1', code: 'required', message: 'the header has no type column' },
      ]);
    });

    it('given rows of the wrong width among good ones, when mapped, then those rows and the others problems', () => {
      const text = csv(HEADER, `${row('LL-1')},extra`, row('LL-2', '123'), 'LL-3,1');

      expect(
        issuesOf(mapSocialCareCsv(text, BIRMINGHAM, options)).map(
          ({ location, code }) => `${code} ${location}`,
        ),
      ).toEqual(['structure row 2', 'structure row 4', 'value row 3, column nhs_number']);
    });

    it('given a quote never closed, when mapped, then one structure problem', () => {
      const text = csv(HEADER, `${row('LL-1')}`, 'LL-2,1,"9990001014,assessment');

      expect(issuesOf(mapSocialCareCsv(text, BIRMINGHAM, options))).toEqual([
        {
          location: expect.stringMatching(/^row \d+$/),
          code: 'structure',
          message: 'a quoted value is never closed: a closing double quote (") is missing',
        },
      ]);
    });

    it('given an empty file, when mapped, then asks for a header', () => {
      expect(issuesOf(mapSocialCareCsv('\uFEFF', BIRMINGHAM, options))).toEqual([
        {
          location: 'row 1',
          code: 'structure',
          message: 'the file is empty: its first row must name the columns',
        },
      ]);
    });

    it('given more rows than the limit, when mapped, then too costly at the first row over it', () => {
      const text = csv(HEADER, row('LL-1'), row('LL-2'), row('LL-3'), row('LL-4'));

      expect(issuesOf(mapSocialCareCsv(text, BIRMINGHAM, { ...options, maxRecords: 2 }))).toEqual([
        {
          location: 'row 4',
          code: 'too-costly',
          message: 'an extract carries at most 2 records; send the rest in further extracts',
        },
      ]);
    });

    it('given an unknown council in the request, when mapped, then a value problem at council', () => {
      expect(issuesOf(mapSocialCareCsv(csv(HEADER, row('LL-1')), 'W06000015', options))).toEqual([
        { location: 'council', code: 'value', message: 'council W06000015 is not a council Crosscare knows' },
      ]);
    });

    it('given the same record version on two rows, when mapped, then the repeat names the first row', () => {
      expect(issuesOf(mapSocialCareCsv(csv(HEADER, row('LL-1'), row('LL-1')), BIRMINGHAM, options))).toEqual([
        {
          location: 'row 3, column version',
          code: 'value',
          message: 'record LL-1 version 1 is already at row 2; each version is sent once',
        },
      ]);
    });
  });
});
