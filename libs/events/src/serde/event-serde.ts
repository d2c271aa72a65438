import { errorMessage, isRetriable } from '@crosscare/errors';
import { Type, type Resolver, type Schema } from 'avsc';
import type { SchemaRegistryClient } from '../registry/schema-registry-client';
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
  type EventSerdeError,
} from './errors';
import { subjectFor } from './subject';
import { invalidFields } from './validation';
import { decodeFrame, encodeFrame } from './wire-format';

/** The registry calls EventSerde makes; SchemaRegistryClient satisfies it, and so can an in-memory fake. */
export type EventSchemaRegistry = Pick<SchemaRegistryClient, 'register' | 'lookup' | 'schemaById'>;

/** Event type (the record's name without namespace) → the TypeScript shape of that event. */
export type EventMap<M> = { [K in keyof M]: object };

export interface EventSerdeOptions<M extends EventMap<M>> {
  readonly registry: EventSchemaRegistry;
  /** This service's schema for each event type, self-contained Avro JSON: what it writes and reads as. */
  readonly schemas: { readonly [K in keyof M]: object };
  /** The records' namespace; subjects are `${namespace}.${type}`. */
  readonly namespace: string;
  /**
   * Register schemas on first encode instead of looking them up. Off by default: in production only the schemas
   * CLI (CI and deploy) registers, so a producer must not widen a subject by itself. For local tools and tests.
   */
  readonly autoRegister?: boolean;
}

export type DecodedEvent<M> = {
  [K in keyof M & string]: {
    readonly type: K;
    readonly schemaId: number;
    readonly event: M[K];
    /**
     * The frame's Avro payload, when the writer's schema is this service's own for the type (equal canonical
     * forms): the payload is then exactly what this service would encode, and can be kept without encoding again.
     */
    readonly payloadAsRead?: Buffer;
  };
}[keyof M & string];

interface LocalSchema {
  readonly avro: Type;
  /** As sent to the registry: the schema exactly as given, so it matches what the schemas CLI registered. */
  readonly json: string;
}

/** How to read events written with one schema id, or why they cannot be read (the same every time). */
type ReadPlan =
  | {
      readonly ok: true;
      readonly type: string;
      readonly reader: Type;
      readonly resolver: Resolver;
      readonly writtenAsRead: boolean;
    }
  | { readonly ok: false; readonly fail: () => EventSerdeError };

/**
 * Avro events in Confluent's wire format, with schemas from the registry.
 *
 * Encoding writes with this service's own schema for the type, under the id the registry gave it. Decoding reads
 * with the writer's schema (fetched by the id in the frame) resolved into this service's schema, so services
 * built against older or newer versions of an event still understand each other, within the compatibility rules
 * the registry enforces.
 *
 * Caches are unbounded on purpose: they are keyed by event type and by schema id, and ids only appear when a
 * schema version is registered, a handful a year. Registry failures are never cached, so an outage ends by
 * itself; what a successfully fetched schema says (even "unknown type") is, because it cannot change.
 */
export class EventSerde<M extends EventMap<M>> {
  private readonly registry: EventSchemaRegistry;
  private readonly namespace: string;
  private readonly autoRegister: boolean;
  /** By event type: this service's schema, which it both writes with and reads into. */
  private readonly local = new Map<string, LocalSchema>();
  /** Event type by record full name, to recognise a writer schema. */
  private readonly byFullName = new Map<string, string>();
  private readonly schemaIds = new Map<string, Promise<number>>();
  private readonly plans = new Map<number, Promise<ReadPlan>>();

  constructor(options: EventSerdeOptions<M>) {
    this.registry = options.registry;
    this.namespace = options.namespace;
    this.autoRegister = options.autoRegister ?? false;
    for (const [type, schema] of Object.entries<object>(options.schemas)) {
      const avro = Type.forSchema(schema as Schema);
      const fullName = subjectFor(this.namespace, type);
      // A mismatch would make subjects and writer names disagree with the map's keys: fail at start, not per event.
      if (avro.name !== fullName) {
        throw new Error(
          `Schema for event type ${type} is named ${avro.name ?? '(anonymous)'}, expected ${fullName}`,
        );
      }
      this.local.set(type, { avro, json: JSON.stringify(schema) });
      this.byFullName.set(fullName, type);
    }
  }

  /**
   * Resolves the schema id of every type this serde writes, now: a service calls it at start, so that a schema the
   * registry does not hold (UnregisteredSchemaError, naming the subject) stops the start instead of the first write.
   */
  async resolveSchemaIds(): Promise<void> {
    for (const [type, reader] of this.local) await this.schemaIdFor(type, reader.json);
  }

