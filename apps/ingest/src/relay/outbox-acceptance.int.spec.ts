import { fhirFixtures } from '@crosscare/fhir/testing';
import { randomUUID } from 'node:crypto';
import { receiptLines, send, startIngest, type IngestUnderTest } from '../testing/ingest-under-test';

/**
 * Admission by the outbox's backlog under a small connection pool (real broker, registry and Postgres): the count is
 * taken before a request's transaction, so requests that hold every connection never wait on it.
 */
describe('ingest with more requests in flight than database connections', () => {
  let ingest: IngestUnderTest;
  let token: string;

  beforeAll(async () => {
    ingest = await startIngest('pool', { DATABASE_POOL_SIZE: '2' });
    token = await ingest.credentialFor(ingest.provider('GP_PRACTICE', 'QWU').odsCode);
  });
  afterAll(() => ingest?.close());

  it('answers every one of 12 concurrent requests over 2 connections, and publishes each once', async () => {
    const allergies = Array.from({ length: 12 }, () => {
      const allergy = fhirFixtures.gpAllergy('9990001014');
      allergy.id = randomUUID();
      return allergy;
    });

    // Counted afresh for the first requests: each of them asks for the backlog while others hold both connections.
    const answers = await Promise.all(
      allergies.map((allergy) =>
        send(ingest.url, 'PUT', `/fhir/AllergyIntolerance/${allergy.id}`, { token, body: allergy }),
      ),
    );

    expect(answers.map((a) => a.status)).toEqual(allergies.map(() => 202));
    const eventIds = answers.flatMap((a) => receiptLines(a.body).map((r) => r.eventId));
    const onTopic = await ingest.events(ingest.topic('QWU'), 12);
    expect(onTopic.map((e) => e.event.header.eventId).sort()).toEqual([...eventIds].sort());
  });
});
