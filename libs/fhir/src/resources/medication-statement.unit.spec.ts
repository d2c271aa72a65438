import { at, days, draftsOf } from '../expect-mapping.spec';
import { admissionMedicationStatement } from '../fixtures';

describe('MedicationStatement', () => {
  it('given medicines reconciliation versioned by lastUpdated, yields MedicationPrescribed at that version', () => {
    expect(draftsOf(admissionMedicationStatement())).toEqual([
      {
        type: 'MedicationPrescribed',
        source: {
          nhsNumber: '9990000026',
          sourceRecordId: 'MedicationStatement/9b3e1d7f-2c5a-4f8e-b6d0-7a1c4e9f3b52',
          sourceRecordVersion: at('2024-03-10T18:05:00Z'),
          operation: 'CREATE',
          occurredAt: at('2022-09-01T00:00:00Z'),
        },
        body: {
          medication: {
            system: 'http://snomed.info/sct',
            code: '319283006',
            display: 'Amlodipine 5mg tablets',
          },
          dosageText: 'One tablet once a day',
          quantity: null,
          courseType: 'OTHER',
          status: 'ACTIVE',
          courseEndDate: null,
        },
      },
    ]);
  });

  it('given a statement the patient stopped taking, with no dosage, yields STOPPED with empty dosage text', () => {
    const statement = admissionMedicationStatement();
    statement.status = 'not-taken';
    delete statement.dosage;
    statement.effectivePeriod = { start: '2022-09-01', end: '2024-01-31' };

    const [prescribed] = draftsOf(statement);

    expect(prescribed.body).toMatchObject({
      status: 'STOPPED',
      dosageText: '',
      courseEndDate: days('2024-01-31'),
    });
  });
});
