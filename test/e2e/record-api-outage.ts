import { testNhsNumber } from '@crosscare/events/synthetic';
import { eventually, uniqueName } from '@crosscare/testing';
import {
  RecordApiUnderTest,
  storeGpProblem,
  type HttpAnswer,
} from '../../apps/record-api/src/testing/record-api-under-test';
import type { PrivateBroker } from './private-broker';

const PATIENT = testNhsNumber(9301);

/**
 * The record API on the outage suites' own broker (`broker()`), which the test kills (not a disconnected producer:
 * the broker is gone) and restarts. While it is down a read cannot be audited, so it is answered 503 with Retry-After
 * and no record data (docs/record-access.md); once it is back reads are served again, and every read that was served
 * has exactly one audit event. The test leaves the broker running.
 */
export function recordApiWhenTheBrokerGoesAway(broker: () => PrivateBroker): void {
  describe('record API when the broker goes away', () => {
    let api: RecordApiUnderTest;
    let gpOdsCode: string;
    let problemEventId: string;

    beforeAll(async () => {
      api = await RecordApiUnderTest.start({
        ...broker().environment(),
        RECORD_API_AUDIT_TIMEOUT_MS: '3000',
      });
      const { gp, problem } = await storeGpProblem(api, PATIENT);
      gpOdsCode = gp.odsCode;
      problemEventId = problem.header.eventId;
    });

    afterAll(() => broker().closeService(async () => api?.close()));

    /** A read by a clinician at the GP practice that recorded the patient's problem (a relationship), as JSON or FHIR. */
    async function read(fhir = false): Promise<{ correlationId: string; answer: HttpAnswer }> {
      const correlationId = uniqueName('corr');
      const answer = await api.get(`/patients/${PATIENT}/record`, {
        authorization: `Bearer ${api.token({ org: gpOdsCode })}`,
        'x-purpose-of-use': 'DIRECT_CARE',
        'x-correlation-id': correlationId,
        ...(fhir ? { accept: 'application/fhir+json' } : {}),
      });
      return { correlationId, answer };
    }

    it('refuses reads it cannot audit (503, no data) and audits every served read exactly once', async () => {
      const served: string[] = [];
      const refused: string[] = [];
      const before = await read();
      expect(before.answer.status).toBe(200);
      expect(before.answer.text).toContain(problemEventId);
      served.push(before.correlationId);

      broker().kill();

      for (const attempt of [await read(), await read(true)]) {
        expect(attempt.answer.status).toBe(503);
        expect(attempt.answer.headers.get('retry-after')).toBeTruthy();
        expect(attempt.answer.text).not.toContain(problemEventId);
        expect(attempt.answer.text).not.toContain(gpOdsCode);
        refused.push(attempt.correlationId);
      }

      await broker().restart();
      // Reads are served again once the audit producer reaches the broker; until then each is refused as above.
      const attempts: { correlationId: string; answer: HttpAnswer }[] = [];
      await eventually(
        'a read to be served after the broker is back',
        async () => {
          const attempt = await read();
          attempts.push(attempt);
          return attempt.answer.status === 200 ? true : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      for (const { correlationId, answer } of attempts) {
        if (answer.status === 200) {
          expect(answer.text).toContain(problemEventId);
          served.push(correlationId);
        } else {
          expect(answer.status).toBe(503);
          expect(answer.text).not.toContain(problemEventId);
          refused.push(correlationId);
        }
      }
      const after = await read(true);
      expect(after.answer.status).toBe(200);
      served.push(after.correlationId);

      const audited = await api.auditTopicNow();
      const eventsOf = (correlationId: string) =>
        audited.filter((a) => a.event.correlationId === correlationId);
      for (const correlationId of served) {
        expect(eventsOf(correlationId)).toHaveLength(1);
        expect(eventsOf(correlationId)[0].event.outcome).toBe('RETURNED');
      }
      // A refused read's write may still complete once the broker is back (AuditTrail: kafkajs may finish a write the
      // read gave up on); that only ever audits an answer that was refused, and never twice.
      for (const correlationId of refused) expect(eventsOf(correlationId).length).toBeLessThanOrEqual(1);
      expect(served).toHaveLength(3);
    });
  });
}
