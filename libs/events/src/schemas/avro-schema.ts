/** The one namespace of every Crosscare event and shared type. */
export const CROSSCARE_NAMESPACE = 'uk.nhs.crosscare.events';

export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

export interface AvroField {
  readonly name: string;
  readonly type: AvroSchema;
  readonly doc?: string;
  readonly default?: unknown;
}

export interface AvroRecordSchema {
  readonly type: 'record';
  readonly name: string;
  readonly namespace?: string;
  readonly doc?: string;
  readonly fields: readonly AvroField[];
}

export interface AvroEnumSchema {
  readonly type: 'enum';
  readonly name: string;
  readonly namespace?: string;
  readonly doc?: string;
  readonly symbols: readonly string[];
  readonly default?: string;
}

export interface AvroFixedSchema {
  readonly type: 'fixed';
  readonly name: string;
  readonly namespace?: string;
  readonly doc?: string;
  readonly size: number;
}

export interface AvroArraySchema {
  readonly type: 'array';
  readonly items: AvroSchema;
}

export interface AvroMapSchema {
  readonly type: 'map';
  readonly values: AvroSchema;
}

/** A primitive written as an object, usually to carry a logical type: {"type":"long","logicalType":"..."}. */
export interface AvroPrimitiveSchema {
  readonly type: string;
  readonly logicalType?: string;
}

export type AvroNamedSchema = AvroRecordSchema | AvroEnumSchema | AvroFixedSchema;

/** A type name (primitive or reference), a union, or a type object. */
export type AvroSchema =
  string | readonly AvroSchema[] | AvroNamedSchema | AvroArraySchema | AvroMapSchema | AvroPrimitiveSchema;

export function isNamedSchema(schema: AvroSchema): schema is AvroNamedSchema {
  return (
    typeof schema === 'object' &&
    !Array.isArray(schema) &&
    'type' in schema &&
    (schema.type === 'record' || schema.type === 'enum' || schema.type === 'fixed')
  );
}

export function isArraySchema(schema: AvroSchema): schema is AvroArraySchema {
  return typeof schema === 'object' && !Array.isArray(schema) && 'type' in schema && schema.type === 'array';
}

export function isMapSchema(schema: AvroSchema): schema is AvroMapSchema {
  return typeof schema === 'object' && !Array.isArray(schema) && 'type' in schema && schema.type === 'map';
}

export function isUnion(schema: AvroSchema): schema is readonly AvroSchema[] {
  return Array.isArray(schema);
}

/** Avro's rule: a dotted name carries its own namespace; otherwise the nearest enclosing namespace applies. */
export function fullNameOf(name: string, namespace: string | undefined): string {
  if (name.includes('.') || !namespace) return name;
  return `${namespace}.${name}`;
}

export function namespaceOf(fullName: string): string {
  const dot = fullName.lastIndexOf('.');
  return dot === -1 ? '' : fullName.slice(0, dot);
}

export function shortNameOf(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}

/** Full name of a named type defined inside `enclosingNamespace` (undefined at the top of a file). */
export function definitionFullName(schema: AvroNamedSchema, enclosingNamespace: string | undefined): string {
  return fullNameOf(schema.name, schema.namespace ?? enclosingNamespace);
}
