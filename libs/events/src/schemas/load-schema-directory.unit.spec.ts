import { isRetriable } from '@crosscare/errors';
import { thrownBy } from '@crosscare/testing';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Type, type types } from 'avsc';

import { AvroRecordSchema } from './avro-schema';
import { loadSchemaDirectory } from './load-schema-directory';
import { SchemaDefinitionError } from './schema-definition-error';

const NS = 'uk.nhs.crosscare.events';

type Files = Record<string, unknown>;

const header = {
  type: 'record',
  name: 'RecordChangeHeader',
  namespace: NS,
  doc: 'Envelope.',
  fields: [
    { name: 'eventType', type: 'string', doc: 'Record name.' },
    { name: 'operation', type: 'RecordOperation', doc: 'What happened.' },
  ],
};
const operation = {
  type: 'enum',
  name: 'RecordOperation',
  namespace: NS,
  doc: 'Operation.',
  symbols: ['CREATE', 'UNKNOWN'],
  default: 'UNKNOWN',
};
const coded = {
  type: 'record',
  name: 'CodedValue',
  namespace: NS,
  doc: 'A code.',
  fields: [
    { name: 'system', type: 'string', doc: 'System.' },
    { name: 'code', type: 'string', doc: 'Code.' },
  ],
};
const headerField = { name: 'header', type: `${NS}.RecordChangeHeader`, doc: 'The header.' };

function event(name: string, fields: unknown[] = [], extra: Record<string, unknown> = {}) {
  return {
    type: 'record',
    name,
    namespace: NS,
    doc: `${name} happened.`,
    fields: [headerField, ...fields],
    ...extra,
  };
}

const validFiles = (): Files => ({
  'common/RecordChangeHeader.avsc': header,
  'common/RecordOperation.avsc': operation,
  'common/CodedValue.avsc': coded,
  'events/ThingRecorded.avsc': event('ThingRecorded', [
    { name: 'code', type: 'CodedValue', doc: 'What.' },
    { name: 'previous', type: ['null', 'CodedValue'], default: null, doc: 'What before.' },
    {
      name: 'status',
      type: { type: 'enum', name: 'ThingStatus', doc: 'Status.', symbols: ['ON', 'OTHER'], default: 'OTHER' },
      doc: 'Status.',
    },
  ]),
});

let dir: string;

