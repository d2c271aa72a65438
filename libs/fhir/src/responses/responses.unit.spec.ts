import type { InputIssue } from '@crosscare/events';
import { batchResponse, transactionResponse } from './bundle-response';
import { httpStatusForIssues } from './http-status';
import { operationOutcome } from './operation-outcome';

const missingCode: InputIssue = {
  code: 'required',
  location: 'Bundle.entry[1].resource.code',
  message: 'Bundle.entry[1].resource.code needs a coding with system and code',
};

describe('FHIR responses', () => {
  it('given issues, builds an OperationOutcome with the message as text and diagnostics and the FHIRPath', () => {
    expect(operationOutcome([missingCode])).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'required',
          diagnostics: missingCode.message,
          details: { text: missingCode.message },
          expression: ['Bundle.entry[1].resource.code'],
        },
      ],
    });
  });

  it('given no issues, builds a single informational issue, since OperationOutcome needs one', () => {
    expect(operationOutcome([]).issue).toEqual([
      { severity: 'information', code: 'informational', diagnostics: 'ok', details: { text: 'ok' } },
    ]);
  });

  it('given the outcome of each entry, builds a transaction-response with versioned locations', () => {
    expect(
      transactionResponse([
        { status: 201, location: { resourceType: 'Encounter', id: 'e1', version: 1 } },
        { status: 200, location: { resourceType: 'Condition', id: 'c1', version: 3 } },
        { status: 200 },
      ]),
    ).toEqual({
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: [
        { response: { status: '201 Created', location: 'Encounter/e1/_history/1', etag: 'W/"1"' } },
        { response: { status: '200 OK', location: 'Condition/c1/_history/3', etag: 'W/"3"' } },
        { response: { status: '200 OK' } },
      ],
    });
  });

  it('given a failed batch entry, answers it with its status and an OperationOutcome', () => {
    const response = batchResponse([
      { status: 201, location: { resourceType: 'MedicationDispense', id: 'd1', version: 1 } },
      { issues: [missingCode] },
      { status: 404, issues: [{ code: 'not-found', location: 'Bundle.entry[2]', message: 'never shared' }] },
    ]);

    expect(response.type).toBe('batch-response');
    expect(response.entry?.map((entry) => entry.response?.status)).toEqual([
      '201 Created',
      '422 Unprocessable Entity',
      '404 Not Found',
    ]);
    expect(response.entry?.[1].response?.outcome).toEqual(operationOutcome([missingCode]));
  });

  it('picks the most fundamental status when issues differ: unparseable beats unprocessable', () => {
    expect(httpStatusForIssues([missingCode])).toBe(422);
    expect(httpStatusForIssues([missingCode, { ...missingCode, code: 'structure' }])).toBe(400);
    expect(httpStatusForIssues([{ ...missingCode, code: 'too-costly' }, missingCode])).toBe(413);
  });
});
