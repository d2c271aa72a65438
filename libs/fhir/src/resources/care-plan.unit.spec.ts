import type { CarePlan } from '@medplum/fhirtypes';
import { at, days, draftsOf, issuesOf } from '../expect-mapping.spec';
import { careHomeCarePlan, hospiceAdvanceCarePlan } from '../fixtures';
import { END_OF_LIFE_EXTENSIONS } from './end-of-life-preferences';

const ADVANCE_CARE_PLAN = 'CarePlan/f2c8a5e1-7d3b-4f9a-8c6e-1b4d7a0e3c58';

describe('CarePlan', () => {
  it('given a care home falls plan, yields CarePlanRecorded addressing the contained finding', () => {
    expect(draftsOf(careHomeCarePlan(), { operation: 'update' })).toEqual([
      {
        type: 'CarePlanRecorded',
        source: {
          nhsNumber: '9990000042',
          sourceRecordId: 'CarePlan/1e7b4d0a-5c9f-4a3e-b2d8-6f0c9a3e7b15',
          sourceRecordVersion: 3,
          operation: 'UPDATE',
          occurredAt: at('2024-02-01T12:45:00Z'),
        },
        body: {
          title: 'Falls prevention care plan',
          category: { system: 'http://snomed.info/sct', code: '734163000', display: 'Care plan' },
          status: 'ACTIVE',
          period: { start: days('2024-02-01'), end: null },
          description: 'Walking frame at all times; sensor mat at night; review footwear monthly.',
          addresses: [{ system: 'http://snomed.info/sct', code: '129839007', display: 'At risk for falls' }],
        },
      },
    ]);
  });

  it('given a hospice advance care plan, yields EndOfLifePreferencesRecorded from the Crosscare extensions', () => {
    expect(draftsOf(hospiceAdvanceCarePlan(), { providerOdsCode: 'NHA10' })).toEqual([
      {
        type: 'EndOfLifePreferencesRecorded',
        source: {
          nhsNumber: '9990000042',
          sourceRecordId: ADVANCE_CARE_PLAN,
          sourceRecordVersion: 2,
          operation: 'CREATE',
          occurredAt: at('2024-02-20T15:00:00Z'),
        },
        body: {
          preferredPlaceOfDeath: 'HOSPICE',
          dnacprDecision: 'DO_NOT_ATTEMPT_CPR',
          dnacprDecisionDate: days('2024-02-20'),
          respectFormInPlace: true,
          lastingPowerOfAttorney: 'HEALTH_AND_WELFARE',
          reviewDate: days('2024-05-20'),
        },
      },
    ]);
  });

  it('given an advance care plan without extensions, says nothing is known rather than inventing decisions', () => {
    const plan: CarePlan = { ...hospiceAdvanceCarePlan(), extension: [] };

    const [preferences] = draftsOf(plan);

    expect(preferences.body).toEqual({
      preferredPlaceOfDeath: null,
      dnacprDecision: 'UNKNOWN',
      dnacprDecisionDate: null,
      respectFormInPlace: false,
      lastingPowerOfAttorney: 'UNKNOWN',
      reviewDate: null,
    });
  });

  it('given an unknown preferred place code and a DNACPR decision sent as a string, reports both', () => {
    const plan: CarePlan = {
      ...hospiceAdvanceCarePlan(),
      extension: [
        { url: END_OF_LIFE_EXTENSIONS.preferredPlaceOfDeath, valueCode: 'garden' },
        { url: END_OF_LIFE_EXTENSIONS.dnacprDecision, valueString: 'DNACPR' },
      ],
    };

    expect(issuesOf(plan)).toEqual([
      {
        code: 'code-invalid',
        location: 'CarePlan.extension[0].valueCode',
        message:
          "CarePlan.extension[0].valueCode 'garden' is not one of home, care-home, hospice, hospital, other",
      },
      {
        code: 'value',
        location: 'CarePlan.extension[1]',
        message: `CarePlan.extension[1] (${END_OF_LIFE_EXTENSIONS.dnacprDecision}) needs valueCode`,
      },
    ]);
  });

  it('given an advance care plan entered in error, removes the EndOfLifePreferencesRecorded', () => {
    const plan: CarePlan = { ...hospiceAdvanceCarePlan(), status: 'entered-in-error' };

    expect(draftsOf(plan)).toEqual([
      {
        type: 'RecordRemoved',
        source: expect.objectContaining({ sourceRecordId: ADVANCE_CARE_PLAN, operation: 'DELETE' }),
        body: {
          removedEventType: 'EndOfLifePreferencesRecorded',
          removedSourceRecordId: ADVANCE_CARE_PLAN,
          reason: 'ENTERED_IN_ERROR',
          replacedBySourceRecordId: null,
        },
      },
    ]);
  });

  it('given a care plan without a coded category, rejects it', () => {
    const plan: CarePlan = { ...careHomeCarePlan(), category: [{ text: 'falls' }] };

    expect(issuesOf(plan)).toEqual([
      {
        code: 'required',
        location: 'CarePlan.category',
        message: 'CarePlan.category needs a coding with system and code',
      },
    ]);
  });
});
