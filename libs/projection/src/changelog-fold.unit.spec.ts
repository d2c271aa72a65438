import { testNhsNumber } from '@crosscare/events/synthetic';
import { ChangelogFold } from './changelog-fold';
import type { ChangelogMessage, PatientRecordHead } from './changelog-message';
import { buildPatientRecord } from './patient-record';
import type { ItemKey } from './record-item';
import { testEvents } from './testing';

const nhsNumber = testNhsNumber(11);
const allergy = testEvents.AllergyRecorded({ header: { nhsNumber, sourceRecordId: 'A/1' } });
const problem = testEvents.ProblemRecorded({ header: { nhsNumber, sourceRecordId: 'C/1' } });
const keyOf = (event: typeof allergy | typeof problem): ItemKey => ({
  providerOdsCode: event.header.providerOdsCode,
  sourceRecordId: event.header.sourceRecordId,
  part: event.header.eventType,
});

function head(
  sequence: number,
  itemCount: number,
  overrides: Partial<PatientRecordHead> = {},
): ChangelogMessage {
  return {
    type: 'head',
    head: {
      nhsNumber,
      collaborative: 'CCR',
      sequence,
      updatedAt: 1_700_000_000_000 + sequence,
      mergedInto: null,
      mergedFrom: [],
      itemCount,
      changeItems: 1,
      ...overrides,
    },
  };
}

const set = (sequence: number, event: typeof allergy | typeof problem): ChangelogMessage => ({
  type: 'item',
  nhsNumber,
  sequence,
  key: keyOf(event),
  kind: event.header.eventType === 'AllergyRecorded' ? 'allergy' : 'problem',
  event,
});

const tombstone = (sequence: number, event: typeof allergy | typeof problem): ChangelogMessage => ({
  type: 'tombstone',
  nhsNumber,
  sequence,
  key: keyOf(event),
});

describe('ChangelogFold', () => {
  it('given changes in order, when folded, then the record is the live items with the last head', () => {
    const fold = new ChangelogFold();
    const outcomes = [
      set(1, allergy),
      head(1, 1),
      set(2, problem),
      head(2, 2),
      tombstone(3, allergy),
      head(3, 1),
    ].map((m) => fold.apply(m));

    expect(outcomes.every((o) => !o.duplicate && o.finding === undefined)).toBe(true);
    expect(fold.record(nhsNumber)).toEqual(
      buildPatientRecord({
        nhsNumber,
        collaborative: 'CCR',
        sequence: 3,
        updatedAt: 1_700_000_000_003,
        mergedInto: null,
        mergedFrom: [],
        items: [{ ...keyOf(problem), kind: 'problem', removed: false, event: problem }],
      }),
    );
  });

  it('given a compacted log (older versions gone, heads consecutive from the first read), when folded, then it finds nothing wrong', () => {
    const fold = new ChangelogFold();
    // Change 1 set the allergy, change 2 the problem; later heads 4 and 5 survive with their own items.
    const outcomes = [
      set(1, allergy),
      set(2, problem),
      head(4, 2, { changeItems: 0 }),
      head(5, 2, { changeItems: 0 }),
    ].map((m) => fold.apply(m));

    expect(outcomes.map((o) => o.finding)).toEqual([undefined, undefined, undefined, undefined]);
    expect(fold.record(nhsNumber)?.items).toHaveLength(2);
  });

  it('given a head two above the last, when folded, then it reports the gap', () => {
    const fold = new ChangelogFold();
    fold.apply(set(1, allergy));
    fold.apply(head(1, 1));

    expect(fold.apply(head(3, 1)).finding).toEqual({ type: 'gap', nhsNumber, held: 1, received: 3 });
  });

  it('given a head whose item count the items read do not make, when folded, then it reports the missed item', () => {
    const fold = new ChangelogFold();
    fold.apply(set(1, allergy));

    expect(fold.apply(head(1, 2)).finding).toEqual({ type: 'count', nhsNumber, held: 1, expected: 2 });
  });

  it('given a redelivery of a change already read, when folded, then it is dropped and changes nothing', () => {
    const fold = new ChangelogFold();
    for (const m of [set(1, allergy), head(1, 1), tombstone(2, allergy), head(2, 0)]) fold.apply(m);

    expect(fold.apply(set(1, allergy))).toEqual({ duplicate: true });
    expect(fold.apply(head(1, 1))).toEqual({ duplicate: true });
    expect(fold.record(nhsNumber)?.items).toEqual([]);
    expect(fold.record(nhsNumber)?.sequence).toBe(2);
  });

  it('given only items so far, when asked for the record, then there is none until a head is read', () => {
    const fold = new ChangelogFold();
    fold.apply(set(1, allergy));

    expect(fold.record(nhsNumber)).toBeUndefined();
    expect(fold.nhsNumbers()).toEqual([]);
    expect(fold.itemCount(nhsNumber)).toBe(1);
  });
});
