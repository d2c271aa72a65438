import type { EventType } from '@crosscare/events';
import { kindField, type SdeProject } from '@crosscare/sde';
import type { Type, types } from 'avsc';
import { SdeExportError } from './sde-export-error';

/** The column types an export holds: Avro's primitives as the project's row schema uses them. */
export type ScalarType = 'string' | 'double' | 'int' | 'boolean';

export interface StructField {
  readonly name: string;
  readonly type: ScalarType;
  readonly nullable: boolean;
}

/**
 * A column is a value, a list of values (symbols) or a list of small records (codes): researchers' tools (pandas,
 * R arrow, DuckDB, Spark) read Parquet lists natively, so a row keeps its list in one cell instead of being repeated.
 */
export type ColumnShape =
  | { readonly kind: 'scalar'; readonly type: ScalarType }
  | { readonly kind: 'list'; readonly items: ScalarType }
  | { readonly kind: 'struct-list'; readonly fields: readonly StructField[] };

export interface ExportColumn {
  /** The column's name in the file: a nested field's path joined by `_` (code.system → code_system). */
  readonly name: string;
  /** Where the value is in a decoded row. */
  readonly path: readonly string[];
  readonly shape: ColumnShape;
  readonly nullable: boolean;
}

/** One approved event kind's file: its name and columns, the row's common columns first. */
export interface KindLayout {
  readonly kind: EventType;
  readonly file: string;
  readonly columns: readonly ExportColumn[];
}

/**
 * The files of a project's export, derived from its row schema (projectRowSchema, as avsc parsed it) so that every
 * column is typed and nullable exactly as the schema says: the common columns (pseudonym, rowId, recordId,
 * eventType, operation, occurred and the project's context) and then the kind's own fields, records flattened.
 * Pure; throws an SdeExportError naming a field that has no column form, or two fields that would share a name.
 */
export function exportLayouts(project: SdeProject, rowType: Type): KindLayout[] {
  const row = asRecord(rowType, 'the project row');
  const kindFields = new Map([...project.events.keys()].map((kind) => [kindField(kind), kind] as const));
  const common = row.fields
    .filter((field) => !kindFields.has(field.name))
    .flatMap((field) => columnsOf(field.type, [field.name], [field.name], false));
  return [...project.events.keys()].map((kind) => {
    const field = row.fields.find((f) => f.name === kindField(kind));
    if (!field) throw new SdeExportError(`the row schema has no field ${kindField(kind)} for ${kind}`);
    const record = asRecord(nonNull(field.type, field.name).type, field.name);
    const own = record.fields.flatMap((f) => columnsOf(f.type, [field.name, f.name], [f.name], false));
    const columns = [...common, ...own];
    const seen = new Set<string>();
    for (const column of columns) {
      if (seen.has(column.name))
        throw new SdeExportError(`${kind} would have two columns named ${column.name}`);
      seen.add(column.name);
    }
    return { kind, file: `${kind}.parquet`, columns };
  });
}

/** The value of a column in a decoded row: null wherever the path meets null. */
export function columnValue(row: Readonly<Record<string, unknown>>, column: ExportColumn): unknown {
  let node: unknown = row;
  for (const key of column.path) {
    if (node === null || node === undefined) return null;
    node = (node as Record<string, unknown>)[key];
  }
  if (node === undefined || node === null) return null;
  const { shape } = column;
  if (shape.kind === 'struct-list') {
    // Only the schema's fields: a decoded record may carry more (avsc's record class), Parquet must not.
    return (node as Record<string, unknown>[]).map((item) =>
      Object.fromEntries(shape.fields.map((f) => [f.name, item[f.name] ?? null])),
    );
  }
  return node;
}

const SCALARS: Record<string, ScalarType> = {
  string: 'string',
  double: 'double',
  int: 'int',
  boolean: 'boolean',
};

function columnsOf(
  type: Type,
  path: readonly string[],
  name: readonly string[],
  parentNullable: boolean,
): ExportColumn[] {
  const where = path.join('.');
  const { type: inner, nullable: own } = nonNull(type, where);
  const nullable = parentNullable || own;
  const scalar = SCALARS[inner.typeName];
  if (scalar) return [{ name: name.join('_'), path, shape: { kind: 'scalar', type: scalar }, nullable }];
  if (inner.typeName === 'record') {
    return asRecord(inner, where).fields.flatMap((field) =>
      columnsOf(field.type, [...path, field.name], [...name, field.name], nullable),
    );
  }
  if (inner.typeName === 'array') {
    const items = nonNull((inner as types.ArrayType).itemsType, `${where}[]`);
    if (items.nullable) throw new SdeExportError(`${where}: a list of nullable items has no column form`);
    const itemScalar = SCALARS[items.type.typeName];
    if (itemScalar)
      return [{ name: name.join('_'), path, shape: { kind: 'list', items: itemScalar }, nullable }];
    if (items.type.typeName === 'record') {
      const fields = asRecord(items.type, `${where}[]`).fields.map((field) => {
        const f = nonNull(field.type, `${where}[].${field.name}`);
        const fieldType = SCALARS[f.type.typeName];
        if (!fieldType)
          throw new SdeExportError(
            `${where}[].${field.name}: Avro ${f.type.typeName} inside a list has no column form`,
          );
        return { name: field.name, type: fieldType, nullable: f.nullable };
      });
      return [{ name: name.join('_'), path, shape: { kind: 'struct-list', fields }, nullable }];
    }
  }
  throw new SdeExportError(`${where}: Avro ${inner.typeName} has no column form`);
}

/** A ["null", X] union is X, nullable; any other union is not a column. */
function nonNull(type: Type, where: string): { type: Type; nullable: boolean } {
  if (!type.typeName.startsWith('union')) return { type, nullable: false };
  const branches = (type as types.UnwrappedUnionType).types;
  const others = branches.filter((t) => t.typeName !== 'null');
  if (others.length !== 1 || branches.length !== 2)
    throw new SdeExportError(`${where}: a union other than ["null", X] has no column form`);
  return { type: others[0], nullable: true };
}

function asRecord(type: Type, where: string): types.RecordType {
  if (type.typeName !== 'record') throw new SdeExportError(`${where} is not a record`);
  return type as types.RecordType;
}
