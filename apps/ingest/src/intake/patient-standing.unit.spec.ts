import type { AnyRecordChangeDraft } from '@crosscare/events';
import { mapFhirResource } from '@crosscare/fhir';
import { fhirFixtures } from '@crosscare/fhir/testing';
import { mapAdtMessage } from '@crosscare/hl7v2';
import { ADT_FIXTURE_NHS_NUMBERS, CERNER_ADT } from '@crosscare/hl7v2/testing';
import {
  isHighImpact,
  patientsCarried,
  patientsNeeded,
  patientsToHold,
  standingRefusals,
  type StandingUnit,
} from './patient-standing';

const PATIENT = '9990000018';
const OTHER = '9990000026';

/** A draft as standing reads it: its type, its patient, and for a merge the numbers it names. */
function draft(type: string, nhsNumber: string, body: object = {}): AnyRecordChangeDraft {
  return {
    type,
    source: {
      nhsNumber,
      sourceRecordId: `${type}/1`,
      sourceRecordVersion: 1,
      operation: 'UPDATE',
      occurredAt: 0,
    },
    body,
  } as unknown as AnyRecordChangeDraft;
}
const died = (nhsNumber = PATIENT) => draft('PatientDied', nhsNumber);
const merged = (retired: string, surviving: string) =>
  draft('PatientMerged', surviving, { retiredNhsNumber: retired, survivingNhsNumber: surviving });
const unit = (...drafts: AnyRecordChangeDraft[]): StandingUnit => ({ drafts });

const refusals = (units: StandingUnit[], held: string[] = [], excluded = units.map(() => false)) =>
  standingRefusals('RRK', units, excluded, new Set(held));

describe('which drafts are high-impact, and which patient each needs', () => {
  it('given a death, needs the patient who died', () => {
    expect(isHighImpact(died())).toBe(true);
    expect(patientsToHold(died())).toEqual([PATIENT]);
  });

  it("given a merge, needs the retired number, not the header's (the survivor)", () => {
    expect(isHighImpact(merged(OTHER, PATIENT))).toBe(true);
    expect(patientsToHold(merged(OTHER, PATIENT))).toEqual([OTHER]);
  });

  it('given any other record, a removal of a death or a merge included, needs nothing', () => {
    for (const type of ['PatientRegistered', 'PatientDetailsChanged', 'EncounterEnded', 'RecordRemoved']) {
      const d = draft(type, PATIENT, { removedEventType: 'PatientDied' });
      expect(isHighImpact(d)).toBe(false);
      expect(patientsToHold(d)).toEqual([]);
    }
  });

  it('given the FHIR mapping of a retired Patient, needs its own (retired) number', () => {
    const result = mapFhirResource(fhirFixtures.mergedPatient('9990000042', '9990000034'), {
      operation: 'update',
      providerOdsCode: 'M85001',
      careSetting: 'PRIMARY_CARE',
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value.map((d) => d.source.nhsNumber)).toEqual(['9990000034']);
    expect(result.value.flatMap(patientsToHold)).toEqual(['9990000042']);
  });

  it('given the HL7 A40 mapping, needs the number MRG-1 retires, not the surviving PID-3', () => {
    const result = mapAdtMessage(CERNER_ADT.A40);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value.drafts.flatMap(patientsToHold)).toEqual([ADT_FIXTURE_NHS_NUMBERS.davidRetired]);
  });
});

describe('which patients a submission carries a record of', () => {
  it('counts ordinary records, not deaths, merges or removals', () => {
    expect(
      patientsCarried([
        draft('PatientRegistered', PATIENT),
        died(OTHER),
        merged('9990000034', OTHER),
        draft('RecordRemoved', '9990000042'),
      ]),
    ).toEqual(new Set([PATIENT]));
  });

  it('asks the ledger about every number a high-impact draft needs, once; about nothing when there is none', () => {
    expect(patientsNeeded([unit(died()), unit(merged(OTHER, PATIENT), died())])).toEqual([PATIENT, OTHER]);
    expect(patientsNeeded([unit(draft('ProblemRecorded', PATIENT))])).toEqual([]);
  });
});

describe('standing', () => {
  it('given a death of a patient the ledger shows the provider holds, allows it', () => {
    expect(refusals([unit(died())], [PATIENT])).toEqual([null]);
  });

  it('given a death of a patient the provider holds no records for, refuses it, saying what to do', () => {
    const [reason] = refusals([unit(died())], [OTHER]);
    expect(reason).toContain('RRK may not record the death of the patient with NHS number 9990000018');
    expect(reason).toContain('holds no records for that patient');
    expect(reason).toMatch(/first, or in the same request/);
  });

  it('given a death with the registration in the same unit (a Patient with deceasedDateTime), allows it', () => {
    expect(refusals([unit(draft('PatientRegistered', PATIENT), died())])).toEqual([null]);
  });

  it('given a death with a record of the patient in another unit of the submission, allows it', () => {
    expect(refusals([unit(draft('ObservationRecorded', PATIENT)), unit(died())])).toEqual([null, null]);
  });

  it("given a death with another patient's record beside it, refuses it", () => {
    expect(refusals([unit(draft('PatientRegistered', OTHER), died())])[0]).not.toBeNull();
  });

  it('given a death beside only a removal (an HL7 cancel with the death indicator), refuses it', () => {
    expect(refusals([unit(draft('RecordRemoved', PATIENT), died())])[0]).not.toBeNull();
  });

  it('given a merge, asks for the retired number whatever the survivor', () => {
    expect(refusals([unit(merged(OTHER, PATIENT))], [PATIENT])[0]).toContain(
      'RRK may not retire NHS number 9990000026 in a merge',
    );
    expect(refusals([unit(merged(OTHER, PATIENT))], [OTHER])).toEqual([null]);
  });

  it('given a merge beside a death of the retired number, neither vouches for the other', () => {
    expect(refusals([unit(merged(OTHER, PATIENT), died(OTHER))])[0]).not.toBeNull();
  });

  it('given the vouching unit refused for another reason, refuses the death it vouched for', () => {
    const units = [unit(draft('PatientRegistered', PATIENT)), unit(died())];
    expect(refusals(units, [], [true, false])).toEqual([null, expect.any(String)]);
  });

  it('given a chain of units, refuses what leant on a unit refused for standing', () => {
    // Unit 0 vouches for OTHER only if it stands; it stands only if PATIENT is held, which it is not.
    const units = [unit(draft('ProblemRecorded', OTHER), died(PATIENT)), unit(died(OTHER))];
    expect(refusals(units).map((r) => r !== null)).toEqual([true, true]);
  });

  it('leaves already refused units alone and allows what needs nothing', () => {
    expect(refusals([unit(died()), unit(draft('ProblemRecorded', OTHER))], [], [true, false])).toEqual([
      null,
      null,
    ]);
  });
});
