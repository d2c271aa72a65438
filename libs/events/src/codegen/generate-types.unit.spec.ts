import * as vm from 'node:vm';

import * as ts from 'typescript';

import { AvroNamedSchema, AvroRecordSchema } from '../schemas/avro-schema';
import { ComposedSchema, SchemaSet } from '../schemas/load-schema-directory';
import { GENERATED_BANNER, generateTypes } from './generate-types';

const NS = 'uk.nhs.crosscare.events';

const header: AvroRecordSchema = {
  type: 'record',
  name: 'RecordChangeHeader',
  namespace: NS,
  doc: 'The envelope.',
  fields: [
    { name: 'eventType', type: 'string', doc: 'Record name.' },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' }, doc: 'When it happened.' },
  ],
};

const thing: AvroRecordSchema = {
  type: 'record',
  name: 'ThingRecorded',
  namespace: NS,
  doc: 'A thing was recorded.',
  fields: [
    { name: 'header', type: header, doc: 'The header.' },
    { name: 'note', type: ['null', 'string'], default: null, doc: 'A note, if any.' },
    { name: 'dueOn', type: ['null', { type: 'int', logicalType: 'date' }], default: null, doc: 'Due date.' },
    { name: 'tags', type: { type: 'array', items: 'string' }, doc: 'Tags.' },
    { name: 'scores', type: { type: 'map', values: 'double' }, doc: 'Scores by name.' },
    { name: 'digest', type: 'bytes', doc: 'A digest.' },
    { name: 'count', type: 'long', doc: 'How many.' },
    { name: 'flag', type: 'boolean', doc: 'A flag.' },
    {
      name: 'colour',
      type: { type: 'enum', name: 'Colour', doc: 'A colour.', symbols: ['RED', 'OTHER'], default: 'OTHER' },
      doc: 'Its colour; the doc has a */ in it.',
    },
    { name: 'previous', type: ['null', `${NS}.Colour`], default: null, doc: 'Its colour before.' },
    { name: 'history', type: { type: 'array', items: ['null', 'Colour'] }, doc: 'Every colour it had.' },
  ],
};

function composed<S extends AvroNamedSchema>(schema: S): ComposedSchema<S> {
  return { name: schema.name, fullName: `${NS}.${schema.name}`, file: `${schema.name}.avsc`, schema };
}

const schemas: SchemaSet = {
  events: [composed(thing)],
  sharedTypes: [composed(header)],
  changelog: [],
  audit: [],
  sde: [],
};

describe('generateTypes', () => {
  let text: string;

  beforeAll(async () => {
    text = await generateTypes(schemas, {
      prettier: { singleQuote: true, trailingComma: 'all', printWidth: 110 },
    });
  });

  it('starts with the do-not-edit banner', () => {
    expect(text.startsWith(`${GENERATED_BANNER}\n`)).toBe(true);
  });

  it('declares an interface per record with field docs and the mapped types', () => {
    expect(text).toContain('/** A thing was recorded. */\nexport interface ThingRecorded {\n');
    expect(text).toContain('  /** The header. */\n  header: RecordChangeHeader;\n');
    expect(text).toContain('  /** A note, if any. */\n  note: string | null;\n');
    expect(text).toContain('  tags: string[];\n');
    expect(text).toContain('  scores: Record<string, number>;\n');
    expect(text).toContain('  digest: Buffer;\n');
    expect(text).toContain('  count: number;\n');
    expect(text).toContain('  flag: boolean;\n');
    expect(text).toContain('  previous: Colour | null;\n');
    expect(text).toContain('  history: (Colour | null)[];\n');
    expect(text).toContain('export interface RecordChangeHeader {\n');
  });

  it('says what a number of a logical type means', () => {
    expect(text).toMatch(
      /When it happened\.\n\s+\*\n\s+\* Epoch milliseconds \(UTC\), Avro timestamp-millis\.\n\s+\*\/\n\s+occurredAt: number;/,
    );
    expect(text).toMatch(
      /Due date\.\n\s+\*\n\s+\* Days since 1970-01-01 \(epoch\), Avro date\.\n\s+\*\/\n\s+dueOn: number \| null;/,
    );
  });

  it('declares a string-literal union per enum, once', () => {
    expect(text).toContain("/** A colour. */\nexport type Colour = 'RED' | 'OTHER';\n");
    expect(text.match(/export type Colour =/g)).toHaveLength(1);
  });

  it('keeps a doc from ending its comment early', () => {
    expect(text).toContain('the doc has a *\\/ in it.');
  });

  it('indexes the events', () => {
    expect(text).toContain("export const EVENT_NAMESPACE = 'uk.nhs.crosscare.events';");
    expect(text).toContain("export const EVENT_TYPES = ['ThingRecorded'] as const;");
    expect(text).toContain('export type EventType = (typeof EVENT_TYPES)[number];');
    expect(text).toContain('export interface RecordChangeEventMap {\n  ThingRecorded: ThingRecorded;\n}');
    expect(text).toContain('export type RecordChangeEvent = RecordChangeEventMap[EventType];');
    expect(text).toContain(
      'export const EVENT_SCHEMAS: { readonly [T in EventType]: object } = {\n  ThingRecorded: {',
    );
  });

  it('emits a module whose EVENT_SCHEMAS holds each composed event schema', () => {
    const { outputText } = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS } });
    const exports: Record<string, unknown> = {};
    vm.runInNewContext(outputText, { exports });
    expect(exports.EVENT_SCHEMAS).toEqual({ ThingRecorded: thing });
    expect(exports.EVENT_TYPES).toEqual(['ThingRecorded']);
  });

  it('refuses unions avsc would wrap in an object, which the types do not model', async () => {
    const union: AvroRecordSchema = {
      ...thing,
      fields: [
        thing.fields[0],
        { name: 'value', type: ['null', 'string', 'double'], default: null, doc: 'V.' },
      ],
    };
    await expect(generateTypes({ events: [composed(union)], sharedTypes: [] })).rejects.toThrow(
      /unsupported union \["null","string","double"\]/,
    );
  });

  it('refuses a type named like a declaration of the generated file', async () => {
    const clash: AvroRecordSchema = { ...thing, name: 'EventType' };
    await expect(generateTypes({ events: [composed(clash)], sharedTypes: [] })).rejects.toThrow(
      /type name EventType is reserved/,
    );
  });
});
