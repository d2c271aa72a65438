import { IngestError } from '../ingest-error';
import type { CurrentVersion } from '../storage/shared-record-ledger';
import { decideVersion, parseETag } from './record-versioning';

const hash = (text: string) => Buffer.from(text.padEnd(32, '.'));
const current = (version: number, content: string | null): CurrentVersion => ({
  version,
  nhsNumber: '9990000018',
  resourceSha256: content === null ? null : hash(content),
  removed: content === null,
});
const decide = (overrides: Partial<Parameters<typeof decideVersion>[0]>) =>
  decideVersion({
    sourceRecordId: 'Condition/c1',
    declaredVersion: null,
    resourceSha256: hash('a'),
    current: undefined,
    ifMatchLocation: 'If-Match',
    ...overrides,
  });
const statusOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof IngestError) return error.status;
    throw error;
  }
  return 'no error';
};

describe('the version of a FHIR write', () => {
  it('given no version and a record never shared, is version 1, resting on there being none', () => {
    expect(decide({})).toEqual({
      assignedVersion: 1,
      expects: { sourceRecordId: 'Condition/c1', currentVersion: null },
    });
  });

  it("given the current version's content again, is that version; given other content, the next", () => {
    expect(decide({ current: current(4, 'a') }).assignedVersion).toBe(4);
    expect(decide({ current: current(4, 'b') }).assignedVersion).toBe(5);
  });

  it('given a record whose current version is a DELETE, is the next version whatever the content', () => {
    expect(decide({ current: current(4, null) }).assignedVersion).toBe(5);
  });

  it('given a declared version, keeps it and rests on nothing unless If-Match says so', () => {
    expect(decide({ declaredVersion: 9, current: current(4, 'b') })).toEqual({});
    expect(decide({ declaredVersion: 9, current: current(4, 'b'), ifMatch: 'W/"4"' })).toEqual({
      expects: { sourceRecordId: 'Condition/c1', currentVersion: 4, ifMatch: 'W/"4"' },
    });
  });

  it('given If-Match naming another version, or a record never shared, is 412', () => {
    expect(statusOf(() => decide({ current: current(4, 'b'), ifMatch: 'W/"3"' }))).toBe(412);
    expect(statusOf(() => decide({ ifMatch: 'W/"1"' }))).toBe(412);
    expect(statusOf(() => decide({ current: current(4, 'b'), ifMatch: '"4"' }))).toBe('no error');
  });

  it('reads weak and strong entity tags; a tag of no Crosscare version never matches; a non-tag is 400', () => {
    expect(parseETag('W/"12"', 'If-Match')).toBe(12);
    expect(parseETag('"12"', 'If-Match')).toBe(12);
    expect(parseETag('W/"abc"', 'If-Match')).toBeNull();
    expect(statusOf(() => parseETag('12', 'If-Match'))).toBe(400);
  });
});
