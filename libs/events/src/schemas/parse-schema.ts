import { AvroSchema, PRIMITIVE_TYPES } from './avro-schema';
import { SchemaDefinitionError } from './schema-definition-error';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that parsed JSON has the shape of an Avro schema, so that the rule checks and composition after it can
 * walk typed values. It checks only structure; avsc checks the rest once the schema is composed.
 */
export function parseSchema(json: unknown, file: string): AvroSchema {
  const fail = (where: string, reason: string): never => {
    throw new SchemaDefinitionError(file, `${where}: ${reason}`);
  };

  const check = (value: unknown, where: string): void => {
    if (typeof value === 'string') return;
    if (Array.isArray(value)) {
      if (value.length === 0) fail(where, 'a union needs at least one branch');
      value.forEach((branch, i) => check(branch, `${where}[${i}]`));
      return;
    }
    if (!isObject(value))
      return fail(where, `expected a type name, a union or a type object, got ${JSON.stringify(value)}`);
    const type = value.type;
    switch (type) {
      case 'record': {
        const name = requireName(value, where);
        const fields = value.fields;
        if (!Array.isArray(fields)) return fail(name, 'a record needs a "fields" array');
        fields.forEach((field: unknown, i) => {
          if (!isObject(field) || typeof field.name !== 'string')
            return fail(name, `field ${i} needs a "name"`);
          if (!('type' in field)) return fail(`${name}.${field.name}`, 'a field needs a "type"');
          check(field.type, `${name}.${field.name}`);
        });
        return;
      }
      case 'enum': {
        const name = requireName(value, where);
        const symbols = value.symbols;
        if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === 'string')) {
          fail(name, 'an enum needs a "symbols" array of strings');
        }
        return;
      }
      case 'fixed': {
        const name = requireName(value, where);
        if (typeof value.size !== 'number') fail(name, 'a fixed type needs a numeric "size"');
        return;
      }
      case 'array':
        return check(value.items, `${where} items`);
      case 'map':
        return check(value.values, `${where} values`);
      default:
        if (typeof type === 'string' && PRIMITIVE_TYPES.has(type)) return;
        // Only primitives may be wrapped in an object: a reference is written as the bare name, so that every
        // reader (and the composer) finds references in one form.
        return fail(
          where,
          `unsupported type ${JSON.stringify(type)}; write a reference to a named type as its name`,
        );
    }
  };

  const requireName = (value: JsonObject, where: string): string => {
    if (typeof value.name !== 'string' || value.name === '')
      return fail(where, `a ${String(value.type)} needs a "name"`);
    return value.name;
  };

  check(json, 'schema');
  return json as AvroSchema;
}
