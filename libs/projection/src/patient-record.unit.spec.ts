import { type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { buildPatientRecord, type StoredItem } from './patient-record';
import { itemKindOf, partOf } from './project-event';
import { testEvents } from './testing/record-change-factories';

function stored(event: RecordChangeEvent, removed = false): StoredItem {
  const { header } = event;
  return {
    providerOdsCode: header.providerOdsCode,
    sourceRecordId: header.sourceRecordId,
    part: partOf(header.eventType) as string,
    kind: itemKindOf(header.eventType)!,
    removed,
    event,
  };
}

const input = (items: readonly StoredItem[], overrides: { sequence?: number; updatedAt?: number } = {}) => ({
  nhsNumber: testNhsNumber(1),
  collaborative: 'CCR',
  sequence: overrides.sequence ?? 7,
  updatedAt: overrides.updatedAt ?? Date.UTC(2025, 2, 1),
  mergedInto: null,
  mergedFrom: [testNhsNumber(4), testNhsNumber(2)],
  items,
});

const items = [
  stored(testEvents.ObservationRecorded()),
  stored(testEvents.AllergyRecorded({ header: { sourceRecordId: 'allergy-b' } })),
  stored(testEvents.AllergyRecorded({ header: { sourceRecordId: 'allergy-a' } })),
  stored(testEvents.EncounterEnded()),
  stored(testEvents.EncounterStarted()),
  stored(testEvents.PatientRegistered()),
  stored(testEvents.ProblemRecorded({ header: { sourceRecordId: 'problem-gone' } }), true),
];

describe('buildPatientRecord', () => {
  it('given stored items, when built, then removed ones are left out and the rest ordered by kind, then key', () => {
    const record = buildPatientRecord(input(items));

    expect(record.items.map((event) => `${event.header.eventType}:${event.header.sourceRecordId}`)).toEqual([
      'PatientRegistered:patient-1',
      'AllergyRecorded:allergy-a',
      'AllergyRecorded:allergy-b',
      'EncounterEnded:encounter-1',
      'EncounterStarted:encounter-1',
      'ObservationRecorded:ObservationRecorded-1',
    ]);
    expect(record.mergedFrom).toEqual([testNhsNumber(2), testNhsNumber(4)]);
  });

  it('given the same items in any order, when built, then the record is the same', () => {
    const forwards = buildPatientRecord(input(items));
    const backwards = buildPatientRecord(input([...items].reverse()));
    const shuffled = buildPatientRecord(
      input([items[3], items[0], items[6], items[5], items[1], items[4], items[2]]),
    );

    expect(backwards).toEqual(forwards);
    expect(shuffled).toEqual(forwards);
  });
});
