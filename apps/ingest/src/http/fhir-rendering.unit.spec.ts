import type { PublishedEvent } from '../intake/record-change-intake';
import { bundleResponse, EVENT_ID_SYSTEM } from './fhir-rendering';

const published: PublishedEvent = {
  eventId: 'cb291541-3dc4-58ba-aaaa-6a5ba37b6347',
  eventType: 'ProblemRecorded',
  sourceRecordId: 'Condition/c1',
  sourceRecordVersion: 2,
  topic: 'crosscare.qhl.record-changes.v1',
  outcome: 'accepted',
};

describe('the response to a Bundle', () => {
  it('given a transaction, answers a transaction-response whose entries carry the receipt of their events', () => {
    const bundle = bundleResponse({
      type: 'transaction',
      entries: [
        {
          response: { status: 200, location: { resourceType: 'Condition', id: 'c1', version: 2 } },
          events: [published],
        },
      ],
    });

    expect(bundle.type).toBe('transaction-response');
    expect(bundle.entry?.[0].response).toMatchObject({
      status: '200 OK',
      location: 'Condition/c1/_history/2',
      outcome: {
        resourceType: 'OperationOutcome',
        issue: [{ details: { coding: [{ system: EVENT_ID_SYSTEM, code: published.eventId }] } }],
      },
    });
  });

  it('given a batch with a refused entry, keeps that entry its own OperationOutcome and no receipt', () => {
    const refused = [{ location: 'Bundle.entry[1]', code: 'not-found' as const, message: 'never shared' }];
    const bundle = bundleResponse({
      type: 'batch',
      entries: [
        {
          response: { status: 201, location: { resourceType: 'Condition', id: 'c1', version: 2 } },
          events: [published],
        },
        { response: { status: 404, issues: refused }, events: [] },
      ],
    });

    expect(bundle.type).toBe('batch-response');
    expect(bundle.entry?.map((e) => e.response?.status)).toEqual(['201 Created', '404 Not Found']);
    expect(bundle.entry?.[0].response?.outcome?.issue?.[0].details?.coding?.[0].code).toBe(published.eventId);
    const refusal = bundle.entry?.[1].response?.outcome?.issue?.[0];
    expect(refusal).toMatchObject({ severity: 'error', diagnostics: 'never shared' });
    expect(refusal?.details?.coding).toBeUndefined();
  });

  it('given a Medication kept as reference data, answers its version and says nothing was published', () => {
    const bundle = bundleResponse({
      type: 'transaction',
      entries: [
        {
          response: { status: 200, location: { resourceType: 'Medication', id: 'm1', version: 1 } },
          events: [],
          information: 'kept version 1 of Medication/m1 as reference data',
        },
      ],
    });

    expect(bundle.entry?.[0].response).toEqual({
      status: '200 OK',
      location: 'Medication/m1/_history/1',
      etag: 'W/"1"',
      outcome: {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'information',
            code: 'informational',
            details: { text: 'kept version 1 of Medication/m1 as reference data' },
            expression: ['Medication/m1'],
          },
        ],
      },
    });
  });
});
