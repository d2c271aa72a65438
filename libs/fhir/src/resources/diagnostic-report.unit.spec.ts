import type { DiagnosticReport } from '@medplum/fhirtypes';
import { planBundle } from '../bundle/plan-bundle';
import { at, draftsOf, issuesOf } from '../expect-mapping.spec';
import { acuteChestXray, acuteFullBloodCount, fullBloodCountTransaction } from '../fixtures';

const HB = {
  code: { system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' },
  status: 'FINAL',
  valueQuantity: { value: 98, unit: 'g/L', ucumCode: 'g/L' },
  valueCoded: null,
  valueString: null,
  referenceRange: '115-165 g/L',
  interpretation: 'LOW',
};
const PLATELETS = {
  code: { system: 'http://loinc.org', code: '777-3', display: 'Platelets [#/volume] in Blood' },
  status: 'FINAL',
  valueQuantity: { value: 250, unit: '10*9/L', ucumCode: '10*9/L' },
  valueCoded: null,
  valueString: null,
  referenceRange: '150-400',
  interpretation: null,
};

describe('DiagnosticReport', () => {
  it('given a full blood count with contained results, yields one DiagnosticReportIssued carrying them', () => {
    expect(draftsOf(acuteFullBloodCount(), { providerOdsCode: 'RRK' })).toEqual([
      {
        type: 'DiagnosticReportIssued',
        source: {
          nhsNumber: '9990000026',
          sourceRecordId: 'DiagnosticReport/7c2e9a41-5d3b-4f8e-b6a0-1e9d4c7f2a58',
          sourceRecordVersion: 1,
          operation: 'CREATE',
          occurredAt: at('2024-03-11T08:05:00Z'),
        },
        body: {
          code: { system: 'http://snomed.info/sct', code: '26604007', display: 'Full blood count' },
          category: 'PATHOLOGY',
          status: 'FINAL',
          effectiveAt: at('2024-03-11T08:05:00Z'),
          issuedAt: at('2024-03-11T10:38:00Z'),
          performerOdsCode: 'RRK',
          conclusion: null,
          conclusionCodes: [],
          results: [HB, PLATELETS],
        },
      },
    ]);
  });

  it('given a chest X-ray report without results, carries its conclusion and coded conclusion', () => {
    const [report] = draftsOf(acuteChestXray());

    expect(report.body).toMatchObject({
      category: 'IMAGING',
      results: [],
      conclusion: 'No focal consolidation. Heart size normal.',
      conclusionCodes: [
        { system: 'http://snomed.info/sct', code: '168731009', display: 'Chest X-ray normal' },
      ],
    });
  });

  it.each([
    ['amended', 'AMENDED'],
    ['corrected', 'CORRECTED'],
    ['appended', 'AMENDED'],
    ['cancelled', 'CANCELLED'],
    ['partial', 'PARTIAL'],
  ] as const)('given status %s, is %s', (status, expected) => {
    const [report] = draftsOf({ ...acuteFullBloodCount(), status });

    expect(report.body).toMatchObject({ status: expected });
  });

  it('given entered-in-error, removes the report', () => {
    const [removal] = draftsOf({ ...acuteFullBloodCount(), status: 'entered-in-error' });

    expect(removal).toMatchObject({
      type: 'RecordRemoved',
      body: { removedEventType: 'DiagnosticReportIssued', reason: 'ENTERED_IN_ERROR' },
    });
  });

  it('given no effective time, dates the report by when it was issued', () => {
    const report = acuteFullBloodCount();
    delete report.effectiveDateTime;

    expect(draftsOf(report)[0].body).toMatchObject({ effectiveAt: at('2024-03-11T10:38:00Z') });
  });

  it('given a result reference that is neither contained nor in a transaction, refuses naming it', () => {
    const report: DiagnosticReport = {
      ...acuteFullBloodCount(),
      result: [{ reference: 'Observation/elsewhere' }],
    };

    expect(issuesOf(report)).toEqual([
      expect.objectContaining({
        code: 'value',
        location: 'DiagnosticReport.result[0].reference',
        message: expect.stringContaining("'Observation/elsewhere'"),
      }),
    ]);
  });

  it('given a transaction with the report and its results as entries, publishes the report only, results inside', () => {
    const result = planBundle(fullBloodCountTransaction(), { providerOdsCode: 'RRK' });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const drafts = result.value.entries.map((entry) => (entry.kind === 'write' ? entry.drafts : []));
    expect(drafts.map((list) => list.map((draft) => draft.type))).toEqual([
      ['DiagnosticReportIssued'],
      [],
      [],
    ]);
    expect(drafts[0][0].body).toMatchObject({ results: [HB, PLATELETS] });
  });

  it('given a batch, does not look for results among its other entries', () => {
    const bundle = { ...fullBloodCountTransaction(), type: 'batch' as const };

    const result = planBundle(bundle, { providerOdsCode: 'RRK' });

    expect(result.ok && result.value.entries.map((entry) => entry.kind)).toEqual([
      'rejected',
      'write',
      'write',
    ]);
  });
});