function writeFiles(files: Files): void {
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

function loadError(files: Files): SchemaDefinitionError {
  writeFiles(files);
  return thrownBy(SchemaDefinitionError, () => loadSchemaDirectory(dir));
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-schemas-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('loadSchemaDirectory', () => {
  it('inlines each shared type at its first use and names it in full after that', () => {
    writeFiles(validFiles());
    const { events } = loadSchemaDirectory(dir);

    expect(events.map((e) => [e.name, e.fullName])).toEqual([['ThingRecorded', `${NS}.ThingRecorded`]]);
    const fields = events[0].schema.fields;
    expect(fields[0].type).toMatchObject({ type: 'record', name: 'RecordChangeHeader' });
    // The header's own reference to a shared type is inlined too.
    expect((fields[0].type as AvroRecordSchema).fields[1].type).toMatchObject({
      type: 'enum',
      name: 'RecordOperation',
    });
    expect(fields[1].type).toMatchObject({ type: 'record', name: 'CodedValue' });
    expect(fields[2].type).toEqual(['null', `${NS}.CodedValue`]);
  });

  it('returns a schema that avsc encodes and decodes on its own', () => {
    writeFiles(validFiles());
    const type = Type.forSchema(loadSchemaDirectory(dir).events[0].schema as never);
    const value = {
      header: { eventType: 'ThingRecorded', operation: 'CREATE' },
      code: { system: 'http://snomed.info/sct', code: '1' },
      previous: null,
      status: 'ON',
    };
    expect(type.fromBuffer(type.toBuffer(value))).toEqual(value);
  });

  it('returns every shared type self-contained, sorted by name', () => {
    writeFiles(validFiles());
    const { sharedTypes } = loadSchemaDirectory(dir);
    expect(sharedTypes.map((t) => t.name)).toEqual(['CodedValue', 'RecordChangeHeader', 'RecordOperation']);
    expect((sharedTypes[1].schema as AvroRecordSchema).fields[1].type).toMatchObject({ type: 'enum' });
  });

  it('leaves the files it read unchanged', () => {
    writeFiles(validFiles());
    loadSchemaDirectory(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'events/ThingRecorded.avsc'), 'utf8'))).toEqual(
      validFiles()['events/ThingRecorded.avsc'],
    );
  });

  describe('changelog/ and audit/', () => {
    const CHANGELOG = 'uk.nhs.crosscare.changelog';
    const snapshot = (items: unknown) => ({
      type: 'record',
      name: 'ThingSnapshot',
      namespace: CHANGELOG,
      doc: 'Every thing of a patient.',
      fields: [
        { name: 'patient', type: 'string', doc: 'Whose.' },
        { name: 'items', type: { type: 'array', items }, doc: 'The things.' },
      ],
    });
    const withSecondEvent = (): Files => ({
      ...validFiles(),
      'events/OtherRecorded.avsc': event('OtherRecorded', [
        { name: 'code', type: 'CodedValue', doc: 'What.' },
      ]),
    });

    it('writes out each named event at its first use, and every type the events share only once', () => {
      writeFiles({
        ...withSecondEvent(),
        'changelog/ThingSnapshot.avsc': snapshot([`${NS}.ThingRecorded`, `${NS}.OtherRecorded`]),
      });
      const { changelog, events } = loadSchemaDirectory(dir);

      expect(changelog.map((c) => [c.name, c.fullName])).toEqual([
        ['ThingSnapshot', `${CHANGELOG}.ThingSnapshot`],
      ]);
      const [thing, other] = (changelog[0].schema.fields[1].type as unknown as { items: AvroRecordSchema[] })
        .items;
      expect(thing).toMatchObject({ type: 'record', name: 'ThingRecorded', namespace: NS });
      expect(other).toMatchObject({ type: 'record', name: 'OtherRecorded', namespace: NS });
      // The second event's header and code are the first one's, so they are references by full name.
      expect(other.fields.map((f) => f.type)).toEqual([`${NS}.RecordChangeHeader`, `${NS}.CodedValue`]);
      // Each branch is the event as registered on its own: the same canonical form.
      const eventType = (name: string) =>
        Type.forSchema(events.find((e) => e.name === name)!.schema as never)
          .fingerprint()
          .toString('hex');
      const union = (
        (Type.forSchema(changelog[0].schema as never) as types.RecordType).field('items')
          .type as types.ArrayType
      ).itemsType as types.WrappedUnionType;
      expect(union.types.map((t) => t.fingerprint().toString('hex'))).toEqual([
        eventType('ThingRecorded'),
        eventType('OtherRecorded'),
      ]);
    });

    it('keeps a record that names no other file as written, with its own nested types', () => {
      const record = {
        type: 'record',
        name: 'ThingRead',
        namespace: 'uk.nhs.crosscare.audit',
        doc: 'A read.',
        fields: [
          {
            name: 'reader',
            type: {
              type: 'record',
              name: 'ThingReader',
              doc: 'Who.',
              fields: [{ name: 'id', type: 'string', doc: 'Id.' }],
            },
            doc: 'Who read.',
          },
          { name: 'previous', type: ['null', 'ThingReader'], default: null, doc: 'Who read before.' },
        ],
      };
      writeFiles({ ...validFiles(), 'audit/ThingRead.avsc': record });
      const { audit, events } = loadSchemaDirectory(dir);

      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit[0].schema)).toBe(JSON.stringify(record));
      expect(events.map((e) => e.name)).toEqual(['ThingRecorded']);
    });

    it.each([
      [
        'a type that is neither its own nor an event or shared type',
        { 'changelog/ThingSnapshot.avsc': snapshot([`${NS}.NothingRecorded`]) },
        'changelog/ThingSnapshot.avsc',
        /unknown type "uk\.nhs\.crosscare\.events\.NothingRecorded"/,
      ],
      [
        'a record in the events namespace',
        { 'changelog/ThingSnapshot.avsc': { ...snapshot([`${NS}.ThingRecorded`]), namespace: NS } },
        'changelog/ThingSnapshot.avsc',
        /every type here belongs in uk\.nhs\.crosscare\.changelog/,
      ],
      [
        'an enum that is not a record',
        {
          'audit/Level.avsc': {
            type: 'enum',
            name: 'Level',
            namespace: 'uk.nhs.crosscare.audit',
            doc: 'L.',
            symbols: ['A'],
            default: 'A',
          },
        },
        'audit/Level.avsc',
        /a file of audit\/ holds one record/,
      ],
      [
        'a field without a doc',
        {
          'audit/ThingRead.avsc': {
            type: 'record',
            name: 'ThingRead',
            namespace: 'uk.nhs.crosscare.audit',
            doc: 'A read.',
            fields: [{ name: 'id', type: 'string' }],
          },
        },
        'audit/ThingRead.avsc',
        /field uk\.nhs\.crosscare\.audit\.ThingRead\.id has no "doc"/,
      ],
    ] as [string, Files, string, RegExp][])(
      'rejects %s, naming the file',
      (_case, overrides, file, message) => {
        const error = loadError({ ...validFiles(), ...overrides });
        expect(error.file).toBe(path.join(dir, file));
        expect(error.message).toMatch(message);
      },
    );
  });

  const cases: [string, Files, string, RegExp][] = [
    [
      'invalid JSON',
      { 'events/ThingRecorded.avsc': '{"type": "record",' },
      'events/ThingRecorded.avsc',
      /invalid JSON/,
    ],
    [
      'a file named differently from its record',
      { 'events/ThingRecorded.avsc': event('ThingNoted') },
      'events/ThingRecorded.avsc',
      /defines ThingNoted, file is ThingRecorded\.avsc/,
    ],
    [
      'a wrong namespace',
      { 'events/ThingRecorded.avsc': event('ThingRecorded', [], { namespace: 'uk.nhs.other' }) },
      'events/ThingRecorded.avsc',
      /namespace "uk\.nhs\.other"/,
    ],
    [
      'a missing namespace',
      { 'common/CodedValue.avsc': { ...coded, namespace: undefined } },
      'common/CodedValue.avsc',
      /namespace ""/,
    ],
    [
      'an unknown referenced type',
      { 'events/ThingRecorded.avsc': event('ThingRecorded', [{ name: 'q', type: 'Quantity', doc: 'Q.' }]) },
      'events/ThingRecorded.avsc',
      /unknown type "Quantity" \(looked for uk\.nhs\.crosscare\.events\.Quantity\)/,
    ],
    [
      'a reference to a type defined inside another event',
      {
        'events/OtherRecorded.avsc': event('OtherRecorded', [{ name: 's', type: 'ThingStatus', doc: 'S.' }]),
      },
      'events/OtherRecorded.avsc',
      /ThingStatus is defined inside .*ThingRecorded\.avsc; move it to common/,
    ],
    [
      'a duplicate name',
      {
        'events/OtherRecorded.avsc': event('OtherRecorded', [
          {
            name: 's',
            type: { type: 'enum', name: 'ThingStatus', doc: 'S.', symbols: ['A'], default: 'A' },
            doc: 'S.',
          },
        ]),
      },
      'events/ThingRecorded.avsc',
      /duplicate name uk\.nhs\.crosscare\.events\.ThingStatus, already defined in .*OtherRecorded\.avsc/,
    ],
    [
      'a record without doc',
      { 'common/CodedValue.avsc': { ...coded, doc: ' ' } },
      'common/CodedValue.avsc',
      /record uk\.nhs\.crosscare\.events\.CodedValue has no "doc"/,
    ],
    [
      'an enum without doc',
      { 'common/RecordOperation.avsc': { ...operation, doc: undefined } },
      'common/RecordOperation.avsc',
      /enum uk\.nhs\.crosscare\.events\.RecordOperation has no "doc"/,
    ],
    [
      'a field without doc',
      { 'events/ThingRecorded.avsc': event('ThingRecorded', [{ name: 'note', type: 'string' }]) },
      'events/ThingRecorded.avsc',
      /field uk\.nhs\.crosscare\.events\.ThingRecorded\.note has no "doc"/,
    ],
    [
      'an enum without a default symbol',
      { 'common/RecordOperation.avsc': { ...operation, default: undefined } },
      'common/RecordOperation.avsc',
      /enum uk\.nhs\.crosscare\.events\.RecordOperation has no "default"/,
    ],
    [
      'an optional value without a null default',
      {
        'events/ThingRecorded.avsc': event('ThingRecorded', [
          { name: 'n', type: ['null', 'string'], doc: 'N.' },
        ]),
      },
      'events/ThingRecorded.avsc',
      /ThingRecorded\.n: an optional value needs "default": null/,
    ],
    [
      'an optional value with null last',
      {
        'events/ThingRecorded.avsc': event('ThingRecorded', [
          { name: 'n', type: ['string', 'null'], default: 'x', doc: 'N.' },
        ]),
      },
      'events/ThingRecorded.avsc',
      /written \["null", T\], null first/,
    ],
    [
      'an event whose first field is not the header',
      {
        'events/ThingRecorded.avsc': {
          ...event('ThingRecorded'),
          fields: [{ name: 'note', type: 'string', doc: 'N.' }, headerField],
        },
      },
      'events/ThingRecorded.avsc',
      /first field of event uk\.nhs\.crosscare\.events\.ThingRecorded must be "header"/,
    ],
    [
      'a header that is not the shared header type',
      {
        'events/ThingRecorded.avsc': {
          ...event('ThingRecorded'),
          fields: [{ ...headerField, type: 'CodedValue' }],
        },
      },
      'events/ThingRecorded.avsc',
      /"header" must reference uk\.nhs\.crosscare\.events\.RecordChangeHeader by name/,
    ],
    [
      'a common file defining a second type inline',
      {
        'common/CodedValue.avsc': {
          ...coded,
          fields: [
            ...coded.fields,
            {
              name: 'kind',
              type: { type: 'enum', name: 'Kind', doc: 'K.', symbols: ['A'], default: 'A' },
              doc: 'K.',
            },
          ],
        },
      },
      'common/CodedValue.avsc',
      /defines uk\.nhs\.crosscare\.events\.Kind inside uk\.nhs\.crosscare\.events\.CodedValue/,
    ],
    [
      'a schema avsc rejects',
      {
        'events/ThingRecorded.avsc': event('ThingRecorded', [
          { name: 'count', type: 'int', default: 'many', doc: 'How many.' },
        ]),
      },
      'events/ThingRecorded.avsc',
      /avsc rejects uk\.nhs\.crosscare\.events\.ThingRecorded: incompatible field default "many"/,
    ],
  ];

  it.each(cases)('rejects %s, naming the file', (_case, overrides, file, message) => {
    const error = loadError({ ...validFiles(), ...overrides });
    expect(error.file).toBe(path.join(dir, file));
    expect(error.message.startsWith(`${path.join(dir, file)}: `)).toBe(true);
    expect(error.message).toMatch(message);
    expect(isRetriable(error)).toBe(false);
  });

  it('rejects a directory without events', () => {
    writeFiles({ 'common/CodedValue.avsc': coded });
    expect(() => loadSchemaDirectory(dir)).toThrow(/no \*\.avsc event schemas/);
  });
});
