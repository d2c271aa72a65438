import { isRetriable } from '@crosscare/errors';
import { SchemaRegistryError } from '../registry/schema-registry-error';
import {
  CorruptPayloadError,
  IncompatibleSchemaError,
  InvalidEventError,
  isEventSerdeError,
  SchemaRegistryRejectedError,
  SchemaRegistryUnavailableError,
  UnknownEventTypeError,
  UnknownSchemaIdError,
  UnregisteredSchemaError,
} from './errors';

const unavailable = new SchemaRegistryError('GET /schemas/ids/1: no answer within 5000 ms', {
  retriable: true,
});
const notFound = new SchemaRegistryError('POST /subjects/x answered 404', {
  status: 404,
  errorCode: 40401,
  retriable: false,
});

describe('event serde errors', () => {
  it.each([
    ['CorruptPayloadError', new CorruptPayloadError('trailing data', 3)],
    ['UnknownSchemaIdError', new UnknownSchemaIdError(3)],
    ['UnknownEventTypeError', new UnknownEventTypeError('uk.nhs.crosscare.Other', 3)],
    ['IncompatibleSchemaError', new IncompatibleSchemaError('uk.nhs.crosscare.Ev', 3)],
    ['InvalidEventError', new InvalidEventError('Ev', [{ path: 'x', problem: 'should be string' }])],
    ['UnregisteredSchemaError', new UnregisteredSchemaError('uk.nhs.crosscare.Ev', notFound)],
    ['SchemaRegistryRejectedError', new SchemaRegistryRejectedError(notFound, 'Fetching schema id 3')],
  ])('%s is not retriable: the same bytes or event will fail again', (name, error) => {
    expect(error.name).toBe(name);
    expect(error.retriable).toBe(false);
    expect(isRetriable(error)).toBe(false);
    expect(isEventSerdeError(error)).toBe(true);
  });

  it('SchemaRegistryUnavailableError is retriable and keeps the registry error as cause', () => {
    const error = new SchemaRegistryUnavailableError(unavailable, 'Fetching schema id 1');

    expect(error.retriable).toBe(true);
    expect(isRetriable(error)).toBe(true);
    expect(error.cause).toBe(unavailable);
    expect(error.message).toBe('Fetching schema id 1: GET /schemas/ids/1: no answer within 5000 ms');
  });

  it('given registry client errors, follows their own retriable flag', () => {
    expect(isRetriable(unavailable)).toBe(true);
    expect(isRetriable(notFound)).toBe(false);
    expect(isEventSerdeError(unavailable)).toBe(false);
  });

  it('given any other error, is not retriable: a bug must not hide in a retry loop', () => {
    expect(isRetriable(new TypeError('x is undefined'))).toBe(false);
    expect(isRetriable('boom')).toBe(false);
    expect(isEventSerdeError(new Error('x'))).toBe(false);
  });

  it('names the schema id and reason of a corrupt payload', () => {
    expect(new CorruptPayloadError('trailing data', 12).message).toBe(
      'Corrupt event payload (schema id 12): trailing data',
    );
    expect(new CorruptPayloadError('too short').message).toBe('Corrupt event payload: too short');
  });

  it('describes an unknown type by name, or a writer schema that names none', () => {
    expect(new UnknownEventTypeError('a.B', 4).message).toBe(
      'Schema id 4 is for event type a.B, which this service does not know',
    );
    expect(new UnknownEventTypeError(undefined, 4).message).toBe(
      'Schema id 4 is not an Avro record schema, so names no event type',
    );
    expect(new UnknownEventTypeError('a.B').message).toBe('Event type a.B is not one this service knows');
  });

  it('lists every invalid field of an event with what it should be', () => {
    const error = new InvalidEventError('PatientUpdated', [
      { path: 'nhsNumber', problem: 'should be string' },
      { path: 'address.postcode', problem: 'is not in the schema' },
    ]);

    expect(error.message).toBe(
      'Invalid PatientUpdated event: nhsNumber should be string; address.postcode is not in the schema',
    );
    expect(error.fieldPaths).toEqual(['nhsNumber', 'address.postcode']);
  });
});
