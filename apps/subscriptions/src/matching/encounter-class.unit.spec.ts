import type { RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import type { PatientRecord } from '@crosscare/projection';
import { TEST_NOW, TEST_PROVIDERS, testEvents } from '@crosscare/projection/testing';
import { encounterClassIn } from './encounter-class';

const TRUST = TEST_PROVIDERS.ohcAcuteTrust.providerOdsCode;
const PATIENT = testNhsNumber(1);
const RETIRED = testNhsNumber(2);

function record(items: RecordChangeEvent[], fields: Partial<PatientRecord> = {}): PatientRecord {
  return {
    nhsNumber: PATIENT,
    collaborative: 'CCR',
    sequence: 1,
    updatedAt: TEST_NOW,
    mergedInto: null,
    mergedFrom: [],
    items,
    ...fields,
  };
}

const started = (sourceRecordId: string, encounterClass: 'INPATIENT' | 'EMERGENCY' | 'DAY_CASE') =>
  testEvents.EncounterStarted({ header: { nhsNumber: PATIENT, sourceRecordId }, encounterClass });

describe('encounterClassIn', () => {
  it("answers the class of the provider's encounter the record holds the start of", () => {
    const records = [
      record([
        testEvents.ProblemRecorded(),
        started('admission-1', 'INPATIENT'),
        started('attendance-7', 'EMERGENCY'),
      ]),
    ];
    expect(encounterClassIn(records, TRUST, 'admission-1')).toBe('INPATIENT');
    expect(encounterClassIn(records, TRUST, 'attendance-7')).toBe('EMERGENCY');
  });

  it("does not take another provider's encounter of the same source record id", () => {
    const elsewhere = testEvents.EncounterStarted({
      header: { ...TEST_PROVIDERS.ccrGpPractice, nhsNumber: PATIENT, sourceRecordId: 'admission-1' },
      encounterClass: 'DAY_CASE',
    });
    const records = [record([elsewhere])];
    expect(encounterClassIn(records, TRUST, 'admission-1')).toBeUndefined();
    expect(encounterClassIn(records, TEST_PROVIDERS.ccrGpPractice.providerOdsCode, 'admission-1')).toBe(
      'DAY_CASE',
    );
  });

  it('finds the start in a record merged into the patient (every record of the set is searched)', () => {
    const records = [
      record([testEvents.ProblemRecorded()]),
      record([started('admission-2', 'DAY_CASE')], { nhsNumber: RETIRED, mergedInto: PATIENT }),
    ];
    expect(encounterClassIn(records, TRUST, 'admission-2')).toBe('DAY_CASE');
  });

  it('answers undefined when the record holds only the end, or nothing of the encounter', () => {
    const ended = testEvents.EncounterEnded({
      header: { nhsNumber: PATIENT, sourceRecordId: 'admission-3' },
    });
    expect(encounterClassIn([record([ended])], TRUST, 'admission-3')).toBeUndefined();
    expect(
      encounterClassIn([record([started('admission-1', 'INPATIENT')])], TRUST, 'admission-3'),
    ).toBeUndefined();
    expect(encounterClassIn([], TRUST, 'admission-1')).toBeUndefined();
  });
});
