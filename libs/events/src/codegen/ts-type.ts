import {
  AvroSchema,
  definitionFullName,
  fullNameOf,
  isArraySchema,
  isMapSchema,
  isNamedSchema,
  isUnion,
  shortNameOf,
} from '../schemas/avro-schema';

const PRIMITIVE_TS: Readonly<Record<string, string>> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

/** What a value of a logical type means, since its TypeScript type (number, string) cannot say. */
const LOGICAL_TYPE_NOTES: Readonly<Record<string, string>> = {
  'timestamp-millis': 'Epoch milliseconds (UTC), Avro timestamp-millis.',
  date: 'Days since 1970-01-01 (epoch), Avro date.',
  uuid: 'A UUID.',
};

function parenthesised(tsType: string): string {
  return tsType.includes(' ') ? `(${tsType})` : tsType;
}

/**
 * The TypeScript type of the value avsc reads and writes for a schema. Names become the generated type of the
 * same (short) name: the loader has made every name unique within the one namespace.
 */
export function tsTypeOf(schema: AvroSchema, namespace: string | undefined): string {
  if (typeof schema === 'string') {
    return PRIMITIVE_TS[schema] ?? shortNameOf(fullNameOf(schema, namespace));
  }
  if (isUnion(schema)) {
    // avsc hands out ["null", T] unwrapped, as T or null, but wraps ambiguous unions in an object keyed by branch
    // name; the generated types model only the first kind, which is the only one the contract uses.
    if (schema.length !== 2 || schema[0] !== 'null') {
      throw new Error(`unsupported union ${JSON.stringify(schema)}: only ["null", T] is supported`);
    }
    return `${tsTypeOf(schema[1], namespace)} | null`;
  }
  if (isArraySchema(schema)) return `${parenthesised(tsTypeOf(schema.items, namespace))}[]`;
  if (isMapSchema(schema)) return `Record<string, ${tsTypeOf(schema.values, namespace)}>`;
  if (isNamedSchema(schema)) return shortNameOf(definitionFullName(schema, namespace));
  return PRIMITIVE_TS[schema.type] ?? shortNameOf(fullNameOf(schema.type, namespace));
}

/** A sentence on the meaning of the first logical type in a field's type, or undefined when it has none. */
export function logicalTypeNote(schema: AvroSchema): string | undefined {
  if (typeof schema === 'string' || isNamedSchema(schema)) return undefined;
  if (isUnion(schema)) {
    for (const branch of schema) {
      const note = logicalTypeNote(branch);
      if (note !== undefined) return note;
    }
    return undefined;
  }
  if (isArraySchema(schema)) return logicalTypeNote(schema.items);
  if (isMapSchema(schema)) return logicalTypeNote(schema.values);
  if (schema.logicalType === undefined) return undefined;
  return LOGICAL_TYPE_NOTES[schema.logicalType] ?? `Avro logical type ${schema.logicalType}.`;
}
