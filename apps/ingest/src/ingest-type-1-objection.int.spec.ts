import { epochDay, SchemaRegistryClient } from '@crosscare/events';
import { fhirFixtures } from '@crosscare/fhir/testing';
import type { IcsCode, OptOutChanged, ProviderType } from '@crosscare/governance';
import { partitionOfKey } from '@crosscare/kafka';
import { createOptOutSerde } from '@crosscare/opt-outs';
import { uniqueIdentifier, uniqueName } from '@crosscare/testing';
import type { Consent } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { receiptLines, send, startIngest, type IngestUnderTest } from './testing/ingest-under-test';

const { gpType1Objection, gpCondition } = fhirFixtures;

interface OptOutMessage {
  readonly key: string | null;
  readonly partition: number;
  readonly correlationId: string;
  readonly change: OptOutChanged;
}

/**
 * A GP practice's type 1 objection through the real ingest, broker, registry and Postgres: a FHIR Consent becomes an
 * OptOutChanged on the opt-out topic (never a record change on the ICS topic), within the request's Kafka
 * transaction, once per record version, and only from a GP practice.
 */
describe('ingest: type 1 objections (real broker, registry and Postgres)', () => {
  let ingest: IngestUnderTest;
  const tokens = new Map<string, string>();
  const seen: OptOutMessage[] = [];

  beforeAll(async () => {
    ingest = await startIngest('type1');
    const serde = createOptOutSerde(new SchemaRegistryClient({ url: ingest.registry.url }));
    // One read_committed reader of the opt-out topic for the suite, as the ingest harness taps the ICS topics.
    const tap = await ingest.kafka.consumer(uniqueIdentifier('optout-tap'));
    await tap.subscribe({ topic: ingest.optOutTopic, fromBeginning: true });
    await tap.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({
          key: message.key?.toString() ?? null,
          partition,
          correlationId: String(message.headers?.['crosscare-correlation-id'] ?? ''),
          change: (await serde.decode(message.value!)).event,
        });
      },
    });
  });
  afterAll(() => ingest?.close());

  async function sendAs(type: ProviderType, ics: IcsCode, method: string, path: string, body?: unknown) {
    const provider = ingest.provider(type, ics);
    if (!tokens.has(provider.odsCode))
      tokens.set(provider.odsCode, await ingest.credentialFor(provider.odsCode));
    const correlationId = uniqueName('corr');
    const answer = await send(ingest.url, method, path, {
      token: tokens.get(provider.odsCode),
      body,
      correlationId,
    });
    return { provider, correlationId, answer };
  }

  /** The opt-out messages of one request: waits for `expected`, then a moment longer so an extra one is caught. */
  async function optOutsOf(
    correlationId: string,
    expected: number,
    settleMs = 750,
  ): Promise<OptOutMessage[]> {
    const matching = () => seen.filter((m) => m.correlationId === correlationId);
    const deadline = Date.now() + 20_000;
    while (matching().length < expected && Date.now() < deadline) await sleep(25);
    await sleep(settleMs);
    return matching();
  }

  const objection = (nhsNumber: string, changes: Partial<Consent> = {}): Consent => ({
    ...gpType1Objection(nhsNumber),
    id: randomUUID(),
    ...changes,
  });

  it("puts a GP practice's objection on the opt-out topic, keyed <nhsNumber>/type-1 on its NHS number's partition, and nothing on the ICS topic", async () => {
    const consent = objection('9990000042');
    const icsBefore = await ingest.offsetsWritten(ingest.topic('QWU'));

    const sent = await sendAs('GP_PRACTICE', 'QWU', 'PUT', `/fhir/Consent/${consent.id}`, consent);

    expect(sent.answer.status).toBe(202);
    const [receipt] = receiptLines(sent.answer.body);
    expect(receipt).toMatchObject({ eventType: 'OptOutChanged' });
    expect(receipt.text).toContain(`for ${ingest.optOutTopic}`);
    const messages = await optOutsOf(sent.correlationId, 1);
    expect(messages).toEqual([
      {
        key: '9990000042/type-1',
        partition: partitionOfKey('9990000042', 3),
        correlationId: sent.correlationId,
        change: {
          changeId: receipt.eventId,
          nhsNumber: '9990000042',
          kind: 'TYPE_1',
          status: 'ACTIVE',
          statedOn: epochDay(2025, 3, 1),
          source: sent.provider.odsCode,
          sourceReference: `Consent/${consent.id}/_history/1`,
          recordedAt: expect.any(Number),
          correlationId: sent.correlationId,
        },
      },
    ]);
    expect(await ingest.offsetsWritten(ingest.topic('QWU'))).toBe(icsBefore);
  });

  it('puts its withdrawal (the next version, inactive) under the same key, WITHDRAWN; a repeat publishes nothing', async () => {
    const consent = objection('9990000050');
    const first = await sendAs('GP_PRACTICE', 'QHL', 'PUT', `/fhir/Consent/${consent.id}`, consent);
    expect(first.answer.status).toBe(202);
    await optOutsOf(first.correlationId, 1, 0);

    const withdrawal = { ...consent, meta: { versionId: '2' }, status: 'inactive' as const };
    const withdrawn = await sendAs('GP_PRACTICE', 'QHL', 'PUT', `/fhir/Consent/${consent.id}`, withdrawal);
    expect(withdrawn.answer.status).toBe(202);
    expect(await optOutsOf(withdrawn.correlationId, 1)).toMatchObject([
      {
        key: '9990000050/type-1',
        change: { status: 'WITHDRAWN', sourceReference: `Consent/${consent.id}/_history/2` },
      },
    ]);

    const before = await ingest.offsetsWritten(ingest.optOutTopic);
    const repeat = await sendAs('GP_PRACTICE', 'QHL', 'PUT', `/fhir/Consent/${consent.id}`, withdrawal);

    expect(repeat.answer.status).toBe(202);
    expect(receiptLines(repeat.answer.body)[0].text).toContain('was already accepted');
    expect(await optOutsOf(repeat.correlationId, 0)).toEqual([]);
    expect(await ingest.offsetsWritten(ingest.optOutTopic)).toBe(before);
  });

  it("publishes a transaction's record change and objection together, in one Kafka transaction", async () => {
    const consent = objection('9990000069');
    const condition = { ...gpCondition('9990000069'), id: randomUUID() };
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [condition, consent].map((resource) => ({
        resource,
        request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
      })),
    };

    const sent = await sendAs('GP_PRACTICE', 'QGH', 'POST', '/fhir', bundle);

    expect(sent.answer.status).toBe(202);
    const [problem] = await ingest.events(ingest.topic('QGH'), 1, { correlationId: sent.correlationId });
    expect(problem.event.header.eventType).toBe('ProblemRecorded');
    expect(await optOutsOf(sent.correlationId, 1)).toMatchObject([{ change: { nhsNumber: '9990000069' } }]);
  });

  it("refuses a trust's objection 403 by the publishing policy, and publishes nothing", async () => {
    const before = await ingest.offsetsWritten(ingest.optOutTopic);
    const consent = objection('9990000077');

    const refused = await sendAs('ACUTE_TRUST', 'QHL', 'PUT', `/fhir/Consent/${consent.id}`, consent);

    expect(refused.answer.status).toBe(403);
    expect(refused.answer.body.issue[0].details.text).toContain(
      'an acute trust may not publish secondary use objection records',
    );
    expect(await optOutsOf(refused.correlationId, 0)).toEqual([]);
    expect(await ingest.offsetsWritten(ingest.optOutTopic)).toBe(before);
  });

  it.each<[string, () => Consent, string]>([
    [
      'without an NHS number',
      () => objection('9990000085', { patient: { display: 'Jane Smith' } }),
      'Consent.patient',
    ],
    [
      'coded with a code Crosscare does not take',
      () => {
        const consent = objection('9990000085');
        consent.category = [{ coding: [{ system: 'http://snomed.info/sct', code: '881561000000100' }] }];
        return consent;
      },
      'Consent.category',
    ],
  ])(
    'refuses an objection %s 422 naming the element, and publishes nothing',
    async (_, consent, location) => {
      const body = consent();
      const refused = await sendAs('GP_PRACTICE', 'QHL', 'PUT', `/fhir/Consent/${body.id}`, body);

      expect(refused.answer.status).toBe(422);
      const issues = (refused.answer.body as { issue: { expression: string[] }[] }).issue;
      expect(issues.map((i) => i.expression[0])).toEqual([location]);
      expect(await optOutsOf(refused.correlationId, 0, 0)).toEqual([]);
    },
  );

  it('refuses to DELETE an objection: only the practice recording otherwise ends it', async () => {
    const consent = objection('9990000093');
    const first = await sendAs('GP_PRACTICE', 'QHL', 'PUT', `/fhir/Consent/${consent.id}`, consent);
    expect(first.answer.status).toBe(202);

    const deleted = await sendAs('GP_PRACTICE', 'QHL', 'DELETE', `/fhir/Consent/${consent.id}`);

    expect(deleted.answer.status).toBe(422);
    expect(deleted.answer.body.issue[0].details.text).toContain(
      'a type 1 objection, which a DELETE cannot end',
    );
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
