import { Type, types } from 'avsc';
import { findResolutionBreaks, resolve } from './resolution-breaks';

const t = (schema: unknown) => Type.forSchema(schema as Parameters<typeof Type.forSchema>[0]);
const messages = (reader: unknown, writer: unknown) =>
  findResolutionBreaks(t(reader), t(writer)).map((b) => b.message);

const header = (fields: unknown[]) => ({ type: 'record', name: 'EventHeader', fields });
const event = (fields: unknown[]) => ({
  type: 'record',
  name: 'AllergyRecorded',
  namespace: 'uk.nhs.crosscare.events',
  fields,
});

describe('findResolutionBreaks', () => {
  it('given a reader avsc can resolve, reports nothing', () => {
    expect(messages('long', 'int')).toEqual([]);
    expect(resolve(t('long'), t('int'))).toEqual({ ok: true });
  });

  it('given a nested reader field missing from the writer without a default, names it by path and record', () => {
    const eventId = { name: 'eventId', type: 'string' };
    const reader = event([
      { name: 'header', type: header([eventId, { name: 'causationId', type: 'string' }]) },
    ]);
    const writer = event([{ name: 'header', type: header([eventId]) }]);
    expect(messages(reader, writer)).toEqual([
      "READER_FIELD_MISSING_DEFAULT_VALUE: field 'header.causationId' (uk.nhs.crosscare.events.EventHeader) " +
        'is in the reader schema but not in the writer schema and has no default',
    ]);
  });

  it('given a reader field whose aliases are not in the writer either, says it looked for them', () => {
    const reader = { type: 'record', name: 'R', fields: [{ name: 'b', type: 'int', aliases: ['a'] }] };
    expect(messages(reader, { type: 'record', name: 'R', fields: [] })[0]).toContain(
      "field 'b' (R) is in the reader schema but not in the writer schema (nor under its aliases [a])",
    );
  });

  it('given a narrower primitive in the reader, reports a type mismatch naming both types', () => {
    const dose = (type: string) => ({ type: 'record', name: 'R', fields: [{ name: 'dose', type }] });
    expect(messages(dose('int'), dose('long'))).toEqual([
      "TYPE_MISMATCH: field 'dose' is 'long' in the writer schema but 'int' in the reader schema: " +
        'an int reader cannot read long data',
    ]);
  });

  it('given an enum reader lacking writer symbols and no default, lists the missing symbols', () => {
    const severity = (symbols: string[], extra = {}) => ({
      type: 'record',
      name: 'R',
      fields: [{ name: 'severity', type: { type: 'enum', name: 'ns.Severity', symbols, ...extra } }],
    });
    expect(messages(severity(['MILD']), severity(['MILD', 'FATAL']))).toEqual([
      "MISSING_ENUM_SYMBOLS: enum 'severity' (ns.Severity) in the reader schema lacks writer symbols [FATAL] " +
        'and has no default',
    ]);
    expect(messages(severity(['MILD'], { default: 'MILD' }), severity(['MILD', 'FATAL']))).toEqual([]);
  });

  it('given a reader union without a branch for the writer type, names the union and the type', () => {
    const value = (type: unknown) => ({ type: 'record', name: 'R', fields: [{ name: 'value', type }] });
    expect(messages(value(['null', 'string']), value('long'))).toEqual([
      "MISSING_UNION_BRANCH: field 'value': the reader union [null, string] cannot read the writer's 'long'",
    ]);
    expect(messages(value(['null', 'string']), value(['null', 'string', 'long']))).toEqual([
      "MISSING_UNION_BRANCH: field 'value': the reader union [null, string] cannot read the writer's 'long'",
    ]);
  });

  it('given a writer union and a reader that is not, names the branch the reader cannot take', () => {
    const value = (type: unknown) => ({ type: 'record', name: 'R', fields: [{ name: 'value', type }] });
    expect(messages(value('string'), value(['null', 'string']))).toEqual([
      "TYPE_MISMATCH: field 'value' is '[null, string]' in the writer schema but 'string' in the reader schema: " +
        "a string reader cannot read the writer's 'null' branch",
    ]);
  });

  it('given an optional nested record that breaks, reports inside the record rather than the union', () => {
    const eventId = { name: 'eventId', type: 'string' };
    const reader = event([
      { name: 'header', type: ['null', header([eventId, { name: 'causationId', type: 'string' }])] },
    ]);
    const writer = event([{ name: 'header', type: ['null', header([eventId])] }]);
    expect(messages(reader, writer)).toEqual([
      expect.stringContaining("READER_FIELD_MISSING_DEFAULT_VALUE: field 'header.causationId'"),
    ]);
  });

  it('given a renamed record without an alias, reports a name mismatch', () => {
    const reader = {
      type: 'record',
      name: 'R',
      fields: [{ name: 'h', type: { type: 'record', name: 'ns.B', fields: [] } }],
    };
    const writer = {
      type: 'record',
      name: 'R',
      fields: [{ name: 'h', type: { type: 'record', name: 'ns.A', fields: [] } }],
    };
    expect(messages(reader, writer)).toEqual([
      "NAME_MISMATCH: record 'h' is ns.B in the reader schema but ns.A in the writer schema, and the reader has no alias for ns.A",
    ]);
    const aliased = {
      type: 'record',
      name: 'R',
      fields: [{ name: 'h', type: { type: 'record', name: 'ns.B', aliases: ['A'], fields: [] } }],
    };
    expect(messages(aliased, writer)).toEqual([]);
  });

  it('given a renamed top-level enum, reports a name mismatch at the top level', () => {
    expect(
      messages(
        { type: 'enum', name: 'ns.B', symbols: ['X'] },
        { type: 'enum', name: 'ns.A', symbols: ['X'] },
      ),
    ).toEqual([
      'NAME_MISMATCH: the top-level enum is ns.B in the reader schema but ns.A in the writer schema, and the reader has no alias for ns.A',
    ]);
  });

  it('given fixed types of different sizes, reports the sizes', () => {
    expect(messages({ type: 'fixed', name: 'H', size: 16 }, { type: 'fixed', name: 'H', size: 32 })).toEqual([
      'FIXED_SIZE_MISMATCH: the top-level fixed H is 16 bytes in the reader schema but 32 in the writer schema',
    ]);
  });

  it('given changes inside arrays and maps of records, names the element paths', () => {
    const line = (dose: string) => ({ type: 'record', name: 'Line', fields: [{ name: 'dose', type: dose }] });
    const order = (dose: string) => ({
      type: 'record',
      name: 'Order',
      fields: [{ name: 'lines', type: { type: 'map', values: { type: 'array', items: line(dose) } } }],
    });
    expect(findResolutionBreaks(t(order('int')), t(order('long'))).map((b) => b.path)).toEqual([
      'lines{}[].dose',
    ]);
    expect(
      findResolutionBreaks(t({ type: 'array', items: 'int' }), t({ type: 'array', items: 'long' }))[0]
        .message,
    ).toContain("element '[]' is 'long'");
  });

  it('given several breaking fields, reports every one of them', () => {
    const r = (a: string, b: string) => ({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'a', type: a },
        { name: 'b', type: b },
      ],
    });
    expect(
      findResolutionBreaks(t(r('int', 'int')), t(r('long', 'string'))).map((b) => `${b.code} ${b.path}`),
    ).toEqual(['TYPE_MISMATCH a', 'TYPE_MISMATCH b']);
  });

  it('given a reader field whose name and alias both match writer fields, reports the ambiguity', () => {
    const reader = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int', aliases: ['b'] }] };
    const writer = {
      type: 'record',
      name: 'R',
      fields: [
        { name: 'a', type: 'int' },
        { name: 'b', type: 'int' },
      ],
    };
    expect(messages(reader, writer)).toEqual([
      "AMBIGUOUS_FIELD_ALIASES: field 'a' (R) in the reader schema matches several writer fields [a, b] by name or alias",
    ]);
  });

  it('given a recursive record that breaks, reports the break once and terminates', () => {
    const list = (value: string) => ({
      type: 'record',
      name: 'ns.Node',
      fields: [
        { name: 'value', type: value },
        { name: 'next', type: ['null', 'ns.Node'], default: null },
      ],
    });
    expect(findResolutionBreaks(t(list('int')), t(list('long'))).map((b) => `${b.code} ${b.path}`)).toEqual([
      'TYPE_MISMATCH value',
    ]);
  });

  it('given a logical type whose own rules refuse the writer, finds nothing for the caller to fall back on', () => {
    class Strict extends types.LogicalType {
      protected override _fromValue(value: unknown) {
        return value;
      }
      protected override _toValue(value: unknown) {
        return value;
      }
      protected override _resolve(type: Type) {
        return Type.isType(type, 'logical:strict') ? (value: unknown) => value : undefined;
      }
    }
    const reader = Type.forSchema({ type: 'string', logicalType: 'strict' } as never, {
      logicalTypes: { strict: Strict },
    });
    const result = resolve(reader, t({ type: 'record', name: 'R', fields: [] }));
    expect(result).toEqual({ ok: false, error: expect.stringContaining('cannot read') });
    expect(findResolutionBreaks(reader, t('string'))).toEqual([]);
    expect(resolve(reader, t('string')).ok).toBe(false);
  });
});
