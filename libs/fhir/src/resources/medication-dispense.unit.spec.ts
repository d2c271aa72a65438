import { at, draftsOf, issuesOf } from '../expect-mapping.spec';
import { pharmacyDispense } from '../fixtures';

describe('MedicationDispense', () => {
  it('given a community pharmacy EPS dispense, yields MedicationDispensed by the performing pharmacy', () => {
    expect(draftsOf(pharmacyDispense(), { providerOdsCode: 'FQ123' })).toEqual([
      {
        type: 'MedicationDispensed',
        source: {
          nhsNumber: '9990000034',
          sourceRecordId: 'MedicationDispense/2a6d9f0c-8e3b-4c1a-9f7d-5b2e8c0a4d16',
          sourceRecordVersion: 1,
          operation: 'CREATE',
          occurredAt: at('2024-02-05T16:40:00Z'),
        },
        body: {
          pharmacyOdsCode: 'FQ123',
          medication: {
            system: 'http://snomed.info/sct',
            code: '323510009',
            display: 'Amoxicillin 500mg capsules',
          },
          quantity: { value: 21, unit: 'capsule', ucumCode: null },
          dosageText: 'One capsule three times a day',
          prescriptionId: '24C1E5-M85001-00028K',
          status: 'COMPLETED',
        },
      },
    ]);
  });

  it('given no performer, the dispensing pharmacy is the sending provider', () => {
    const dispense = pharmacyDispense();
    delete dispense.performer;

    const [dispensed] = draftsOf(dispense, { providerOdsCode: 'FA777' });

    expect(dispensed.body).toMatchObject({ pharmacyOdsCode: 'FA777' });
  });

  it('given an EPS partial dispense, the status is PARTIALLY_DISPENSED whatever the FHIR status says', () => {
    const dispense = pharmacyDispense();
    dispense.status = 'in-progress';
    dispense.type = {
      coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/medicationdispense-type', code: '0003' }],
    };

    const [dispensed] = draftsOf(dispense);

    expect(dispensed.body).toMatchObject({ status: 'PARTIALLY_DISPENSED' });
  });

  it('given a declined item without quantity, yields NOT_DISPENSED with nothing handed over', () => {
    const dispense = pharmacyDispense();
    dispense.status = 'declined';
    delete dispense.type;
    delete dispense.quantity;

    const [dispensed] = draftsOf(dispense);

    expect(dispensed.body).toMatchObject({
      status: 'NOT_DISPENSED',
      quantity: { value: 0, unit: '', ucumCode: null },
    });
  });

  it('given a completed dispense without quantity, rejects it', () => {
    const dispense = pharmacyDispense();
    delete dispense.quantity;

    expect(issuesOf(dispense)).toEqual([
      {
        code: 'required',
        location: 'MedicationDispense.quantity.value',
        message: 'MedicationDispense.quantity.value is required: how much was handed over',
      },
    ]);
  });
});
