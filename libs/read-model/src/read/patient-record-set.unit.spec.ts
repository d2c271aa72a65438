import { type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { type PatientRecord, type StoredItem } from '@crosscare/projection';
import { TEST_NOW, testEvents } from '@crosscare/projection/testing';
import { isKnownPatient, patientNumbers, patientRecordSet, type LocalPatient } from './patient-record-set';

// In ascending order, as the record set sorts numbers.
const [A, B, C] = [1, 2, 3].map(testNhsNumber);

function stored(event: RecordChangeEvent): StoredItem {
  return {
    providerOdsCode: event.header.providerOdsCode,
    sourceRecordId: event.header.sourceRecordId,
    part: event.header.eventType,
    kind: 'problem',
    removed: false,
    event,
  };
}

function local(nhsNumber: string, fields: Partial<LocalPatient> = {}): LocalPatient {
  return {
    nhsNumber,
    sequence: 5,
    mergedInto: null,
    updatedAt: TEST_NOW,
    mergedFrom: [],
    items: [],
    ...fields,
  };
}

function remote(nhsNumber: string, fields: Partial<PatientRecord> = {}): PatientRecord {
  return {
    nhsNumber,
    collaborative: 'OHC',
    sequence: 9,
    updatedAt: TEST_NOW,
    mergedInto: null,
    mergedFrom: [],
    items: [],
    ...fields,
  };
}

const problem = (nhsNumber: string, id = 'problem-1') =>
  testEvents.ProblemRecorded({ header: { nhsNumber, sourceRecordId: id } });
const encounter = (nhsNumber: string) => testEvents.EncounterStarted({ header: { nhsNumber } });

describe('the records that make one patient', () => {
  it('given local items and a remote record, then both are shown, in collaborative order, with their sequences', () => {
    const set = patientRecordSet({
      resolution: { survivor: A, path: [A] },
      collaborative: 'CCR',
      local: [local(A, { sequence: 4, items: [stored(problem(A))] })],
      remote: [remote(A, { sequence: 11, items: [encounter(A)] })],
    });

    expect(set).toMatchObject({ requestedNhsNumber: A, nhsNumber: A, mergedInto: null, mergedFrom: [] });
    expect(set.records.map((r) => [r.collaborative, r.items.length])).toEqual([
      ['CCR', 1],
      ['OHC', 1],
    ]);
    expect(set.sources).toEqual([
      { collaborative: 'CCR', nhsNumber: A, sequence: 4, updatedAt: TEST_NOW },
      { collaborative: 'OHC', nhsNumber: A, sequence: 11, updatedAt: TEST_NOW },
    ]);
    expect(isKnownPatient(set)).toBe(true);
  });

  it('given a patient row without items and no remote record, then the patient is unknown', () => {
    const set = patientRecordSet({
      resolution: { survivor: A, path: [A] },
      collaborative: 'CCR',
      local: [local(A)],
      remote: [],
    });
    expect(set.records).toEqual([]);
    expect(set.sources).toEqual([]);
    expect(isKnownPatient(set)).toBe(false);
  });

  it('given only an empty remote record, then the patient is known: the other collaborative holds them', () => {
    const set = patientRecordSet({
      resolution: { survivor: A, path: [A] },
      collaborative: 'CCR',
      local: [],
      remote: [remote(A)],
    });
    expect(isKnownPatient(set)).toBe(true);
  });

  it('given a retired number asked for, then the survivor answers and says it replaced the number asked', () => {
    const set = patientRecordSet({
      resolution: { survivor: B, path: [A, B] },
      collaborative: 'CCR',
      local: [local(A, { mergedInto: B }), local(B, { mergedFrom: [A], items: [stored(problem(B))] })],
      remote: [],
    });
    expect(set).toMatchObject({ requestedNhsNumber: A, nhsNumber: B, mergedInto: B, mergedFrom: [A] });
    expect(set.sources.map((s) => s.nhsNumber)).toEqual([B]);
  });

  it('given the other side still keeps items under a number this side merged, then they join the survivor', () => {
    const numbers = patientNumbers(
      { survivor: B, path: [B] },
      [local(B, { mergedFrom: [A] })],
      [remote(B, { items: [] })],
    );
    expect(numbers).toEqual([A, B]);

    const set = patientRecordSet({
      resolution: { survivor: B, path: [B] },
      collaborative: 'CCR',
      local: [local(A, { mergedInto: B }), local(B, { mergedFrom: [A], items: [stored(problem(B))] })],
      remote: [remote(A, { sequence: 2, items: [encounter(A)] }), remote(B, { sequence: 6 })],
    });

    expect(set.records.every((record) => record.nhsNumber === B)).toBe(true);
    expect(set.sources.map((s) => [s.collaborative, s.nhsNumber, s.sequence])).toEqual([
      ['CCR', B, 5],
      ['OHC', A, 2],
      ['OHC', B, 6],
    ]);
    expect(set.mergedFrom).toEqual([A]);
  });

  it('given a snapshot its own side merged elsewhere, then it is not shown: its items live under that survivor', () => {
    const set = patientRecordSet({
      resolution: { survivor: B, path: [A, B] },
      collaborative: 'CCR',
      local: [local(B, { items: [stored(problem(B))] })],
      remote: [remote(A, { mergedInto: C, items: [] }), remote(B)],
    });
    expect(set.sources.map((s) => `${s.collaborative} ${s.nhsNumber}`)).toEqual([`CCR ${B}`, `OHC ${B}`]);
  });

  it('given rows of other patients among those loaded, then they are ignored', () => {
    const set = patientRecordSet({
      resolution: { survivor: A, path: [A] },
      collaborative: 'CCR',
      local: [local(A, { items: [stored(problem(A))] }), local(C, { items: [stored(problem(C, 'other'))] })],
      remote: [remote(C)],
    });
    expect(set.sources.map((s) => s.nhsNumber)).toEqual([A]);
  });
});