  async encode<K extends keyof M & string>(type: K, event: M[K]): Promise<Buffer> {
    const reader = this.local.get(type);
    if (!reader) throw new UnknownEventTypeError(subjectFor(this.namespace, type));
    // Before the registry: a bad event is the caller's bug and must not wait on, or be masked by, an outage.
    const invalid = invalidFields(reader.avro, event);
    if (invalid.length > 0) throw new InvalidEventError(type, invalid);
    const schemaId = await this.schemaIdFor(type, reader.json);
    return encodeFrame(schemaId, reader.avro.toBuffer(event));
  }

  /**
   * Frames a payload that is already the Avro encoding of `type` under this service's schema: one assembled from
   * parts encoded earlier, which `encode` would only decode and encode again.
   */
  async frame<K extends keyof M & string>(type: K, payload: Buffer): Promise<Buffer> {
    const reader = this.local.get(type);
    if (!reader) throw new UnknownEventTypeError(subjectFor(this.namespace, type));
    return encodeFrame(await this.schemaIdFor(type, reader.json), payload);
  }

  async decode(buf: Buffer): Promise<DecodedEvent<M>> {
    const { schemaId, payload } = decodeFrame(buf);
    const plan = await this.planFor(schemaId);
    if (!plan.ok) throw plan.fail();
    let event: unknown;
    try {
      // fromBuffer (not decode) so trailing bytes fail too: they mean the frame is not what the id says.
      event = plan.reader.fromBuffer(payload, plan.resolver);
    } catch (error) {
      throw new CorruptPayloadError(`Avro decoding failed: ${errorMessage(error)}`, schemaId, error);
    }
    return {
      type: plan.type,
      schemaId,
      event,
      ...(plan.writtenAsRead ? { payloadAsRead: payload } : {}),
    } as DecodedEvent<M>;
  }

  private schemaIdFor(type: string, schema: string): Promise<number> {
    return cachedUnlessRejected(this.schemaIds, type, async () => {
      const subject = subjectFor(this.namespace, type);
      try {
        return this.autoRegister
          ? await this.registry.register(subject, schema)
          : (await this.registry.lookup(subject, schema)).id;
      } catch (error) {
        if (!(error instanceof SchemaRegistryError)) throw error;
        if (isRetriable(error))
          throw new SchemaRegistryUnavailableError(error, `Resolving the schema id of ${subject}`);
        if (!this.autoRegister && isNotFound(error)) throw new UnregisteredSchemaError(subject, error);
        throw new SchemaRegistryRejectedError(error, `Resolving the schema id of ${subject}`);
      }
    });
  }

  private planFor(schemaId: number): Promise<ReadPlan> {
    return cachedUnlessRejected(this.plans, schemaId, async () => {
      const writerSchema = await this.writerSchema(schemaId);
      return this.planToRead(schemaId, writerSchema);
    });
  }

  private async writerSchema(schemaId: number): Promise<string> {
    try {
      return await this.registry.schemaById(schemaId);
    } catch (error) {
      if (!(error instanceof SchemaRegistryError)) throw error;
      if (error.errorCode === RegistryErrorCode.SchemaNotFound)
        throw new UnknownSchemaIdError(schemaId, error);
      if (isRetriable(error))
        throw new SchemaRegistryUnavailableError(error, `Fetching schema id ${schemaId}`);
      throw new SchemaRegistryRejectedError(error, `Fetching schema id ${schemaId}`);
    }
  }

  private planToRead(schemaId: number, writerSchema: string): ReadPlan {
    let writer: Type;
    try {
      writer = Type.forSchema(JSON.parse(writerSchema) as Schema);
    } catch (error) {
      return { ok: false, fail: () => new UnknownEventTypeError(undefined, schemaId, error) };
    }
    const type = writer.typeName === 'record' && writer.name ? this.byFullName.get(writer.name) : undefined;
    const reader = type === undefined ? undefined : this.local.get(type);
    if (type === undefined || !reader) {
      const name = writer.typeName === 'record' ? writer.name : undefined;
      return { ok: false, fail: () => new UnknownEventTypeError(name, schemaId) };
    }
    try {
      return {
        ok: true,
        type,
        reader: reader.avro,
        resolver: reader.avro.createResolver(writer),
        writtenAsRead: writer.equals(reader.avro),
      };
    } catch (error) {
      return { ok: false, fail: () => new IncompatibleSchemaError(writer.name ?? type, schemaId, error) };
    }
  }
}

/**
 * One promise per key, shared by concurrent callers, so a burst of events with a new schema id makes one
 * registry call. A rejected promise is dropped so the next call asks again.
 */
function cachedUnlessRejected<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  const cached = cache.get(key);
  if (cached) return cached;
  const loading = load();
  cache.set(key, loading);
  void loading.catch(() => {
    if (cache.get(key) === loading) cache.delete(key);
  });
  return loading;
}

function isNotFound(error: SchemaRegistryError): boolean {
  return (
    error.errorCode === RegistryErrorCode.SubjectNotFound ||
    error.errorCode === RegistryErrorCode.SchemaNotFound
  );
}
