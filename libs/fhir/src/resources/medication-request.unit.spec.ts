import { at, days, draftsOf, issuesOf } from '../expect-mapping.spec';
import { gpRepeatPrescription } from '../fixtures';

describe('MedicationRequest', () => {
  it('given a GP repeat, yields MedicationPrescribed of course REPEAT ending when the authority expires', () => {
    expect(draftsOf(gpRepeatPrescription())).toEqual([
      {
        type: 'MedicationPrescribed',
        source: {
          nhsNumber: '9990000018',
          sourceRecordId: 'MedicationRequest/0d9f4a2b-3c8e-4b71-a5d6-e2f1c7b8a903',
          sourceRecordVersion: 3,
          operation: 'CREATE',
          occurredAt: at('2024-01-15T09:30:00Z'),
        },
        body: {
          medication: {
            system: 'http://snomed.info/sct',
            code: '325278007',
            display: 'Metformin 500mg tablets',
          },
          dosageText: 'One tablet twice a day with meals',
          quantity: { value: 56, unit: 'tablet', ucumCode: null },
          courseType: 'REPEAT',
          status: 'ACTIVE',
          courseEndDate: days('2025-01-15'),
        },
      },
    ]);
  });

  it('given an acute prescription that was stopped, yields course ACUTE, status STOPPED, end of validity', () => {
    const request = gpRepeatPrescription();
    delete request.extension;
    request.status = 'stopped';
    request.courseOfTherapyType = {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy',
          code: 'acute',
        },
      ],
    };

    const [prescribed] = draftsOf(request);

    expect(prescribed.body).toMatchObject({
      courseType: 'ACUTE',
      status: 'STOPPED',
      courseEndDate: days('2024-07-15'),
    });
  });

  it('given the medication as a contained Medication, reads its code', () => {
    const request = gpRepeatPrescription();
    delete request.medicationCodeableConcept;
    request.contained = [
      {
        resourceType: 'Medication',
        id: 'med',
        code: {
          coding: [{ system: 'https://dmd.nhs.uk', code: '325278007', display: 'Metformin 500mg tablets' }],
        },
      },
    ];
    request.medicationReference = { reference: '#med' };

    const [prescribed] = draftsOf(request);

    expect(prescribed.body).toMatchObject({
      medication: { system: 'https://dmd.nhs.uk', code: '325278007' },
    });
  });

  it('given no medication code and no dosage text, reports both at once', () => {
    const request = gpRepeatPrescription();
    request.medicationCodeableConcept = { text: 'metformin' };
    request.dosageInstruction = [{ sequence: 1 }];

    expect(issuesOf(request)).toEqual([
      {
        code: 'required',
        location: 'MedicationRequest.medicationCodeableConcept',
        message: 'MedicationRequest.medicationCodeableConcept needs a coding with system and code',
      },
      {
        code: 'required',
        location: 'MedicationRequest.dosageInstruction.text',
        message: 'MedicationRequest.dosageInstruction.text is required: the dosage as written',
      },
    ]);
  });
});
