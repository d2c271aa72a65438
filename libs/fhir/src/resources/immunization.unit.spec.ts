import { at, draftsOf, issuesOf } from '../expect-mapping.spec';
import { gpFluVaccination } from '../fixtures';

describe('Immunization', () => {
  it('given a flu vaccination at the practice, yields ImmunisationRecorded with batch, site and dose', () => {
    expect(draftsOf(gpFluVaccination())).toEqual([
      {
        type: 'ImmunisationRecorded',
        source: {
          nhsNumber: '9990000018',
          sourceRecordId: 'Immunization/8c2e5f1a-9d4b-4a6c-8e7f-3b0a1d9c5e28',
          sourceRecordVersion: 1,
          operation: 'CREATE',
          occurredAt: at('2023-10-12T10:15:00Z'),
        },
        body: {
          vaccine: {
            system: 'http://snomed.info/sct',
            code: '39114911000001105',
            display: 'Influenza Tetra MYL vaccine suspension for injection 0.5ml pre-filled syringes',
          },
          status: 'COMPLETED',
          administeredAt: at('2023-10-12T10:15:00Z'),
          doseNumber: 1,
          batchNumber: 'W4B271AA',
          site: { system: 'http://snomed.info/sct', code: '368208006', display: 'Left upper arm structure' },
        },
      },
    ]);
  });

  it('given a vaccination not done, with a free-text dose, yields NOT_DONE and no dose number', () => {
    const immunization = gpFluVaccination();
    immunization.status = 'not-done';
    immunization.protocolApplied = [{ doseNumberString: 'booster' }];

    const [recorded] = draftsOf(immunization);

    expect(recorded.body).toMatchObject({ status: 'NOT_DONE', doseNumber: null });
  });

  it('given only occurrenceString, rejects it: the event needs a time', () => {
    const immunization = gpFluVaccination();
    delete immunization.occurrenceDateTime;
    immunization.occurrenceString = 'last autumn';

    expect(issuesOf(immunization).map((issue) => [issue.code, issue.location])).toEqual([
      ['required', 'Immunization.occurrenceDateTime'],
    ]);
  });
});
