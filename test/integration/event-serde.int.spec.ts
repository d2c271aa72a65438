import {
  CorruptPayloadError,
  createRecordChangeSerde,
  encodeFrame,
  EventSerde,
  SchemaRegistryClient,
  UnknownSchemaIdError,
  type AllergyRecorded,
} from '@crosscare/events';
import { syntheticAllergyRecorded } from '@crosscare/events/synthetic';
import { TestKafka } from '@crosscare/testing';
import { randomUUID } from 'node:crypto';
import {
  startIsolatedRegistry,
  type IsolatedRegistry,
} from '../../apps/schema-registry/src/testing/registry-under-test';

/** libs/events against the real registry and a real broker: what producers and projectors will do. */
describe('record change serde (real registry, Postgres and broker)', () => {
  let registry: IsolatedRegistry;
  let client: SchemaRegistryClient;
  const kafka = new TestKafka();

  beforeAll(async () => {
    registry = await startIsolatedRegistry('event_serde');
    client = new SchemaRegistryClient({ url: registry.url });
  });

  afterAll(async () => {
    await kafka.cleanup();
    await registry?.close();
  });

  const allergy = (nhsNumber: string): AllergyRecorded => syntheticAllergyRecorded(nhsNumber, randomUUID());

  it('a producer encodes with the registered schema; a consumer decodes it off the broker', async () => {
    const producerSerde = createRecordChangeSerde(client, { autoRegister: true });
    const event = allergy('9990000018');
    const value = await producerSerde.encode('AllergyRecorded', event);

    const topic = await kafka.createTopic({ kind: 'serde', partitions: 1 });
    const producer = await kafka.producer();
    await producer.send({ topic, messages: [{ key: event.header.nhsNumber, value }] });
    const [message] = await kafka.waitForMessages(topic, 1);

    // A consumer in another process: no cache, only the schema id in the message.
    const consumerSerde = createRecordChangeSerde(new SchemaRegistryClient({ url: registry.url }));
    const decoded = await consumerSerde.decode(message.value!);
    expect(decoded.type).toBe('AllergyRecorded');
    expect(decoded.schemaId).toBe(value.readUInt32BE(1));
    expect(decoded.event).toEqual(event);
  });

  it('an unknown schema id and a corrupt payload raise typed, non-retriable errors', async () => {
    const serde = createRecordChangeSerde(client);
    const unknownId = serde.decode(encodeFrame(987_654, Buffer.from([2, 4, 6])));
    await expect(unknownId).rejects.toBeInstanceOf(UnknownSchemaIdError);
    await expect(unknownId).rejects.toMatchObject({ retriable: false });

    const good = await createRecordChangeSerde(client, { autoRegister: true }).encode(
      'AllergyRecorded',
      allergy('9990000026'),
    );
    const truncated = good.subarray(0, good.length - 5);
    await expect(serde.decode(truncated)).rejects.toBeInstanceOf(CorruptPayloadError);
    await expect(serde.decode(Buffer.from('not avro'))).rejects.toMatchObject({
      name: 'CorruptPayloadError',
      retriable: false,
    });
  });

  describe('evolution through the registry and the broker', () => {
    const namespace = 'test.evolution';
    const v1 = {
      type: 'record',
      name: 'ReferralMade',
      namespace,
      fields: [
        { name: 'nhsNumber', type: 'string' },
        { name: 'service', type: 'string' },
      ],
    };
    const v2 = {
      ...v1,
      fields: [...v1.fields, { name: 'priority', type: ['null', 'string'], default: null }],
    };
    type V1 = { nhsNumber: string; service: string };
    type V2 = V1 & { priority: string | null };
    const serdeV1 = () =>
      new EventSerde<{ ReferralMade: V1 }>({
        registry: client,
        schemas: { ReferralMade: v1 },
        namespace,
        autoRegister: true,
      });
    const serdeV2 = () =>
      new EventSerde<{ ReferralMade: V2 }>({
        registry: client,
        schemas: { ReferralMade: v2 },
        namespace,
        autoRegister: true,
      });

    it('a v1 reader decodes v2 events and a v2 reader decodes v1 events', async () => {
      const topic = await kafka.createTopic({ kind: 'evolution', partitions: 1 });
      const producer = await kafka.producer();
      const fromV1 = await serdeV1().encode('ReferralMade', {
        nhsNumber: '9990000034',
        service: 'cardiology',
      });
      const fromV2 = await serdeV2().encode('ReferralMade', {
        nhsNumber: '9990000042',
        service: 'dermatology',
        priority: 'URGENT',
      });
      expect(fromV2.readUInt32BE(1)).not.toBe(fromV1.readUInt32BE(1)); // two registered versions
      await producer.send({ topic, messages: [{ value: fromV1 }, { value: fromV2 }] });
      const [first, second] = await kafka.waitForMessages(topic, 2);

      const oldReader = serdeV1();
      expect((await oldReader.decode(first.value!)).event).toEqual({
        nhsNumber: '9990000034',
        service: 'cardiology',
      });
      expect((await oldReader.decode(second.value!)).event).toEqual({
        nhsNumber: '9990000042',
        service: 'dermatology',
      });

      const newReader = serdeV2();
      expect((await newReader.decode(first.value!)).event).toEqual({
        nhsNumber: '9990000034',
        service: 'cardiology',
        priority: null,
      });
      expect((await newReader.decode(second.value!)).event).toEqual({
        nhsNumber: '9990000042',
        service: 'dermatology',
        priority: 'URGENT',
      });
    });
  });
});
