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
import { SchemaDefinitionError } from './schema-definition-error';

/** Every named type of the directory by full name; shared ones (common/) may be referenced from any file. */
export interface DefinitionIndex {
  readonly byFullName: ReadonlyMap<string, NamedDefinition>;
  readonly shared: ReadonlySet<string>;
}

/**
 * Turns a schema that references shared types by name into one that stands alone: each shared type is written
 * out in full at its first use and by full name after that, as Avro requires. A registry then stores the schema
 * without references, and any client can decode with it.
 */
export function composeSchema(root: NamedDefinition, index: DefinitionIndex): AvroNamedSchema {
  const written = new Set<string>();

  const visit = (schema: AvroSchema, namespace: string | undefined, file: string): AvroSchema => {
    if (typeof schema === 'string') {
      if (PRIMITIVE_TYPES.has(schema)) return schema;
      const fullName = fullNameOf(schema, namespace);
      if (written.has(fullName)) return fullName;
      const definition = index.byFullName.get(fullName);
      if (definition === undefined) {
        throw new SchemaDefinitionError(file, `unknown type "${schema}" (looked for ${fullName})`);
      }
      if (!index.shared.has(fullName)) {
        throw new SchemaDefinitionError(
          file,
          definition.file === file
            ? `type ${fullName} is used before it is defined`
            : `type ${fullName} is defined inside ${definition.file}; move it to common/ to share it`,
        );
      }
      return visit(definition.schema, undefined, definition.file);
    }
    if (isUnion(schema)) return schema.map((branch) => visit(branch, namespace, file));
    if (isArraySchema(schema)) return { ...schema, items: visit(schema.items, namespace, file) };
    if (isMapSchema(schema)) return { ...schema, values: visit(schema.values, namespace, file) };
    if (!isNamedSchema(schema)) return schema;
    const fullName = definitionFullName(schema, namespace);
    // Marked before the fields are visited, so a recursive reference stays a name.
    written.add(fullName);
    if (schema.type !== 'record') return schema;
    return {
      ...schema,
      fields: schema.fields.map((field) => ({
        ...field,
        type: visit(field.type, namespaceOf(fullName), file),
      })),
    };
  };

  return visit(root.schema, undefined, root.file) as AvroNamedSchema;
}
