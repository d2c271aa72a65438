import { Type, type Schema } from 'avsc';
import { RegistryErrorCode, SchemaRegistryError } from '../registry/schema-registry-error';
import {
  CorruptPayloadError,
  IncompatibleSchemaError,
  InvalidEventError,
  SchemaRegistryRejectedError,
  SchemaRegistryUnavailableError,
  UnknownEventTypeError,
  UnknownSchemaIdError,
  UnregisteredSchemaError,
} from './errors';
import { EventSerde, type EventSchemaRegistry } from './event-serde';
import { encodeFrame } from './wire-format';

const NAMESPACE = 'uk.nhs.crosscare.test';

const patientUpdatedV1 = {
  type: 'record',
  name: 'PatientUpdated',
  namespace: NAMESPACE,
  fields: [
    { name: 'nhsNumber', type: 'string' },
    { name: 'changedAt', type: 'long' },
    {
      name: 'address',
      type: ['null', { type: 'record', name: 'Address', fields: [{ name: 'postcode', type: 'string' }] }],
      default: null,
    },
  ],
};
const patientUpdatedV2 = {
  ...patientUpdatedV1,
  fields: [...patientUpdatedV1.fields, { name: 'source', type: 'string', default: 'unknown' }],
};
const recordDeleted = {
  type: 'record',
  name: 'RecordDeleted',
  namespace: NAMESPACE,
  fields: [{ name: 'nhsNumber', type: 'string' }],
};

interface V1Events {
  PatientUpdated: { nhsNumber: string; changedAt: number; address: { postcode: string } | null };
  RecordDeleted: { nhsNumber: string };
}
interface V2Events extends V1Events {
  PatientUpdated: V1Events['PatientUpdated'] & { source: string };
}

const updated: V1Events['PatientUpdated'] = {
  nhsNumber: '9434765919',
  changedAt: 1_764_000_000_000,
  address: null,
};

const registryError = (status: number, errorCode?: number) =>
  new SchemaRegistryError(`registry answered ${status}`, { status, errorCode, retriable: status >= 500 });

/** Confluent's behaviour in memory: global ids, subjects of versions, 40401/40403, plus call counts and faults. */
class InMemoryRegistry implements EventSchemaRegistry {
  readonly calls = { register: 0, lookup: 0, schemaById: 0 };
  /** Errors the next calls throw, in order, before behaving normally again. */
  readonly faults: SchemaRegistryError[] = [];
  /** While set, schemaById waits for it: lets a test hold requests in flight. */
  gate?: Promise<void>;
  private readonly schemas = new Map<number, string>();
  private readonly subjects = new Map<string, Map<string, number>>();

  /** Registers the way the schemas CLI would, outside the serde under test. */
  seed(subject: string, schema: object | string): number {
    const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
    const existing = [...this.schemas].find(([, s]) => s === text)?.[0];
    const id = existing ?? this.schemas.size + 1;
    this.schemas.set(id, text);
    const versions = this.subjects.get(subject) ?? new Map<string, number>();
    versions.set(text, id);
    this.subjects.set(subject, versions);
    return id;
  }

  async register(subject: string, schema: string | object): Promise<number> {
    this.calls.register++;
    await this.fault();
    return this.seed(subject, schema);
  }

  async lookup(subject: string, schema: string | object): Promise<{ id: number; version: number }> {
    this.calls.lookup++;
    await this.fault();
    const versions = this.subjects.get(subject);
    if (!versions) throw registryError(404, RegistryErrorCode.SubjectNotFound);
    const id = versions.get(typeof schema === 'string' ? schema : JSON.stringify(schema));
    if (id === undefined) throw registryError(404, RegistryErrorCode.SchemaNotFound);
    return { id, version: [...versions.values()].indexOf(id) + 1 };
  }

  async schemaById(id: number): Promise<string> {
    this.calls.schemaById++;
    await this.gate;
    await this.fault();
    const schema = this.schemas.get(id);
    if (schema === undefined) throw registryError(404, RegistryErrorCode.SchemaNotFound);
    return schema;
  }

  private async fault(): Promise<void> {
    await Promise.resolve();
    const fault = this.faults.shift();
    if (fault) throw fault;
  }
}

function v1Serde(registry: EventSchemaRegistry, autoRegister = false) {
  return new EventSerde<V1Events>({
    registry,
    namespace: NAMESPACE,
    schemas: { PatientUpdated: patientUpdatedV1, RecordDeleted: recordDeleted },
    autoRegister,
  });
}

