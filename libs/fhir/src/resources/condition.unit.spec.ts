import { at, days, draftsOf, issuesOf } from '../expect-mapping.spec';
import { gpCondition } from '../fixtures';

describe('Condition', () => {
  it('given a GP problem list entry, yields ProblemRecorded with its significance, statuses and onset', () => {
    expect(draftsOf(gpCondition(), { operation: 'update' })).toEqual([
      {
        type: 'ProblemRecorded',
        source: {
          nhsNumber: '9990000018',
          sourceRecordId: 'Condition/a7d2e9c4-0b61-4f3a-9e58-2c7b1d4f6e90',
          sourceRecordVersion: 2,
          operation: 'UPDATE',
          occurredAt: at('2019-05-14T09:32:00Z'),
        },
        body: {
          code: { system: 'http://snomed.info/sct', code: '44054006', display: 'Type 2 diabetes mellitus' },
          clinicalStatus: 'ACTIVE',
          verificationStatus: 'CONFIRMED',
          significance: 'MAJOR',
          onsetDate: days('2019-05-14'),
          abatementDate: null,
        },
      },
    ]);
  });

  it('given a resolved problem, carries the abatement date', () => {
    const condition = gpCondition();
    condition.clinicalStatus = {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }],
    };
    condition.abatementDateTime = '2023-11-30';

    const [problem] = draftsOf(condition);

    expect(problem.body).toMatchObject({ clinicalStatus: 'RESOLVED', abatementDate: days('2023-11-30') });
  });

  it('given no code, rejects it as required at Condition.code', () => {
    const condition = gpCondition();
    condition.code = { text: 'sugar diabetes' };

    expect(issuesOf(condition)).toEqual([
      {
        code: 'required',
        location: 'Condition.code',
        message: 'Condition.code needs a coding with system and code',
      },
    ]);
  });

  it('given an ICD-10 code only, accepts it', () => {
    const condition = gpCondition();
    condition.code = { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11.9' }] };

    const [problem] = draftsOf(condition);

    expect(problem.body).toMatchObject({ code: { system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11.9' } });
  });
});
