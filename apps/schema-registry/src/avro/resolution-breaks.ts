import { errorMessage } from '@crosscare/errors';
import { Type, types } from 'avsc';

// avsc's createResolver is the verdict on whether a reader can read a writer's data; it only says "cannot
// read <whole writer schema> as <whole reader schema>". This module walks the two schemas in step, asking
// avsc again at every level, to name the deepest place that breaks in the vocabulary of Avro's (and the
// Confluent registry's) SchemaCompatibility: a subtree avsc resolves is never reported.

export type BreakCode =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'AMBIGUOUS_FIELD_ALIASES'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH';

export interface ResolutionBreak {
  readonly code: BreakCode;
  /** Reader field names joined by '.', '[]' for array items, '{}' for map values; '' for the root. */
  readonly path: string;
  /** `CODE: explanation`. */
  readonly message: string;
}

export type Resolution = { readonly ok: true } | { readonly ok: false; readonly error: string };

export function resolve(reader: Type, writer: Type): Resolution {
  try {
    reader.createResolver(writer);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

/** Empty when avsc can resolve; may also be empty when it cannot but the walker cannot say where. */
export function findResolutionBreaks(reader: Type, writer: Type): ResolutionBreak[] {
  return walk(reader, writer, '', new Set());
}

// avsc's own typings stop short of these.
type EnumWithDefault = types.EnumType & { readonly default?: string };
type Union = Type & { readonly types: Type[] };

function walk(reader: Type, writer: Type, path: string, seen: Set<string>): ResolutionBreak[] {
  if (resolve(reader, writer).ok) return [];
  const r = underlying(reader);
  const w = underlying(writer);

  if (isUnion(w)) {
    return w.types.flatMap((branch) => {
      if (resolve(r, branch).ok) return [];
      if (isUnion(r)) return readerUnionBreaks(r, branch, path, seen);
      if (kind(r) === kind(branch)) return walk(r, branch, path, seen);
      return [
        at(
          'TYPE_MISMATCH',
          path,
          `${subject(path)} is '${describe(w)}' in the writer schema but '${describe(r)}' in the reader ` +
            `schema: ${withArticle(kind(r))} reader cannot read the writer's '${describe(branch)}' branch`,
        ),
      ];
    });
  }
  if (isUnion(r)) return readerUnionBreaks(r, w, path, seen);
  if (kind(r) !== kind(w)) {
    return [
      at(
        'TYPE_MISMATCH',
        path,
        `${subject(path)} is '${describe(w)}' in the writer schema but '${describe(r)}' in the reader ` +
          `schema: ${withArticle(kind(r))} reader cannot read ${kind(w)} data`,
      ),
    ];
  }
  switch (kind(r)) {
    case 'record':
      return recordBreaks(r as types.RecordType, w as types.RecordType, path, seen);
    case 'enum':
      return enumBreaks(r as EnumWithDefault, w as types.EnumType, path);
    case 'fixed':
      return fixedBreaks(r as types.FixedType, w as types.FixedType, path);
    case 'array':
      return walk((r as types.ArrayType).itemsType, (w as types.ArrayType).itemsType, `${path}[]`, seen);
    case 'map':
      return walk(
        (r as types.MapType).valuesType as Type,
        (w as types.MapType).valuesType as Type,
        `${path}{}`,
        seen,
      );
    default:
      return [];
  }
}

function readerUnionBreaks(reader: Union, writer: Type, path: string, seen: Set<string>): ResolutionBreak[] {
  // avsc reads a non-union writer with the first reader branch that resolves. When none does, one branch
  // of the writer's own kind (the same name, for named types) is almost always the one the author meant,
  // e.g. the record inside ["null", Header]: report what breaks inside it rather than the union as a whole.
  const sameKind = reader.types.filter((branch) => kind(underlying(branch)) === kind(writer));
  const sameName = sameKind.filter((branch) => underlying(branch).name === writer.name);
  const intended = sameName.length === 1 ? sameName : sameKind;
  if (intended.length === 1) {
    const branch = underlying(intended[0]);
    // A recursive record already being walked is explained where the walk first met it.
    const pair = pairKey(branch, writer);
    if (pair !== undefined && seen.has(pair)) return [];
    const inner = walk(branch, writer, path, seen);
    if (inner.length > 0) return inner;
  }
  return [
    at(
      'MISSING_UNION_BRANCH',
      path,
      `${subject(path)}: the reader union ${describe(reader)} cannot read the writer's '${describe(writer)}'`,
    ),
  ];
}

function recordBreaks(
  reader: types.RecordType,
  writer: types.RecordType,
  path: string,
  seen: Set<string>,
): ResolutionBreak[] {
  // Recursive schemas meet the same pair again; avsc assumes the pair resolves while resolving it, so do we.
  const pair = pairKey(reader, writer);
  if (pair !== undefined) {
    if (seen.has(pair)) return [];
    seen.add(pair);
  }
  if (!hasCompatibleName(reader, writer)) return [nameMismatch('record', reader, writer, path)];

  const owner = reader.name ?? 'anonymous record';
  return reader.fields.flatMap((field): ResolutionBreak[] => {
    const fieldPath = path ? `${path}.${field.name}` : field.name;
    const names = new Set([field.name, ...field.aliases]);
    const matches = writer.fields.filter((candidate) => names.has(candidate.name));
    if (matches.length > 1) {
      return [
        at(
          'AMBIGUOUS_FIELD_ALIASES',
          fieldPath,
          `${subject(fieldPath)} (${owner}) in the reader schema matches several writer fields ` +
            `[${matches.map((m) => m.name).join(', ')}] by name or alias`,
        ),
      ];
    }
    if (matches.length === 0) {
      if (field.defaultValue() !== undefined) return [];
      const aliases =
        field.aliases.length > 0 ? ` (nor under its aliases [${field.aliases.join(', ')}])` : '';
      return [
        at(
          'READER_FIELD_MISSING_DEFAULT_VALUE',
          fieldPath,
          `${subject(fieldPath)} (${owner}) is in the reader schema but not in the writer schema${aliases} ` +
            `and has no default`,
        ),
      ];
    }
    return walk(field.type, matches[0].type, fieldPath, seen);
  });
}

function enumBreaks(reader: EnumWithDefault, writer: types.EnumType, path: string): ResolutionBreak[] {
  if (!hasCompatibleName(reader, writer)) return [nameMismatch('enum', reader, writer, path)];
  const missing = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol));
  if (missing.length === 0 || reader.default !== undefined) return [];
  return [
    at(
      'MISSING_ENUM_SYMBOLS',
      path,
      `${named('enum', reader, path)} in the reader schema lacks writer symbols [${missing.join(', ')}] ` +
        `and has no default`,
    ),
  ];
}

