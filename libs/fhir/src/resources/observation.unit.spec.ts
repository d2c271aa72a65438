import type { Observation } from '@medplum/fhirtypes';
import { at, draftsOf, issuesOf } from '../expect-mapping.spec';
import { careHomeWeight } from '../fixtures';

/** The weight fixture without its value, as another observation's starting point. */
function withoutValue(): Observation {
  const { valueQuantity: _value, ...observation } = careHomeWeight();
  return observation;
}

describe('Observation', () => {
  it('given a care home weight, yields ObservationRecorded coded in SNOMED CT with a UCUM quantity', () => {
    expect(draftsOf(careHomeWeight(), { providerOdsCode: 'VM4X2' })).toEqual([
      {
        type: 'ObservationRecorded',
        source: {
          nhsNumber: '9990000042',
          sourceRecordId: 'Observation/6d0a3e9c-4b7f-4c2d-8a1e-f5b9c3d7e026',
          sourceRecordVersion: 1,
          operation: 'CREATE',
          occurredAt: at('2024-03-03T08:00:00Z'),
        },
        body: {
          code: { system: 'http://snomed.info/sct', code: '27113001', display: 'Body weight' },
          category: 'VITAL_SIGNS',
          effectiveAt: at('2024-03-03T08:00:00Z'),
          valueQuantity: { value: 58.4, unit: 'kg', ucumCode: 'kg' },
          valueCoded: null,
          valueString: null,
          interpretation: null,
        },
      },
    ]);
  });

  it('given a lab result with a comparator and a high flag, carries the value as text and the interpretation', () => {
    const observation: Observation = {
      ...careHomeWeight(),
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
          ],
        },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: '62238-1', display: 'eGFR' }] },
      valueQuantity: { comparator: '>', value: 90, unit: 'mL/min/1.73m2' },
      interpretation: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' },
          ],
        },
      ],
    };

    const [recorded] = draftsOf(observation);

    expect(recorded.body).toMatchObject({
      code: { system: 'http://loinc.org', code: '62238-1' },
      category: 'LABORATORY',
      valueQuantity: null,
      valueString: '>90 mL/min/1.73m2',
      interpretation: 'HIGH',
    });
  });

  it('given a blood pressure made of components, carries them as one line of text', () => {
    const observation: Observation = {
      ...withoutValue(),
      code: { coding: [{ system: 'http://snomed.info/sct', code: '75367002', display: 'Blood pressure' }] },
      component: [
        {
          code: { coding: [{ system: 'http://snomed.info/sct', code: '271649006', display: 'Systolic' }] },
          valueQuantity: { value: 142, unit: 'mmHg' },
        },
        {
          code: { coding: [{ system: 'http://snomed.info/sct', code: '271650006', display: 'Diastolic' }] },
          valueQuantity: { value: 88, unit: 'mmHg' },
        },
      ],
    };

    const [recorded] = draftsOf(observation);

    expect(recorded.body).toMatchObject({
      valueQuantity: null,
      valueString: 'Systolic 142 mmHg; Diastolic 88 mmHg',
    });
  });

  it('given a coded smoking status, carries valueCoded', () => {
    const observation: Observation = {
      ...withoutValue(),
      valueCodeableConcept: {
        coding: [{ system: 'http://snomed.info/sct', code: '8517006', display: 'Ex-smoker' }],
      },
    };

    const [recorded] = draftsOf(observation);

    expect(recorded.body).toMatchObject({
      valueCoded: { system: 'http://snomed.info/sct', code: '8517006', display: 'Ex-smoker' },
      valueQuantity: null,
      valueString: null,
    });
  });

  it('given no effective time, takes issued (a lab result reported without its collection time)', () => {
    const observation: Observation = { ...careHomeWeight(), issued: '2024-03-04T09:30:00Z' };
    delete observation.effectiveDateTime;

    const [recorded] = draftsOf(observation);

    expect(recorded.body).toMatchObject({ effectiveAt: at('2024-03-04T09:30:00Z') });
  });

  it('given neither effective time nor issued, applies as of its record change (meta.lastUpdated)', () => {
    const observation: Observation = {
      ...careHomeWeight(),
      meta: { versionId: '1', lastUpdated: '2024-03-05T10:00:00Z' },
    };
    delete observation.effectiveDateTime;

    const [recorded] = draftsOf(observation);

    expect(recorded.source.occurredAt).toBe(at('2024-03-05T10:00:00Z'));
    expect(recorded.body).toMatchObject({ effectiveAt: at('2024-03-05T10:00:00Z') });
  });

  it('given a malformed effective time, still rejects it (the record time is only for an absent one)', () => {
    const observation: Observation = { ...careHomeWeight(), effectiveDateTime: '2024-13-40' };

    expect(issuesOf(observation)).toContainEqual(
      expect.objectContaining({ code: 'value', location: 'Observation.effective[x]' }),
    );
  });
});