function v2Serde(registry: EventSchemaRegistry) {
  return new EventSerde<V2Events>({
    registry,
    namespace: NAMESPACE,
    schemas: { PatientUpdated: patientUpdatedV2, RecordDeleted: recordDeleted },
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('EventSerde', () => {
  let registry: InMemoryRegistry;
  let v1Id: number;

  beforeEach(() => {
    registry = new InMemoryRegistry();
    v1Id = registry.seed(`${NAMESPACE}.PatientUpdated`, patientUpdatedV1);
    registry.seed(`${NAMESPACE}.RecordDeleted`, recordDeleted);
  });

  describe('round trip', () => {
    it('given a registered schema, frames the event with its id and decodes it back with its type', async () => {
      const serde = v1Serde(registry);
      const event = { ...updated, address: { postcode: 'B1 1AA' } };

      const bytes = await serde.encode('PatientUpdated', event);
      const decoded = await serde.decode(bytes);

      expect(bytes[0]).toBe(0);
      expect(bytes.readUInt32BE(1)).toBe(v1Id);
      expect(decoded).toEqual({
        type: 'PatientUpdated',
        schemaId: v1Id,
        event,
        payloadAsRead: bytes.subarray(5),
      });
    });

    it('given a decoded event, narrows its shape by type', async () => {
      const serde = v1Serde(registry);

      const decoded = await serde.decode(await serde.encode('RecordDeleted', { nhsNumber: '9434765919' }));

      // Compiles only because the union narrows on `type`.
      const nhsNumber = decoded.type === 'RecordDeleted' ? decoded.event.nhsNumber : decoded.event.changedAt;
      expect(nhsNumber).toBe('9434765919');
    });

    it('given a payload encoded beforehand, frames it as encode would frame the event', async () => {
      const serde = v1Serde(registry);
      const payload = Type.forSchema(patientUpdatedV1 as Schema).toBuffer(updated);

      const framed = await serde.frame('PatientUpdated', payload);

      expect(framed).toEqual(await serde.encode('PatientUpdated', updated));
      expect((await serde.decode(framed)).event).toEqual(updated);
    });
  });

  describe('encode: schema id resolution', () => {
    it('given several events of one type, looks the schema id up once', async () => {
      const serde = v1Serde(registry);

      await serde.encode('PatientUpdated', updated);
      await serde.encode('PatientUpdated', updated);
      await Promise.all([1, 2, 3].map(() => serde.encode('PatientUpdated', updated)));

      expect(registry.calls).toEqual({ register: 0, lookup: 1, schemaById: 0 });
    });

    it('given autoRegister off and a schema nobody registered, fails without registering it', async () => {
      const serde = v1Serde(new InMemoryRegistry());

      const error = await rejection(serde.encode('PatientUpdated', updated));

      expect(error).toBeInstanceOf(UnregisteredSchemaError);
      expect((error as UnregisteredSchemaError).message).toContain(`subject ${NAMESPACE}.PatientUpdated`);
      expect((error as UnregisteredSchemaError).retriable).toBe(false);
    });

    it('given autoRegister on, registers the schema on first use and never looks it up', async () => {
      const empty = new InMemoryRegistry();
      const serde = v1Serde(empty, true);

      const bytes = await serde.encode('PatientUpdated', updated);
      await serde.encode('PatientUpdated', updated);

      expect(empty.calls).toEqual({ register: 1, lookup: 0, schemaById: 0 });
      expect(await serde.decode(bytes)).toMatchObject({ type: 'PatientUpdated', event: updated });
    });

    it('given a registry outage, fails as retriable and asks again on the next call', async () => {
      const serde = v1Serde(registry);
      registry.faults.push(registryError(503, 50003));

      const error = await rejection(serde.encode('PatientUpdated', updated));
      const bytes = await serde.encode('PatientUpdated', updated);

      expect(error).toBeInstanceOf(SchemaRegistryUnavailableError);
      expect((error as SchemaRegistryUnavailableError).retriable).toBe(true);
      expect(bytes.readUInt32BE(1)).toBe(v1Id);
      expect(registry.calls.lookup).toBe(2);
    });

    it('given a registry that refuses the schema for good, fails as not retriable', async () => {
      const empty = new InMemoryRegistry();
      const incompatible = registryError(409, 40901);
      empty.faults.push(incompatible);
      const serde = v1Serde(empty, true);

      const error = await rejection(serde.encode('PatientUpdated', updated));

      expect(error).toBeInstanceOf(SchemaRegistryRejectedError);
      expect((error as SchemaRegistryRejectedError).registryError).toBe(incompatible);
      expect((error as SchemaRegistryRejectedError).retriable).toBe(false);
    });

    it('given a type the serde was not built with, fails before calling the registry', async () => {
      const serde = v1Serde(registry);

      const error = await rejection(serde.encode('Unheard' as 'RecordDeleted', { nhsNumber: 'x' }));

      expect(error).toBeInstanceOf(UnknownEventTypeError);
      expect(registry.calls.lookup).toBe(0);
    });
  });

  describe('encode: validation', () => {
    it('given an event that does not match its schema, names every bad field and never its value', async () => {
      const serde = v1Serde(registry);
      const bad = {
        nhsNumber: 9434765919,
        address: { postcode: 42 },
        favouriteColour: 'teal',
      } as unknown as V1Events['PatientUpdated'];

      const error = await rejection(serde.encode('PatientUpdated', bad));

      expect(error).toBeInstanceOf(InvalidEventError);
      const invalid = error as InvalidEventError;
      expect(invalid.fieldPaths.sort()).toEqual([
        'address.postcode',
        'changedAt',
        'favouriteColour',
        'nhsNumber',
      ]);
      expect(invalid.message).toContain('nhsNumber should be string');
      expect(invalid.message).toContain('changedAt should be long');
      expect(invalid.message).toContain('favouriteColour is not in the schema');
      expect(invalid.message).not.toContain('9434765919');
      expect(invalid.message).not.toContain('teal');
      expect(registry.calls.lookup).toBe(0);
    });

    it('given something that is not an object at all, says the event itself is wrong', async () => {
      const serde = v1Serde(registry);

      const error = await rejection(serde.encode('RecordDeleted', null as unknown as { nhsNumber: string }));

      expect((error as InvalidEventError).message).toBe(
        `Invalid RecordDeleted event: (event) should be ${NAMESPACE}.RecordDeleted`,
      );
    });
  });

  describe('decode: writer schemas', () => {
    it('given many events with one schema id, fetches the writer schema once', async () => {
      const serde = v1Serde(registry);
      const bytes = await serde.encode('PatientUpdated', updated);

      for (let i = 0; i < 3; i++) await serde.decode(bytes);

      expect(registry.calls.schemaById).toBe(1);
    });

    it('given 1000 concurrent decodes of a new schema id, makes one registry call', async () => {
      const serde = v1Serde(registry);
      const bytes = await serde.encode('PatientUpdated', updated);
      let open!: () => void;
      registry.gate = new Promise((resolve) => (open = resolve));

      const decoding = Promise.all(Array.from({ length: 1000 }, () => serde.decode(bytes)));
      open();
      const decoded = await decoding;

      expect(decoded).toHaveLength(1000);
      expect(registry.calls.schemaById).toBe(1);
    });

    it('given a registry outage while fetching, fails as retriable and fetches again next time', async () => {
      const serde = v1Serde(registry);
      const bytes = await serde.encode('PatientUpdated', updated);
      registry.faults.push(registryError(500, 50001));

      const error = await rejection(serde.decode(bytes));
      const decoded = await serde.decode(bytes);

      expect(error).toBeInstanceOf(SchemaRegistryUnavailableError);
      expect(decoded.event).toEqual(updated);
      expect(registry.calls.schemaById).toBe(2);
    });

    it('given an id the registry does not know, fails as unknown schema id and does not cache that', async () => {
      const serde = v1Serde(registry);
      const bytes = encodeFrame(999, Buffer.from([0]));

      const first = await rejection(serde.decode(bytes));
      await rejection(serde.decode(bytes));

      expect(first).toBeInstanceOf(UnknownSchemaIdError);
      expect((first as UnknownSchemaIdError).schemaId).toBe(999);
      expect((first as UnknownSchemaIdError).retriable).toBe(false);
      expect(registry.calls.schemaById).toBe(2);
    });

    it('given a registry that refuses the fetch (401), fails as rejected, not retriable', async () => {
      const serde = v1Serde(registry);
      registry.faults.push(registryError(401, 401));

      const error = await rejection(serde.decode(encodeFrame(v1Id, Buffer.alloc(0))));

      expect(error).toBeInstanceOf(SchemaRegistryRejectedError);
    });
  });

  describe('decode: schema evolution', () => {
    it('given an event written with v2 (an added field with default), reads it with v1 without the field', async () => {
      registry.seed(`${NAMESPACE}.PatientUpdated`, patientUpdatedV2);
      const bytes = await v2Serde(registry).encode('PatientUpdated', { ...updated, source: 'gp-connect' });

      const decoded = await v1Serde(registry).decode(bytes);

      expect(decoded.type).toBe('PatientUpdated');
      expect(decoded.event).toEqual(updated);
      // Written with another schema: the payload is not what this reader would encode, so it is not offered.
      expect(decoded.payloadAsRead).toBeUndefined();
    });

    it('given an event written with v1, reads it with v2 and fills the added field from its default', async () => {
      registry.seed(`${NAMESPACE}.PatientUpdated`, patientUpdatedV2);
      const bytes = await v1Serde(registry).encode('PatientUpdated', updated);

      const decoded = await v2Serde(registry).decode(bytes);

      expect(decoded).toEqual({
        type: 'PatientUpdated',
        schemaId: v1Id,
        event: { ...updated, source: 'unknown' },
      });
    });

    it('given a writer schema this version cannot read, fails as incompatible once per id', async () => {
      const changedType = {
        ...patientUpdatedV1,
        fields: [{ name: 'nhsNumber', type: 'int' }, patientUpdatedV1.fields[1]],
      };
      const id = registry.seed(`${NAMESPACE}.PatientUpdated`, changedType);
      const serde = v1Serde(registry);
      const bytes = encodeFrame(id, Buffer.from([2, 2]));

      const error = await rejection(serde.decode(bytes));
      await rejection(serde.decode(bytes));

      expect(error).toBeInstanceOf(IncompatibleSchemaError);
      expect((error as IncompatibleSchemaError).message).toContain(`schema id ${id}`);
      expect(registry.calls.schemaById).toBe(1);
    });
  });

  describe('decode: events this service cannot use', () => {
    it('given a writer record this service does not know, fails as unknown type and remembers it', async () => {
      const id = registry.seed(`${NAMESPACE}.ConsentWithdrawn`, {
        type: 'record',
        name: 'ConsentWithdrawn',
        namespace: NAMESPACE,
        fields: [],
      });
      const serde = v1Serde(registry);

      const error = await rejection(serde.decode(encodeFrame(id, Buffer.alloc(0))));
      await rejection(serde.decode(encodeFrame(id, Buffer.alloc(0))));

      expect(error).toBeInstanceOf(UnknownEventTypeError);
      expect((error as UnknownEventTypeError).typeName).toBe(`${NAMESPACE}.ConsentWithdrawn`);
      expect(registry.calls.schemaById).toBe(1);
    });

    it('given a known record name in another namespace, does not mistake it for this service type', async () => {
      const id = registry.seed('other.PatientUpdated', {
        ...recordDeleted,
        name: 'PatientUpdated',
        namespace: 'other',
      });

      const error = await rejection(v1Serde(registry).decode(encodeFrame(id, Buffer.from([0]))));

      expect(error).toBeInstanceOf(UnknownEventTypeError);
      expect((error as UnknownEventTypeError).typeName).toBe('other.PatientUpdated');
    });

    it('given a writer schema that is not a record, fails as unknown type', async () => {
      const id = registry.seed('strings', '"string"');

      const error = await rejection(v1Serde(registry).decode(encodeFrame(id, Buffer.from([0]))));

      expect(error).toBeInstanceOf(UnknownEventTypeError);
      expect((error as UnknownEventTypeError).typeName).toBeUndefined();
    });

    it('given a bad magic byte, fails as corrupt without asking the registry', async () => {
      const error = await rejection(v1Serde(registry).decode(Buffer.from([1, 0, 0, 0, 1])));

      expect(error).toBeInstanceOf(CorruptPayloadError);
      expect(registry.calls.schemaById).toBe(0);
    });

    it('given Avro bytes cut short, fails as corrupt naming the schema id', async () => {
      const serde = v1Serde(registry);
      const whole = await serde.encode('PatientUpdated', updated);

      const error = await rejection(serde.decode(whole.subarray(0, whole.length - 3)));

      expect(error).toBeInstanceOf(CorruptPayloadError);
      expect((error as CorruptPayloadError).schemaId).toBe(v1Id);
      expect((error as CorruptPayloadError).message).toBe(
        `Corrupt event payload (schema id ${v1Id}): Avro decoding failed: truncated buffer`,
      );
    });

    it('given Avro bytes that are not valid for the schema, fails as corrupt', async () => {
      // A union branch index of 63 (zig-zag 0x7e): the address union has only two branches.
      const payload = Buffer.concat([Buffer.from([2, 0x41]), Buffer.from([2]), Buffer.from([0x7e])]);

      const error = await rejection(v1Serde(registry).decode(encodeFrame(v1Id, payload)));

      expect(error).toBeInstanceOf(CorruptPayloadError);
      expect((error as CorruptPayloadError).message).toContain('invalid union index');
    });

    it('given bytes after the event, fails as corrupt instead of ignoring them', async () => {
      const serde = v1Serde(registry);
      const whole = await serde.encode('PatientUpdated', updated);

      const error = await rejection(serde.decode(Buffer.concat([whole, Buffer.from([0])])));

      expect(error).toBeInstanceOf(CorruptPayloadError);
      expect((error as CorruptPayloadError).message).toContain('trailing data');
    });
  });

  it('given a schema whose name does not match its event type, refuses to start', () => {
    expect(
      () =>
        new EventSerde<V1Events>({
          registry,
          namespace: NAMESPACE,
          schemas: { PatientUpdated: patientUpdatedV1, RecordDeleted: patientUpdatedV1 },
        }),
    ).toThrow(`Schema for event type RecordDeleted is named ${NAMESPACE}.PatientUpdated`);
  });
});
