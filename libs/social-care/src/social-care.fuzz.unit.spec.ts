import type { AnyRecordChangeDraft, MappingResult } from '@crosscare/events';
import { isValidNhsNumber } from '@crosscare/governance';
import { fuzzRuns, mutateJson, mutateText } from '@crosscare/testing';
import fc from 'fast-check';
import { fixtureCouncilName, readSocialCareFixture, SOCIAL_CARE_FIXTURES } from './fixtures';
import { mapSocialCareCsv } from './social-care-csv';
import { mapSocialCareJson } from './social-care-json';

const options = { councilName: fixtureCouncilName, maxRecords: 100 };
const BIRMINGHAM = 'E08000025';
const CSV = readSocialCareFixture(SOCIAL_CARE_FIXTURES.extractCsv);
const JSON_EXTRACT = JSON.parse(readSocialCareFixture(SOCIAL_CARE_FIXTURES.extractJson)) as unknown;

/** Drafts for valid NHS numbers, or issues that each say where and what: never a throw. */
function expectWellFormed(result: MappingResult<AnyRecordChangeDraft[]>): void {
  if (result.ok) {
    for (const draft of result.value) expect(isValidNhsNumber(draft.source.nhsNumber)).toBe(true);
    return;
  }
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(typeof issue.location).toBe('string'); // a JSON pointer: '' is the whole body
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

/** The CSV with its n-th cell (counting across rows) replaced. */
function withCell(csv: string, n: number, value: string): string {
  const rows = csv.split('\n').map((row) => row.split(','));
  const cells = rows.flatMap((row, r) => row.map((_cell, c) => [r, c] as const));
  const [r, c] = cells[n % cells.length];
  rows[r][c] = value;
  return rows.map((row) => row.join(',')).join('\n');
}

const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Parameters<typeof mutateJson>[2]>;

describe('social care extracts under arbitrary input', () => {
  it('given arbitrary text as CSV, never throws and answers drafts or located issues', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) =>
        expectWellFormed(mapSocialCareCsv(text, BIRMINGHAM, options)),
      ),
      { numRuns: fuzzRuns(500) },
    );
  });

  it('given a real extract with one cell replaced, including formulas and quotes, never throws', () => {
    const cell = fc.oneof(
      fc.string(),
      fc.constantFrom('=HYPERLINK("http://x","y")', '"', '""', '"a,b"', '+1', '@SUM(A1)', ''),
    );
    fc.assert(
      fc.property(fc.nat(), cell, (n, value) =>
        expectWellFormed(mapSocialCareCsv(withCell(CSV, n, value), BIRMINGHAM, options)),
      ),
      { numRuns: fuzzRuns(1000) },
    );
  });

  it('given a real extract with a stretch of it replaced, never throws', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.string({ unit: 'binary' }), (at, length, insert) =>
        expectWellFormed(mapSocialCareCsv(mutateText(CSV, at, length, insert), BIRMINGHAM, options)),
      ),
      { numRuns: fuzzRuns(500) },
    );
  });

  it('given arbitrary JSON, or a real JSON extract changed in one place, never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          json,
          fc
            .record({ pick: fc.nat(), replacement: fc.option(json, { nil: undefined }) })
            .map(({ pick, replacement }) => mutateJson(JSON_EXTRACT, pick, replacement)),
        ),
        (body) => expectWellFormed(mapSocialCareJson(body, options)),
      ),
      { numRuns: fuzzRuns(1000) },
    );
  });
});
