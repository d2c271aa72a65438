import { Type, types } from 'avsc';
import type { InvalidField } from './errors';

/**
 * Where a value departs from its Avro type, as field paths and what each should be; empty when it is valid.
 *
 * Undeclared fields are errors too: avsc would drop them silently, and a field the producer believes it sends
 * but no consumer receives is a bug worth failing loudly on. avsc stops at a record with undeclared fields
 * without checking its fields, so type errors come from a first pass without that check.
 */
export function invalidFields(type: Type, value: unknown): InvalidField[] {
  // Every event ingest publishes passes here: the hook-free check is avsc's fast one, the passes below find why.
  if (type.isValid(value, { noUndeclaredFields: true })) return [];
  const found = new Map<string, InvalidField>();
  const add = (field: InvalidField) => found.set(`${field.path} ${field.problem}`, field);

  type.isValid(value, {
    errorHook: (path, _val, t) => add({ path: pathOf(path), problem: `should be ${describe(t)}` }),
  });
  type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path, val, t) => {
      if (!(t instanceof types.RecordType) || !isObject(val)) return;
      for (const key of undeclaredKeys(t, val))
        add({ path: pathOf([...path, key]), problem: 'is not in the schema' });
    },
  });
  return [...found.values()];
}

function undeclaredKeys(type: types.RecordType, value: object): string[] {
  const declared = new Set(type.fields.map((f) => f.name));
  return Object.keys(value).filter((key) => !declared.has(key));
}

function describe(type: Type): string {
  if (type instanceof types.UnwrappedUnionType || type instanceof types.WrappedUnionType) {
    return `one of ${type.types.map(describe).join(', ')}`;
  }
  return type.name ?? type.typeName;
}

function pathOf(path: readonly string[]): string {
  return path.length === 0 ? '(event)' : path.join('.');
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