function fixedBreaks(reader: types.FixedType, writer: types.FixedType, path: string): ResolutionBreak[] {
  if (!hasCompatibleName(reader, writer)) return [nameMismatch('fixed', reader, writer, path)];
  if (reader.size === writer.size) return [];
  return [
    at(
      'FIXED_SIZE_MISMATCH',
      path,
      `${named('fixed', reader, path)} is ${reader.size} bytes in the reader schema but ${writer.size} ` +
        `in the writer schema`,
    ),
  ];
}

// Only named records can recur; anonymous ones are walked every time they appear.
function pairKey(reader: Type, writer: Type): string | undefined {
  return kind(reader) === 'record' && reader.name && writer.name
    ? `${reader.name}<-${writer.name}`
    : undefined;
}

// avsc's rule (strict namespaces): an anonymous writer matches anything, otherwise the writer's full name
// must be the reader's full name or one of the reader's (qualified) aliases.
function hasCompatibleName(reader: Type, writer: Type): boolean {
  if (!writer.name) return true;
  return reader.name === writer.name || (reader.aliases ?? []).includes(writer.name);
}

function nameMismatch(what: string, reader: Type, writer: Type, path: string): ResolutionBreak {
  const where = path ? `${what} '${path}'` : `the top-level ${what}`;
  return at(
    'NAME_MISMATCH',
    path,
    `${where} is ${reader.name ?? 'anonymous'} in the reader schema but ${writer.name ?? 'anonymous'} in ` +
      `the writer schema, and the reader has no alias for ${writer.name ?? 'it'}`,
  );
}

function at(code: BreakCode, path: string, explanation: string): ResolutionBreak {
  return { code, path, message: `${code}: ${explanation}` };
}

function subject(path: string): string {
  if (path === '') return 'the top-level schema';
  return /^[[{]/.test(path) ? `element '${path}'` : `field '${path}'`;
}

function named(what: string, type: Type, path: string): string {
  const name = type.name ?? 'anonymous';
  return path ? `${what} '${path}' (${name})` : `the top-level ${what} ${name}`;
}

function isUnion(type: Type): type is Union {
  return Type.isType(type, 'union');
}

// Logical types only appear if a caller built its Types with avsc's logicalTypes option; their encoding,
// and so what can break, is the underlying type's.
function underlying(type: Type): Type {
  return Type.isType(type, 'logical') ? (type as types.LogicalType).underlyingType : type;
}

// 'error' is a record for resolution purposes (avsc reads one as the other).
function kind(type: Type): string {
  return type.typeName === 'error' ? 'record' : type.typeName;
}

function describe(type: Type): string {
  const t = underlying(type);
  if (isUnion(t)) return `[${t.types.map(describe).join(', ')}]`;
  if (t.name) return t.name;
  if (t.typeName === 'array') return `array<${describe((t as types.ArrayType).itemsType)}>`;
  if (t.typeName === 'map') return `map<${describe((t as types.MapType).valuesType as Type)}>`;
  return t.typeName;
}

function withArticle(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}
