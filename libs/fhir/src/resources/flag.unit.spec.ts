import { at, days, draftsOf, issuesOf } from '../expect-mapping.spec';
import { acuteRiskAlert, gpReasonableAdjustmentFlag } from '../fixtures';

describe('Flag', () => {
  it('given the national reasonable adjustment flag, yields AlertRecorded marked as such, with its notes', () => {
    expect(draftsOf(gpReasonableAdjustmentFlag())).toEqual([
      {
        type: 'AlertRecorded',
        source: {
          nhsNumber: '9990000018',
          sourceRecordId: 'Flag/0b6e3f2a-7c41-4d8e-9a15-2f6c8d3e1b70',
          sourceRecordVersion: 1,
          operation: 'CREATE',
          occurredAt: at('2024-02-05T00:00:00Z'),
        },
        body: {
          code: { system: 'http://snomed.info/sct', code: '285055002', display: 'Use hearing aid' },
          text: 'Use hearing aid',
          category: {
            system: 'https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient',
            code: 'national-reasonable-adjustment-flag',
            display: 'National Reasonable Adjustments Flag',
          },
          reasonableAdjustment: true,
          status: 'ACTIVE',
          period: { start: days('2024-02-05'), end: null },
          authorOdsCode: 'M85001',
          authorName: 'Riverside Medical Practice',
          notes: 'Prefers the first appointment of the day',
        },
      },
    ]);
  });

  it('given a local alert, is no reasonable adjustment flag and keeps the words the sender used', () => {
    const [alert] = draftsOf(acuteRiskAlert(), { providerOdsCode: 'RRK' });

    expect(alert.body).toMatchObject({
      text: 'Risk of aggression towards staff: attend in pairs',
      reasonableAdjustment: false,
      period: { start: days('2024-03-10'), end: days('2025-03-10') },
      notes: null,
    });
  });

  it('given a flag made inactive, yields INACTIVE', () => {
    const flag = { ...gpReasonableAdjustmentFlag(), status: 'inactive' as const };

    expect(draftsOf(flag)[0].body).toMatchObject({ status: 'INACTIVE' });
  });

  it('given a flag entered in error, withdraws the alert', () => {
    const flag = { ...gpReasonableAdjustmentFlag(), status: 'entered-in-error' as const };

    expect(draftsOf(flag)).toEqual([
      expect.objectContaining({
        type: 'RecordRemoved',
        body: expect.objectContaining({ removedEventType: 'AlertRecorded', reason: 'ENTERED_IN_ERROR' }),
      }),
    ]);
  });

  it('given a code with neither a coding nor text, names Flag.code', () => {
    const flag = { ...gpReasonableAdjustmentFlag(), code: { coding: [{ display: 'something' }] } };

    expect(issuesOf(flag).map((issue) => [issue.code, issue.location])).toEqual([['required', 'Flag.code']]);
  });
});
