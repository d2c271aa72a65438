import { testNhsNumber, type RecordChangeEvent } from '@crosscare/events';
import { buildPatientRecord, patientRecordFingerprint, type StoredItem } from './patient-record';
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

  it('given the same items in any order, when built, then the record and its fingerprint are the same', () => {
    const forwards = buildPatientRecord(input(items));
    const backwards = buildPatientRecord(input([...items].reverse()));
    const shuffled = buildPatientRecord(
      input([items[3], items[0], items[6], items[5], items[1], items[4], items[2]]),
    );

    expect(backwards).toEqual(forwards);
    expect(shuffled).toEqual(forwards);
    expect(patientRecordFingerprint(backwards)).toBe(patientRecordFingerprint(forwards));
    expect(patientRecordFingerprint(shuffled)).toBe(patientRecordFingerprint(forwards));
  });
});

describe('patientRecordFingerprint', () => {
  it('given records that differ only in sequence and updatedAt, then their fingerprints are equal', () => {
    const earlier = buildPatientRecord(input(items, { sequence: 1, updatedAt: 1_000 }));
    const later = buildPatientRecord(input(items, { sequence: 9, updatedAt: 9_000 }));

    expect(patientRecordFingerprint(later)).toBe(patientRecordFingerprint(earlier));
  });

  it('given the same record read back from JSON with its keys in another order, then the fingerprint is equal', () => {
    const record = buildPatientRecord(input(items));
    const reversedKeys = (value: object) => Object.fromEntries(Object.entries(value).reverse());
    const readBack = reversedKeys({
      ...record,
      items: record.items.map((event) => reversedKeys(JSON.parse(JSON.stringify(event)))),
    });

    expect(Object.keys(readBack)).not.toEqual(Object.keys(record));
    expect(patientRecordFingerprint(readBack as typeof record)).toBe(patientRecordFingerprint(record));
  });

  it('given a record where one item changed, or an item was removed, then the fingerprint differs', () => {
    const before = patientRecordFingerprint(buildPatientRecord(input(items)));
    const changed = items.map((item) =>
      item.kind === 'observation'
        ? stored(
            testEvents.ObservationRecorded({
              valueQuantity: { value: 70.1, unit: 'kg', ucumCode: 'kg' },
              header: { sourceRecordVersion: 2 },
            }),
          )
        : item,
    );
    const removed = items.map((item) => (item.kind === 'observation' ? { ...item, removed: true } : item));

    expect(patientRecordFingerprint(buildPatientRecord(input(changed)))).not.toBe(before);
    expect(patientRecordFingerprint(buildPatientRecord(input(removed)))).not.toBe(before);
  });

  it('given a record merged into another, then the fingerprint differs from the unmerged one', () => {
    const record = buildPatientRecord(input(items));

    expect(patientRecordFingerprint({ ...record, mergedInto: testNhsNumber(3) })).not.toBe(
      patientRecordFingerprint(record),
    );
  });
});
