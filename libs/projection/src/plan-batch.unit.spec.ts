import { type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { planBatch } from './plan-batch';
import { TEST_PROVIDERS, testEvents } from './testing/record-change-factories';

const allergyVersion = (sourceRecordVersion: number, eventId?: string) =>
  testEvents.AllergyRecorded({ header: { sourceRecordId: 'allergy-1', sourceRecordVersion, eventId } });

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('planBatch', () => {
  it('given versions of one record out of order, when planned, then only the highest version is written', () => {
    const plan = planBatch([allergyVersion(3), allergyVersion(1), allergyVersion(2)]);

    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0].sourceRecordVersion).toBe(3);
  });

  it('given a removal and an update at the same version, when planned in either order, then the removal is written', () => {
    const update = allergyVersion(2);
    const removal = testEvents.RecordRemoved({
      removedEventType: 'AllergyRecorded',
      header: { sourceRecordId: 'allergy-1', sourceRecordVersion: 2 },
    });

    for (const batch of [
      [update, removal],
      [removal, update],
    ]) {
      const { writes } = planBatch(batch);
      expect(writes.map((write) => [write.removed, write.eventId])).toEqual([[true, removal.header.eventId]]);
    }
  });

  it('given two different events with the same version, when planned in either order, then the greater eventId wins', () => {
    const lower = allergyVersion(2, '00000000-0000-4000-8000-000000000001');
    const higher = allergyVersion(2, '00000000-0000-4000-8000-000000000002');

    expect(planBatch([lower, higher]).writes[0].eventId).toBe(higher.header.eventId);
    expect(planBatch([higher, lower]).writes[0].eventId).toBe(higher.header.eventId);
  });

  it('given any arrival order of a mixed batch, when planned, then the plan is the same', () => {
    const removal = testEvents.RecordRemoved({
      removedEventType: 'EncounterStarted',
      header: { sourceRecordId: 'encounter-1', sourceRecordVersion: 2, ...TEST_PROVIDERS.ohcAcuteTrust },
    });
    const batch: RecordChangeEvent[] = [
      allergyVersion(2),
      allergyVersion(1),
      testEvents.EncounterStarted(),
      testEvents.EncounterEnded({ header: { sourceRecordVersion: 3 } }),
      removal,
    ];
    const expected = planBatch(batch);

    for (const order of permutations(batch)) expect(planBatch(order)).toEqual(expected);
    expect(expected.writes.map((write) => [write.sourceRecordId, write.part, write.removed])).toEqual([
      ['allergy-1', 'AllergyRecorded', false],
      ['encounter-1', 'EncounterEnded', false],
      ['encounter-1', 'EncounterStarted', true],
    ]);
  });

  it('given writes to many records, when planned, then the writes are sorted by provider, record and part', () => {
    const batch = [
      testEvents.ProblemRecorded({ header: { sourceRecordId: 'b' } }),
      testEvents.EncounterEnded({ header: { sourceRecordId: 'z' } }),
      testEvents.ProblemRecorded({ header: { sourceRecordId: 'a' } }),
      testEvents.EncounterStarted({ header: { sourceRecordId: 'z' } }),
      testEvents.ProblemRecorded({ header: { sourceRecordId: 'a', providerOdsCode: 'M01483' } }),
    ];

    const keys = planBatch(batch).writes.map(
      (write) => `${write.providerOdsCode}/${write.sourceRecordId}/${write.part}`,
    );

    expect(keys).toEqual([
      'M01358/a/ProblemRecorded',
      'M01358/b/ProblemRecorded',
      'M01483/a/ProblemRecorded',
      'RGH/z/EncounterEnded',
      'RGH/z/EncounterStarted',
    ]);
  });

  it('given merges and item events, when planned, then merges keep batch order and every touched number is listed once', () => {
    const [a, b, c, d] = [1, 2, 3, 4].map(testNhsNumber);
    const batch = [
      testEvents.PatientMerged({ retiredNhsNumber: a, header: { nhsNumber: b } }),
      testEvents.ProblemRecorded({ header: { nhsNumber: d } }),
      testEvents.PatientMerged({ retiredNhsNumber: b, header: { nhsNumber: c } }),
      testEvents.AllergyRecorded({ header: { nhsNumber: d } }),
    ];

    const plan = planBatch(batch);

    expect(plan.merges.map((merge) => [merge.retiredNhsNumber, merge.survivingNhsNumber])).toEqual([
      [a, b],
      [b, c],
    ]);
    expect(plan.nhsNumbers).toEqual([a, b, c, d].sort());
  });

  it('given events that cannot be applied, when planned, then they are listed by index and contribute nothing', () => {
    const batch = [
      testEvents.ProblemRecorded({ header: { nhsNumber: testNhsNumber(7) } }),
      testEvents.ProblemRecorded({ header: { nhsNumber: '1234', sourceRecordId: 'other' } }),
      testEvents.PatientMerged({ retiredNhsNumber: testNhsNumber(8), survivingNhsNumber: testNhsNumber(9) }),
    ];

    const plan = planBatch(batch);

    expect(plan.rejected).toEqual([
      { index: 1, reason: 'header.nhsNumber 1234 is not a valid NHS number' },
      {
        index: 2,
        reason: `survivingNhsNumber ${testNhsNumber(9)} differs from header.nhsNumber ${testNhsNumber(1)}`,
      },
    ]);
    expect(plan.writes.map((write) => write.nhsNumber)).toEqual([testNhsNumber(7)]);
    expect(plan.merges).toEqual([]);
    expect(plan.nhsNumbers).toEqual([testNhsNumber(7)]);
  });
});
