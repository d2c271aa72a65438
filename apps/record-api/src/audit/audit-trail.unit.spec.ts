import { isRetriable } from '@crosscare/errors';
import { EventSerde } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import type { Message } from 'kafkajs';
import { InMemoryRegistry } from '../testing/in-memory-registry';
import { AuditTrail, AuditUnavailableError, type AuditSend } from './audit-trail';
import { recordAccessedEvent, type RecordAccessed } from './record-accessed';
import { AUDIT_NAMESPACE, RECORD_ACCESSED_SCHEMA } from './record-accessed-schema';

const TOPIC = 'test.audit.record-access.v1';

const event = recordAccessedEvent(
  {
    reader: {
      userId: 'u1',
      name: 'Dr A Clinician',
      role: 'clinician',
      organisationOdsCode: 'RHA',
      issuer: 'test',
    },
    purpose: 'DIRECT_CARE',
    requestedNhsNumber: testNhsNumber(2),
    resolvedNhsNumber: testNhsNumber(1),
    outcome: 'RETURNED',
    format: 'JSON',
    sources: [{ collaborative: 'CCR', nhsNumber: testNhsNumber(1), sequence: 4 }],
    itemCount: 2,
    restrictedWithheld: 0,
    correlationId: 'corr-7',
    clientIp: '127.0.0.1',
  },
  { auditId: '0b6d8f0e-1c2a-4b3c-9d4e-5f6a7b8c9d0e', occurredAt: 1_770_000_000_000 },
);

const serde = () =>
  new EventSerde<{ RecordAccessed: RecordAccessed }>({
    registry: new InMemoryRegistry(),
    schemas: { RecordAccessed: RECORD_ACCESSED_SCHEMA },
    namespace: AUDIT_NAMESPACE,
    autoRegister: true,
  });

describe('the audit trail', () => {
  it('given a broker that acknowledges, when a read is recorded, then one message keyed by the resolved patient is sent', async () => {
    const sut = serde();
    const sent: { topic: string; messages: Message[] }[] = [];
    const trail = new AuditTrail(sut, (record) => Promise.resolve(sent.push(record)), TOPIC, 1000);

    await trail.record(event);

    expect(sent).toHaveLength(1);
    expect(sent[0].topic).toBe(TOPIC);
    const [message] = sent[0].messages;
    expect(message.key).toBe(testNhsNumber(1));
    expect(message.headers).toEqual({ 'crosscare-correlation-id': 'corr-7' });
    expect((await sut.decode(message.value as Buffer)).event).toEqual(event);
  });

  it('given a broker that refuses, when a read is recorded, then it fails as unavailable with the cause', async () => {
    const refusal = new Error('NOT_ENOUGH_REPLICAS');
    const trail = new AuditTrail(serde(), () => Promise.reject(refusal), TOPIC, 1000);

    const failure = await trail.record(event).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AuditUnavailableError);
    expect(failure).toMatchObject({ retriable: true, topic: TOPIC, cause: refusal });
    expect(isRetriable(failure)).toBe(true);
    expect((failure as Error).message).toContain('NOT_ENOUGH_REPLICAS');
  });

  it('given a broker that never answers, when a read is recorded, then it fails once the timeout has passed', async () => {
    jest.useFakeTimers();
    try {
      const hanging: AuditSend = () => new Promise(() => undefined);
      const trail = new AuditTrail(serde(), hanging, TOPIC, 5000);
      const outcome = trail.record(event).then(
        () => 'acknowledged',
        (error: unknown) => error,
      );

      await jest.advanceTimersByTimeAsync(4999);
      const early = await Promise.race([outcome, Promise.resolve('pending')]);
      await jest.advanceTimersByTimeAsync(1);

      expect(early).toBe('pending');
      const failure = await outcome;
      expect(failure).toBeInstanceOf(AuditUnavailableError);
      expect((failure as Error).message).toBe(
        `the audit event could not be written to ${TOPIC}: no acknowledgement within 5000 ms`,
      );
    } finally {
      jest.useRealTimers();
    }
  });
});
