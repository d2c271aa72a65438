import type { ExportColumn } from './export-columns';
import { parquetSchema } from './parquet-schema';

const STRING = { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };

describe('parquetSchema', () => {
  it('maps typed columns to Parquet types, required or optional as the schema says', () => {
    const columns: ExportColumn[] = [
      { name: 'pseudonym', path: ['pseudonym'], shape: { kind: 'scalar', type: 'string' }, nullable: false },
      { name: 'v', path: ['k', 'v'], shape: { kind: 'scalar', type: 'double' }, nullable: true },
      { name: 'n', path: ['k', 'n'], shape: { kind: 'scalar', type: 'int' }, nullable: true },
      { name: 'b', path: ['k', 'b'], shape: { kind: 'scalar', type: 'boolean' }, nullable: true },
    ];
    expect(parquetSchema(columns)).toEqual([
      { name: 'root', num_children: 4 },
      { name: 'pseudonym', ...STRING, repetition_type: 'REQUIRED' },
      { name: 'v', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      { name: 'n', type: 'INT32', repetition_type: 'OPTIONAL' },
      { name: 'b', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
    ]);
  });

  it("writes lists in the standard three-level form, a list of records' fields under its element", () => {
    const columns: ExportColumn[] = [
      { name: 'tags', path: ['k', 'tags'], shape: { kind: 'list', items: 'string' }, nullable: true },
      {
        name: 'diagnoses',
        path: ['k', 'diagnoses'],
        shape: {
          kind: 'struct-list',
          fields: [
            { name: 'system', type: 'string', nullable: false },
            { name: 'code', type: 'string', nullable: true },
          ],
        },
        nullable: false,
      },
    ];
    const list = { converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 };
    expect(parquetSchema(columns)).toEqual([
      { name: 'root', num_children: 2 },
      { name: 'tags', repetition_type: 'OPTIONAL', ...list },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', ...STRING, repetition_type: 'REQUIRED' },
      { name: 'diagnoses', repetition_type: 'REQUIRED', ...list },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', repetition_type: 'REQUIRED', num_children: 2 },
      { name: 'system', ...STRING, repetition_type: 'REQUIRED' },
      { name: 'code', ...STRING, repetition_type: 'OPTIONAL' },
    ]);
  });
});
