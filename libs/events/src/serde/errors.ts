import { CrosscareError } from '@crosscare/errors';
import type { SchemaRegistryError } from '../registry/schema-registry-error';

/**
 * Everything EventSerde throws. `retriable` (asked through `isRetriable` of @crosscare/errors) is the one question
 * a consumer asks: true means the same bytes may decode later (back off and retry, do not commit); false means
 * they never will (dead-letter the message and move on, or fix the producer).
 *
 * Messages never include event values: events carry patient data, and error messages end up in logs.
 */
export abstract class EventSerdeError extends CrosscareError {}

/** The bytes are not a Confluent-framed Avro event this schema can read. */
export class CorruptPayloadError extends EventSerdeError {
  constructor(
    reason: string,
    readonly schemaId?: number,
    cause?: unknown,
  ) {
    super(`Corrupt event payload${schemaId === undefined ? '' : ` (schema id ${schemaId})`}: ${reason}`, {
      retriable: false,
      cause,
    });
  }
}

/** The registry has no schema with the id in the frame: written against another registry, or deleted. */
export class UnknownSchemaIdError extends EventSerdeError {
  constructor(
    readonly schemaId: number,
    cause?: unknown,
  ) {
    super(`The schema registry has no schema with id ${schemaId}`, { retriable: false, cause });
  }
}

/**
 * The event type is not one this service was built with: the writer schema's record (decode), or the type asked
 * for (encode). A service built before a new event type was added meets this until it is upgraded.
 */
export class UnknownEventTypeError extends EventSerdeError {
  constructor(
    /** The full record name; undefined when the writer schema is not a named Avro record at all. */
    readonly typeName: string | undefined,
    readonly schemaId?: number,
    cause?: unknown,
  ) {
    super(describeUnknownType(typeName, schemaId), { retriable: false, cause });
  }
}

function describeUnknownType(typeName: string | undefined, schemaId: number | undefined): string {
  if (schemaId === undefined) return `Event type ${typeName} is not one this service knows`;
  if (typeName === undefined)
    return `Schema id ${schemaId} is not an Avro record schema, so names no event type`;
  return `Schema id ${schemaId} is for event type ${typeName}, which this service does not know`;
}

/**
 * The writer schema names a known event type but cannot be read with this service's version of it (a change
 * that broke compatibility slipped past the registry).
 */
export class IncompatibleSchemaError extends EventSerdeError {
  constructor(
    readonly typeName: string,
    readonly schemaId: number,
    cause?: unknown,
  ) {
    super(`Events written with schema id ${schemaId} cannot be read as this service's ${typeName}`, {
      retriable: false,
      cause,
    });
  }
}

/** One place where an event departs from its schema: a dotted path (array items by index) and what is wrong. */
export interface InvalidField {
  readonly path: string;
  readonly problem: string;
}

/** An event to encode does not match its schema. Names the fields and expected types, never the values. */
export class InvalidEventError extends EventSerdeError {
  constructor(
    readonly typeName: string,
    readonly fields: readonly InvalidField[],
  ) {
    super(`Invalid ${typeName} event: ${fields.map((f) => `${f.path} ${f.problem}`).join('; ')}`, {
      retriable: false,
    });
  }

  get fieldPaths(): string[] {
    return this.fields.map((f) => f.path);
  }
}

/**
 * The producer's schema is not registered under its subject. In production only the schemas CLI registers
 * (CI and deploy), so this means a deploy ran ahead of its schema.
 */
export class UnregisteredSchemaError extends EventSerdeError {
  constructor(
    readonly subject: string,
    cause: SchemaRegistryError,
  ) {
    super(`Schema for subject ${subject} is not registered: register it with the schemas CLI first`, {
      retriable: false,
      cause,
    });
  }
}

/** The registry answered, but refused the request for good (auth, incompatible schema, invalid schema...). */
export class SchemaRegistryRejectedError extends EventSerdeError {
  constructor(
    readonly registryError: SchemaRegistryError,
    context: string,
  ) {
    super(`${context}: ${registryError.message}`, { retriable: false, cause: registryError });
  }
}

/** The registry could not be reached, timed out, or failed (5xx, 429): the same bytes will decode later. */
export class SchemaRegistryUnavailableError extends EventSerdeError {
  constructor(
    readonly registryError: SchemaRegistryError,
    context: string,
  ) {
    super(`${context}: ${registryError.message}`, { retriable: true, cause: registryError });
  }
}

export function isEventSerdeError(error: unknown): error is EventSerdeError {
  return error instanceof EventSerdeError;
}
