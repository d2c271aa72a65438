import {
  AvroNamedSchema,
  AvroSchema,
  definitionFullName,
  isArraySchema,
  isMapSchema,
  isNamedSchema,
  isUnion,
  namespaceOf,
} from './avro-schema';

/** A named type (record, enum, fixed) as written in a schema file, at the top or nested inside another type. */
export interface NamedDefinition {
  readonly fullName: string;
  readonly schema: AvroNamedSchema;
  readonly file: string;
}

/** Every named type a file defines (not those it only references), outermost first. */
export function collectDefinitions(root: AvroSchema, file: string): NamedDefinition[] {
  const found: NamedDefinition[] = [];
  const visit = (schema: AvroSchema, namespace: string | undefined): void => {
    if (typeof schema === 'string') return;
    if (isUnion(schema)) return schema.forEach((branch) => visit(branch, namespace));
    if (isArraySchema(schema)) return visit(schema.items, namespace);
    if (isMapSchema(schema)) return visit(schema.values, namespace);
    if (!isNamedSchema(schema)) return;
    const fullName = definitionFullName(schema, namespace);
    found.push({ fullName, schema, file });
    if (schema.type === 'record') schema.fields.forEach((field) => visit(field.type, namespaceOf(fullName)));
  };
  visit(root, undefined);
  return found;
}
