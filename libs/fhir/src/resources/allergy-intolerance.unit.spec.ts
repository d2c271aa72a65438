import { at, days, draftsOf, issuesOf } from '../expect-mapping.spec';
import { gpAllergy } from '../fixtures';

describe('AllergyIntolerance', () => {
  it('given a GP penicillin allergy, yields one AllergyRecorded with substance, reaction and onset', () => {
    expect(draftsOf(gpAllergy(), { operation: 'create' })).toEqual([
      {
        type: 'AllergyRecorded',
        source: {
          nhsNumber: '9990000018',
          sourceRecordId: 'AllergyIntolerance/5e0c3b8a-7f14-4d2e-a6c9-9b1d0e4f2a77',
          sourceRecordVersion: 1,
          operation: 'CREATE',
          occurredAt: at('2023-06-20T13:03:00Z'),
        },
        body: {
          substance: { system: 'http://snomed.info/sct', code: '91936005', display: 'Allergy to penicillin' },
          category: 'MEDICATION',
          clinicalStatus: 'ACTIVE',
          criticality: 'HIGH',
          reactions: [
            {
              manifestation: { system: 'http://snomed.info/sct', code: '126485001', display: 'Urticaria' },
              severity: 'MODERATE',
              onsetAt: at('1998-08-03T00:00:00Z'),
            },
          ],
          onsetDate: days('1998-01-01'),
        },
      },
    ]);
  });

  it('given verificationStatus entered-in-error, yields a RecordRemoved of the AllergyRecorded instead', () => {
    const allergy = gpAllergy();
    allergy.meta = { versionId: '2' };
    allergy.verificationStatus = {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
          code: 'entered-in-error',
        },
      ],
    };
    delete allergy.clinicalStatus;

    expect(draftsOf(allergy, { operation: 'update' })).toEqual([
      {
        type: 'RecordRemoved',
        source: {
          nhsNumber: '9990000018',
          sourceRecordId: 'AllergyIntolerance/5e0c3b8a-7f14-4d2e-a6c9-9b1d0e4f2a77',
          sourceRecordVersion: 2,
          operation: 'DELETE',
          occurredAt: at('2023-06-20T13:03:00Z'),
        },
        body: {
          removedEventType: 'AllergyRecorded',
          removedSourceRecordId: 'AllergyIntolerance/5e0c3b8a-7f14-4d2e-a6c9-9b1d0e4f2a77',
          reason: 'ENTERED_IN_ERROR',
          replacedBySourceRecordId: null,
        },
      },
    ]);
  });

  it('given codes Crosscare has no mapping for, falls back to OTHER and UNKNOWN rather than failing', () => {
    const allergy = gpAllergy();
    allergy.clinicalStatus = { coding: [{ system: 'https://example.org/local', code: 'lapsed' }] };
    delete allergy.category;
    delete allergy.criticality;
    allergy.reaction = [{ manifestation: [{ text: 'felt unwell' }], severity: 'severe' }];

    const [allergyRecorded] = draftsOf(allergy);

    expect(allergyRecorded.body).toMatchObject({
      category: 'OTHER',
      clinicalStatus: 'UNKNOWN',
      criticality: 'UNKNOWN',
      reactions: [],
    });
  });

  it('given only a local drug code, rejects the code as not shareable and names the systems that would be', () => {
    const allergy = gpAllergy();
    allergy.code = { coding: [{ system: 'https://emis.example/drug-codes', code: 'PEN1' }] };

    expect(issuesOf(allergy)).toEqual([
      {
        code: 'code-invalid',
        location: 'AllergyIntolerance.code',
        message: 'AllergyIntolerance.code needs a coding from http://snomed.info/sct or https://dmd.nhs.uk',
      },
    ]);
  });
});
