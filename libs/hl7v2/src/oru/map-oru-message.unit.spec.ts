import { PATHOLOGY_ORU } from '../fixtures/pathology-oru-messages';
import { mapHl7v2Message } from '../map-hl7v2-message';
import { mapOruMessage } from './map-oru-message';

const LOINC = 'http://loinc.org';
const at = (iso: string) => Date.parse(iso);

function draftsOf(er7: string) {
  const result = mapOruMessage(er7);
  if (!result.ok) throw new Error(`expected drafts, got ${JSON.stringify(result.issues)}`);
  return result.value.drafts;
}

function issuesOf(er7: string) {
  const result = mapOruMessage(er7);
  if (result.ok) throw new Error('expected issues');
  return result.issues.map((issue) => [issue.location, issue.code]);
}

describe('mapOruMessage', () => {
  it('given a final full blood count, yields one DiagnosticReportIssued with its results, units, ranges and flags', () => {
    expect(draftsOf(PATHOLOGY_ORU.fbcFinal)).toEqual([
      {
        type: 'DiagnosticReportIssued',
        source: {
          nhsNumber: '9990000026',
          sourceRecordId: 'DiagnosticReport/24H118832',
          // 10:38 London time in March is 10:38 UTC.
          sourceRecordVersion: at('2024-03-11T10:38:00Z'),
          operation: 'CREATE',
          occurredAt: at('2024-03-11T08:05:00Z'),
        },
        body: {
          code: { system: 'http://snomed.info/sct', code: '26604007', display: 'Full blood count' },
          category: 'PATHOLOGY',
          status: 'FINAL',
          effectiveAt: at('2024-03-11T08:05:00Z'),
          issuedAt: at('2024-03-11T10:38:00Z'),
          performerOdsCode: null,
          conclusion: 'Film reviewed by biomedical scientist.\nPlease repeat in 4 weeks.',
          conclusionCodes: [],
          results: [
            {
              code: { system: LOINC, code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' },
              status: 'FINAL',
              valueQuantity: { value: 98, unit: 'g/L', ucumCode: 'g/L' },
              valueCoded: null,
              valueString: null,
              referenceRange: '115-165',
              interpretation: 'LOW',
            },
            {
              code: { system: LOINC, code: '777-3', display: 'Platelets [#/volume] in Blood' },
              status: 'FINAL',
              valueQuantity: { value: 250, unit: '10*9/L', ucumCode: '10*9/L' },
              valueCoded: null,
              valueString: null,
              referenceRange: '150-400',
              interpretation: 'NORMAL',
            },
            {
              code: {
                system: 'https://fhir.crosscare.nhs.uk/CodeSystem/local/RRK',
                code: 'WBC',
                display: 'White cell count',
              },
              status: 'FINAL',
              valueQuantity: null,
              valueCoded: null,
              valueString: '>30.0',
              referenceRange: '4.0-11.0',
              interpretation: 'HIGH',
            },
          ],
        },
      },
    ]);
  });

  it('given the corrected report (OBR-25 C), is the same record at a later version, CORRECTED', () => {
    const [first] = draftsOf(PATHOLOGY_ORU.fbcFinal);
    const [corrected] = draftsOf(PATHOLOGY_ORU.fbcCorrected);

    expect(corrected.source.sourceRecordId).toBe(first.source.sourceRecordId);
    expect(corrected.source.sourceRecordVersion).toBeGreaterThan(first.source.sourceRecordVersion);
    expect(corrected.body).toMatchObject({
      status: 'CORRECTED',
      results: [{ status: 'CORRECTED', valueQuantity: { value: 102 } }, { status: 'FINAL' }],
    });
  });

  it('given the cancelled report (OBR-25 X), is the same record at a later version, CANCELLED, without results', () => {
    const [cancelled] = draftsOf(PATHOLOGY_ORU.fbcCancelled);

    expect(cancelled.source).toMatchObject({
      sourceRecordId: 'DiagnosticReport/24H118832',
      operation: 'UPDATE',
    });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', results: [] });
  });

  it('given a locally coded result without a flag, keeps the local code under the sender and no interpretation', () => {
    const [report] = draftsOf(PATHOLOGY_ORU.hba1c);

    expect(report.body).toMatchObject({
      category: 'PATHOLOGY',
      results: [{ valueQuantity: { value: 58, unit: 'mmol/mol', ucumCode: null }, interpretation: 'HIGH' }],
    });
  });

  it('given a deleted result (OBX-11 D), leaves it out', () => {
    const [report] = draftsOf(PATHOLOGY_ORU.fbcFinal.replace('|150-400|N|||F', '|150-400|N|||D'));

    expect((report.body as { results: unknown[] }).results).toHaveLength(2);
  });

  it.each([
    [
      'no OBR',
      (m: string) =>
        m
          .split('\r')
          .filter((s) => !s.startsWith('OBR'))
          .join('\r'),
      'OBR',
      'required',
    ],
    [
      'no accession number',
      (m: string) => m.replace('ORD448811^ICE|24H118832^WINPATH|FBC', '||FBC'),
      'OBR[1]-3',
      'required',
    ],
    ['a non-numeric NM value', (m: string) => m.replace('||98|', '||ninety|'), 'OBX[1.1]-5', 'value'],
    [
      'a bad NHS number',
      (m: string) => m.replace('PID|1||9990000026', 'PID|1||9990000027'),
      'PID-3',
      'value',
    ],
  ])('given %s, refuses naming where', (_, change, location, code) => {
    expect(issuesOf(change(PATHOLOGY_ORU.fbcFinal))).toContainEqual([
      expect.stringContaining(location),
      code,
    ]);
  });
});

describe('mapHl7v2Message', () => {
  it('given an ORU^R01, maps results; given an ADT, maps it as before', () => {
    const result = mapHl7v2Message(PATHOLOGY_ORU.hba1c);

    expect(result.ok && result.value.drafts.map((draft) => draft.type)).toEqual(['DiagnosticReportIssued']);
  });
});
