import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { TestKafka, uniqueName } from '@crosscare/testing';
import { call, startIsolatedRegistry, type IsolatedRegistry } from './testing/registry-under-test';

/**
 * The registry as a Confluent client sees it: @kafkajs/confluent-schema-registry registers, encodes (Confluent
 * wire format), and decodes after a trip through a real broker, and gets refused for an incompatible change.
 */
describe('@kafkajs/confluent-schema-registry against the Crosscare registry (real Postgres, real broker)', () => {
  let registry: IsolatedRegistry;
  let client: SchemaRegistry;
  const kafka = new TestKafka();

  /** A record of the calling test's own namespace, so its subject is its own in the suite's registry. */
  const referral = () => {
    const namespace = `test.${uniqueName('client').replace(/[^a-z0-9]/g, '')}`;
    const v1 = {
      type: 'record',
      name: 'ReferralMade',
      namespace,
      fields: [
        { name: 'nhsNumber', type: 'string' },
        { name: 'priority', type: { type: 'enum', name: 'Priority', symbols: ['ROUTINE', 'URGENT'] } },
      ],
    };
    return { namespace, v1 };
  };

  beforeAll(async () => {
    registry = await startIsolatedRegistry('registry_client');
    client = new SchemaRegistry({ host: registry.baseUrl, auth: registry.admin });
  });

  afterAll(async () => {
    await kafka.cleanup();
    await registry?.close();
  });

  it('registers under the record-name subject, encodes, survives the broker, and decodes', async () => {
    const { namespace, v1 } = referral();
    const { id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) });
    expect(id).toBeGreaterThan(0);
    // The client's default subject strategy is namespace.name: the one Crosscare uses.
    const subjects = (await call(registry.url, 'GET', '/subjects')).body as string[];
    expect(subjects.filter((subject) => subject.startsWith(namespace))).toEqual([
      `${namespace}.ReferralMade`,
    ]);
    // On first registration the client sets the subject's level; it reads it back on the next one.
    expect((await call(registry.url, 'GET', `/config/${namespace}.ReferralMade`)).body).toEqual({
      compatibilityLevel: 'BACKWARD',
    });

    const payload = { nhsNumber: '9990000018', priority: 'URGENT' };
    const encoded = await client.encode(id, payload);
    expect(encoded[0]).toBe(0);
    expect(encoded.readUInt32BE(1)).toBe(id);

    const topic = await kafka.createTopic({ kind: 'client', partitions: 1 });
    const producer = await kafka.producer();
    await producer.send({ topic, messages: [{ key: payload.nhsNumber, value: encoded }] });
    const [message] = await kafka.waitForMessages(topic, 1);

    // A fresh client has no cache: it must fetch the writer schema by id from the registry.
    const fresh = new SchemaRegistry({ host: registry.baseUrl, auth: registry.admin });
    expect(await fresh.decode(message.value!)).toEqual(payload);
    expect(await fresh.getLatestSchemaId(`${namespace}.ReferralMade`)).toBe(id);
  });

  it('registers a compatible change as a new version and refuses an incompatible one with 409', async () => {
    const { namespace, v1 } = referral();
    await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) });
    const v2 = {
      ...v1,
      fields: [...v1.fields, { name: 'service', type: ['null', 'string'], default: null }],
    };
    const { id: v2Id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(v2) });
    expect((await call(registry.url, 'GET', `/subjects/${namespace}.ReferralMade/versions`)).body).toEqual([
      1, 2,
    ]);

    const broken = { ...v1, fields: [...v1.fields, { name: 'referrer', type: 'string' }] };
    const refusal = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(broken) }).then(
      () => undefined,
      (error: unknown) => error as { status?: number; message: string },
    );
    expect(refusal?.status).toBe(409);
    expect(refusal?.message).toMatch(/referrer/);
    expect(await client.getLatestSchemaId(`${namespace}.ReferralMade`)).toBe(v2Id);
  });
});
