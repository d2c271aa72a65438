import { firstCode, latestByKey, liveRows, pseudonymOfRowKey, rowsOf } from './sde-topic-view';

const row = (text: string) => Buffer.from(text);

describe("an SDE project's topic, as its team sees it", () => {
  const entries = [
    { key: 'aaaa.r1', value: row('1') },
    { key: 'aaaa.r2', value: row('2') },
    { key: 'bbbb.r3', value: row('3') },
    { key: 'aaaa.r1', value: null },
    { key: 'aaaa.r2', value: null },
    { key: 'aaaa.r2', value: row('2 again') },
  ];

  it("keeps each key's last message, a tombstone included", () => {
    const latest = latestByKey(entries);
    expect([...latest.keys()]).toEqual(['aaaa.r1', 'aaaa.r2', 'bbbb.r3']);
    expect(latest.get('aaaa.r1')).toBeNull();
    expect(latest.get('aaaa.r2')?.toString()).toBe('2 again');
    expect(liveRows(latest)).toBe(2);
  });

  it("counts a pseudonym's standing and tombstoned rows, and no one else's", () => {
    const latest = latestByKey(entries);
    expect(rowsOf(latest, 'aaaa')).toEqual({ live: 1, tombstoned: 1 });
    expect(rowsOf(latest, 'bbbb')).toEqual({ live: 1, tombstoned: 0 });
    expect(rowsOf(latest, 'cccc')).toEqual({ live: 0, tombstoned: 0 });
    expect(pseudonymOfRowKey('0f3a.9c1d')).toBe('0f3a');
  });

  it("shows a row's first code from its event kind's fields, single or in a list", () => {
    const identity = { pseudonym: 'aaaa', eventType: 'ProblemRecorded', occurred: '2026-03', ics: 'QHL' };
    expect(
      firstCode({
        ...identity,
        patientRegistered: null,
        problemRecorded: {
          clinicalStatus: 'active',
          code: { system: 'http://snomed.info/sct', code: '44054006' },
        },
      }),
    ).toBe('http://snomed.info/sct|44054006');
    expect(
      firstCode({
        ...identity,
        encounterEnded: {
          outcome: 'discharged',
          diagnoses: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11' }],
        },
      }),
    ).toBe('http://hl7.org/fhir/sid/icd-10|E11');
    expect(
      firstCode({ ...identity, patientRegistered: { gender: 'female', birthDate: '1961' } }),
    ).toBeUndefined();
  });
});
