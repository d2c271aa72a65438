import type { SchemaElement } from 'hyparquet-writer';
import type { ExportColumn, ScalarType } from './export-columns';

/**
 * The Parquet schema of a kind's file, in the flattened form Parquet's footer holds (each group followed by its
 * children). Strings are UTF8 (converted and logical type, so old and new readers see text, not bytes); lists use the
 * standard three-level LIST form (`<name>` / `list` / `element`) that Arrow, Spark and DuckDB read as lists.
 */
export function parquetSchema(columns: readonly ExportColumn[]): SchemaElement[] {
  return [{ name: 'root', num_children: columns.length }, ...columns.flatMap(columnElements)];
}

function columnElements(column: ExportColumn): SchemaElement[] {
  const repetition = column.nullable ? 'OPTIONAL' : 'REQUIRED';
  const { shape } = column;
  switch (shape.kind) {
    case 'scalar':
      return [scalar(column.name, shape.type, column.nullable)];
    case 'list':
      return [...listHead(column.name, repetition), scalar('element', shape.items, false)];
    case 'struct-list':
      return [
        ...listHead(column.name, repetition),
        { name: 'element', repetition_type: 'REQUIRED', num_children: shape.fields.length },
        ...shape.fields.map((f) => scalar(f.name, f.type, f.nullable)),
      ];
  }
}

function listHead(name: string, repetition: 'OPTIONAL' | 'REQUIRED'): SchemaElement[] {
  return [
    {
      name,
      repetition_type: repetition,
      converted_type: 'LIST',
      logical_type: { type: 'LIST' },
      num_children: 1,
    },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  ];
}

function scalar(name: string, type: ScalarType, nullable: boolean): SchemaElement {
  const repetition_type = nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (type) {
    case 'string':
      return {
        name,
        type: 'BYTE_ARRAY',
        converted_type: 'UTF8',
        logical_type: { type: 'STRING' },
        repetition_type,
      };
    case 'double':
      return { name, type: 'DOUBLE', repetition_type };
    case 'int':
      return { name, type: 'INT32', repetition_type };
    case 'boolean':
      return { name, type: 'BOOLEAN', repetition_type };
  }
}
