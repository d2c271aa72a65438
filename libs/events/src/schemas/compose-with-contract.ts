import {
  AvroNamedSchema,
  AvroSchema,
  definitionFullName,
  fullNameOf,
  isArraySchema,
  isMapSchema,
  isNamedSchema,
  isUnion,
  namespaceOf,
  PRIMITIVE_TYPES,
} from './avro-schema';
import { NamedDefinition } from './collect-definitions';
import { NamedTypeInliner, type SchemaNode } from './inline-named-types';
import { SchemaDefinitionError } from './schema-definition-error';

/**
 * Turns a record built from the event contract (the changelog's PatientRecord, whose items are events) into one that
 * stands alone. The file is kept as written; each event or shared type it names is written out in full, composed as
 * it is registered on its own, at its first use, and by full name after that (NamedTypeInliner), so a type the
 * events share is defined once. `contract` holds the composed events and shared types by full name.
 */
export function composeWithContract(
  root: NamedDefinition,
  contract: ReadonlyMap<string, AvroNamedSchema>,
): AvroNamedSchema {
  const inliner = new NamedTypeInliner();
  const ownTypes = new Set<string>();
  const visit = (schema: AvroSchema, namespace: string | undefined): AvroSchema => {
    if (typeof schema === 'string') {
      if (PRIMITIVE_TYPES.has(schema)) return schema;
      const fullName = fullNameOf(schema, namespace);
      if (ownTypes.has(fullName)) return schema;
      const composed = contract.get(fullName);
      if (composed === undefined) {
        throw new SchemaDefinitionError(
          root.file,
          `unknown type "${schema}" (looked for ${fullName} among this file's types, the events and common/)`,
        );
      }
      return inliner.inline(composed as unknown as SchemaNode, namespaceOf(fullName)) as AvroSchema;
    }
    if (isUnion(schema)) return schema.map((branch) => visit(branch, namespace));
    if (isArraySchema(schema)) return { ...schema, items: visit(schema.items, namespace) };
    if (isMapSchema(schema)) return { ...schema, values: visit(schema.values, namespace) };
    if (!isNamedSchema(schema)) return schema;
    const fullName = definitionFullName(schema, namespace);
    ownTypes.add(fullName);
    if (schema.type !== 'record') return schema;
    return {
      ...schema,
      fields: schema.fields.map((field) => ({ ...field, type: visit(field.type, namespaceOf(fullName)) })),
    };
  };
  return visit(root.schema, undefined) as AvroNamedSchema;
}
