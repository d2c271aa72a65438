import type { RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import type { Provider } from '@crosscare/governance';
import { TestDatabase, uniqueName } from '@crosscare/testing';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { RecordApiUnderTest, storeGpProblem } from './testing/record-api-under-test';

jest.setTimeout(120_000);

const PATIENT = testNhsNumber(201);

/**
 * The record API with its read model's database gone (reliability finding 6): an outage, not a bug. A read answers
 * 503 with Retry-After (an OperationOutcome to a FHIR reader, problem details otherwise) and no record data, never a
 * 500; it writes no audit event, so nothing records it as served; once the database is back the same read is served
 * and audited once.
 */
describe('record API while its database is unreachable (real Postgres, broker and registry)', () => {
  let database: TestDatabase;
  let api: RecordApiUnderTest;
  let gp: Provider;
  let problem: RecordChangeEvent;

  beforeAll(async () => {
    database = await TestDatabase.create('record_api_db_outage');
    api = await RecordApiUnderTest.start({ DATABASE_URL: database.databaseUrl });
    ({ gp, problem } = await storeGpProblem(api, PATIENT));
  });

  afterAll(async () => {
    await database?.bringBack();
    await api?.close();
    await database?.drop();
  });

  const read = (headers: Record<string, string> = {}) => {
    const correlationId = uniqueName('db-outage');
    return api
      .get(`/patients/${PATIENT}/record`, {
        authorization: `Bearer ${api.token({ org: gp.odsCode })}`,
        'x-purpose-of-use': 'DIRECT_CARE',
        'x-correlation-id': correlationId,
        ...headers,
      })
      .then((answer) => ({ answer, correlationId }));
  };

  it('answers 503 with Retry-After and no audit event, JSON and FHIR, then serves and audits the read once back', async () => {
    const before = await api.auditOffsets();
    await database.takeDown();
    try {
      const json = await read();
      const fhir = await read({ accept: 'application/fhir+json' });
      for (const { answer } of [json, fhir]) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('5');
        expect(answer.text).toContain('record database (Postgres) is unavailable');
        expect(answer.text).not.toContain(problem.header.eventId);
      }
      expect(json.answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(json.answer.body).toMatchObject({ status: 503, type: expect.stringMatching(/\/transient$/) });
      const outcome = fhir.answer.body as OperationOutcome;
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue?.[0]).toMatchObject({ severity: 'error', code: 'transient' });
      // Nothing written to the audit topic: a read the database refused is not recorded, least of all as served.
      expect(await api.auditOffsets()).toBe(before);
    } finally {
      await database.bringBack();
    }

    const served = await read();
    expect(served.answer.status).toBe(200);
    expect(served.answer.text).toContain(problem.header.eventId);
    const audited = await api.auditedReads(served.correlationId);
    expect(audited.map((a) => a.event.outcome)).toEqual(['RETURNED']);
  });
});
