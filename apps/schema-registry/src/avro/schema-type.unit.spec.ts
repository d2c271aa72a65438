import { isRetriable } from '@crosscare/errors';
import { thrownBy } from '@crosscare/testing';
import { createHash } from 'node:crypto';
import { InvalidAvroSchemaError, parseAvroSchema } from './schema-type';

const rejectionOf = (text: string): InvalidAvroSchemaError =>
  thrownBy(InvalidAvroSchemaError, () => parseAvroSchema(text));

// The JSON parser's wording changes between Node versions: ask it rather than hard-code it.
function jsonParserReason(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the text not to be JSON');
}

describe('parseAvroSchema', () => {
  it('given a record schema, returns its avsc type, canonical form, fingerprint and display form', () => {
    const text =
      '{ "type": "record", "name": "Dose", "namespace": "ns", "fields": [ {"name": "mg", "type": "int"} ] }';
    const parsed = parseAvroSchema(text);
    expect(parsed.type.name).toBe('ns.Dose');
    expect(parsed.canonical).toBe('{"fields":[{"name":"mg","type":"int"}],"name":"ns.Dose","type":"record"}');
    expect(parsed.fingerprint).toBe(createHash('sha256').update(parsed.canonical).digest('hex'));
    expect(parsed.display).toBe(
      '{"type":"record","name":"Dose","namespace":"ns","fields":[{"name":"mg","type":"int"}]}',
    );
  });

  it('given a bare primitive, accepts it', () => {
    expect(parseAvroSchema('"string"').type.typeName).toBe('string');
  });

  it('given an empty or blank string, rejects it as empty', () => {
    expect(rejectionOf('').message).toBe('Invalid schema: empty schema text');
    expect(rejectionOf('  \n').reason).toBe('empty schema text');
  });

  it('given text that is not JSON, rejects it with the JSON parser reason', () => {
    for (const text of ['{"type": "record", ', 'string']) {
      const error = rejectionOf(text);
      expect(error.message).toBe(`Invalid schema: ${jsonParserReason(text)}`);
      expect(error).toBeInstanceOf(Error);
      expect(isRetriable(error)).toBe(false);
    }
  });

  it('given an unknown type, rejects it with the avsc reason naming the type', () => {
    expect(rejectionOf('{"type": "foo"}').message).toBe('Invalid schema: unknown type: "foo"');
    expect(rejectionOf('"foo"').message).toBe('Invalid schema: undefined type name: foo');
  });

  it('given a default that does not match its field type, rejects it', () => {
    const error = rejectionOf(
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}',
    );
    expect(error.reason).toContain('incompatible field default');
  });

  it('given a JSON null, rejects it', () => {
    expect(rejectionOf('null').reason).toContain('invalid type: null');
  });

  it('given logical types, accepts them as annotations on their underlying types', () => {
    const parsed = parseAvroSchema(
      JSON.stringify({
        type: 'record',
        name: 'ns.Event',
        fields: [
          { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
          { name: 'on', type: { type: 'int', logicalType: 'date' } },
          { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
          { name: 'mg', type: { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 } },
        ],
      }),
    );
    const value = { at: 1_700_000_000_000, on: 19_000, id: 'a-uuid', mg: Buffer.from([1, 2]) };
    expect(parsed.type.fromBuffer(parsed.type.toBuffer(value))).toEqual(value);
    expect(parsed.canonical).toContain('"logicalType":"timestamp-millis"');
  });

  it('given named types that reference one another and themselves, resolves the references', () => {
    const parsed = parseAvroSchema(
      JSON.stringify({
        type: 'record',
        name: 'Plan',
        namespace: 'ns',
        fields: [
          {
            name: 'first',
            type: { type: 'record', name: 'Step', fields: [{ name: 'code', type: 'string' }] },
          },
          { name: 'rest', type: { type: 'array', items: 'Step' } },
          { name: 'fallback', type: ['null', 'ns.Plan'], default: null },
        ],
      }),
    );
    const value = {
      first: { code: 'a' },
      rest: [{ code: 'b' }],
      fallback: { first: { code: 'c' }, rest: [], fallback: null },
    };
    expect(parsed.type.isValid(value)).toBe(true);
  });

  it('given a reference before its definition, rejects it', () => {
    const text = JSON.stringify({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'a', type: 'Later' },
        { name: 'b', type: { type: 'fixed', name: 'Later', size: 2 } },
      ],
    });
    expect(rejectionOf(text).reason).toBe('undefined type name: Later');
  });

  it('given the same name defined twice, rejects it', () => {
    const enumType = { type: 'enum', name: 'E', symbols: ['A'] };
    const text = JSON.stringify({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'a', type: enumType },
        { name: 'b', type: enumType },
      ],
    });
    expect(rejectionOf(text).reason).toBe('duplicate type name: E');
  });
});
