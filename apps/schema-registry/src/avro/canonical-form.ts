import { createHash } from 'node:crypto';

// The registry reuses an id when a subject registers a schema it already holds, so the canonical form must
// be equal exactly when two submissions mean the same thing to every reader. It is deliberately stricter
// than Avro's Parsing Canonical Form: PCF drops doc, default, aliases, order and logicalType, which would
// make a schema that adds a default share an id with one that does not, and hand out the wrong defaults.
// What is normalised: whitespace, JSON key order, {"type": "<primitive>"} with no other attribute, and
// names (always written as full names, with the namespace attribute dropped). Everything else is kept.
// The result is an identity key, not a schema to re-parse: a null-namespace name nested in a namespaced
// record would be re-qualified by a parser.

const PRIMITIVES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export function canonicalForm(json: unknown): string {
  return sortedJson(normalise(json as Json, ''));
}

/** What the registry hands back to clients: compact, but in the submitter's own key order. */
export function displayForm(json: unknown): string {
  return JSON.stringify(json);
}

export function fingerprint(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function normalise(schema: Json, namespace: string): Json {
  if (typeof schema === 'string') return qualifyReference(schema, namespace);
  if (Array.isArray(schema)) return schema.map((branch) => normalise(branch, namespace));
  if (schema === null || typeof schema !== 'object') return schema;

  const type = schema.type;
  if (typeof type === 'string' && PRIMITIVES.has(type) && Object.keys(schema).length === 1) return type;

  switch (type) {
    case 'record':
    case 'error':
    case 'enum':
    case 'fixed':
      return normaliseNamed(schema, namespace);
    case 'array':
      return { ...schema, items: normalise(schema.items, namespace) };
    case 'map':
      return { ...schema, values: normalise(schema.values, namespace) };
    default:
      return schema;
  }
}

function normaliseNamed(schema: JsonObject, enclosing: string): JsonObject {
  const { namespace: declared, ...rest } = schema;
  const name = typeof schema.name === 'string' ? schema.name : undefined;
  const own = declared === undefined ? enclosing : typeof declared === 'string' ? declared : '';
  const isRecord = schema.type === 'record' || schema.type === 'error';
  // Mirrors avsc (our resolver): a record's children and aliases live in its explicit namespace, else the
  // one implied by a dotted name, else the enclosing one; an enum's or fixed's aliases ignore the implied
  // namespace. Following avsc rather than a looser reading means two schemas that avsc resolves
  // differently can never share a canonical form.
  const scope =
    isRecord && declared === undefined && name !== undefined ? (impliedNamespace(name) ?? own) : own;
  const out: JsonObject = { ...rest };
  if (name !== undefined) out.name = qualify(name, own);
  if (Array.isArray(schema.aliases)) {
    out.aliases = schema.aliases.map((alias) => (typeof alias === 'string' ? qualify(alias, scope) : alias));
  }
  if (isRecord && Array.isArray(schema.fields)) {
    out.fields = schema.fields.map((field) =>
      field !== null && typeof field === 'object' && !Array.isArray(field) && 'type' in field
        ? { ...field, type: normalise(field.type, scope) }
        : field,
    );
  }
  return out;
}

function qualifyReference(reference: string, namespace: string): string {
  const short = unqualify(reference);
  // avsc resolves any reference whose last part is a primitive name to that primitive.
  return PRIMITIVES.has(short) ? short : qualify(reference, namespace);
}

function qualify(name: string, namespace: string): string {
  if (name.includes('.')) return name.replace(/^\./, '');
  return namespace ? `${namespace}.${name}` : name;
}

function unqualify(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function impliedNamespace(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : undefined;
}

function sortedJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${sortedJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
