import { createHash } from 'node:crypto';
import { Type } from 'avsc';
import { canonicalForm, displayForm, fingerprint } from './canonical-form';

const record = (fields: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'record',
  name: 'Dose',
  namespace: 'ns',
  fields,
  ...extra,
});
const same = (a: unknown, b: unknown) => expect(canonicalForm(a)).toBe(canonicalForm(b));
const different = (a: unknown, b: unknown) => expect(canonicalForm(a)).not.toBe(canonicalForm(b));

describe('canonicalForm', () => {
  it('given any schema, writes compact JSON with sorted keys and full names', () => {
    expect(canonicalForm(record([{ name: 'mg', type: 'int', doc: 'milligrams' }]))).toBe(
      '{"fields":[{"doc":"milligrams","name":"mg","type":"int"}],"name":"ns.Dose","type":"record"}',
    );
  });

  it('given the same schema with different whitespace, gives the same form', () => {
    const text = JSON.stringify(record([{ name: 'mg', type: 'int' }]));
    same(JSON.parse(text), JSON.parse(JSON.stringify(JSON.parse(text), null, 4)));
  });

  it('given the same schema with keys in another order, gives the same form', () => {
    same(record([{ name: 'mg', type: 'int', default: 0 }]), {
      fields: [{ default: 0, type: 'int', name: 'mg' }],
      namespace: 'ns',
      name: 'Dose',
      type: 'record',
    });
  });

  it('given a primitive written as {"type": ...} with no other attribute, treats it as the bare name', () => {
    same(record([{ name: 'mg', type: { type: 'int' } }]), record([{ name: 'mg', type: 'int' }]));
    same({ type: 'array', items: { type: 'string' } }, { type: 'array', items: 'string' });
    same(['null', { type: 'long' }], ['null', 'long']);
    same({ type: 'string' }, 'string');
  });

  it('given a primitive with another attribute, keeps the object form', () => {
    different({ type: 'string', logicalType: 'uuid' }, 'string');
    different({ type: 'string', 'connect.name': 'x' }, 'string');
  });

  it.each([
    ['doc', { doc: 'milligrams' }],
    ['default', { default: 0 }],
    ['aliases', { aliases: ['amount'] }],
    ['order', { order: 'descending' }],
  ])('given a field that differs only in %s, gives a different form', (_attribute, extra) => {
    different(record([{ name: 'mg', type: 'int' }]), record([{ name: 'mg', type: 'int', ...extra }]));
  });

  it('given a different default value, gives a different form', () => {
    different(
      record([{ name: 'mg', type: 'int', default: 0 }]),
      record([{ name: 'mg', type: 'int', default: 1 }]),
    );
  });

  it('given a type that differs only in doc or aliases, gives a different form', () => {
    different(record([]), record([], { doc: 'a dose' }));
    different(record([]), record([], { aliases: ['Amount'] }));
  });

  it('given a logical type annotation, gives a different form from the bare underlying type', () => {
    different(
      record([{ name: 'at', type: 'long' }]),
      record([{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }]),
    );
  });

  it('given the same fields in another order, gives a different form', () => {
    const a = { name: 'a', type: 'int' };
    const b = { name: 'b', type: 'int' };
    different(record([a, b]), record([b, a]));
  });

  it('given the same enum symbols in another order, gives a different form', () => {
    different(
      { type: 'enum', name: 'E', symbols: ['A', 'B'] },
      { type: 'enum', name: 'E', symbols: ['B', 'A'] },
    );
  });

  it('given a dotted name or a short name with a namespace, gives the same form', () => {
    same(
      { type: 'enum', name: 'ns.Severity', symbols: ['MILD'] },
      { type: 'enum', name: 'Severity', namespace: 'ns', symbols: ['MILD'] },
    );
    same(record([]), { type: 'record', name: 'ns.Dose', fields: [] });
  });

  it('given a dotted name and a namespace attribute, lets the dotted name win', () => {
    same(
      { type: 'fixed', name: 'a.Hash', namespace: 'other', size: 4 },
      { type: 'fixed', name: 'a.Hash', size: 4 },
    );
  });

  it('given a namespace change that changes the full name, gives a different form', () => {
    different(record([]), record([], { namespace: 'other' }));
    different(record([]), record([], { namespace: '' }));
  });

  it('given a nested type inheriting the namespace or naming it in full, gives the same form', () => {
    const inherited = record([{ name: 'unit', type: { type: 'enum', name: 'Unit', symbols: ['MG'] } }]);
    const explicit = record([{ name: 'unit', type: { type: 'enum', name: 'ns.Unit', symbols: ['MG'] } }]);
    same(inherited, explicit);
  });

  it('given a nested type in the null namespace, keeps it apart from the inherited one', () => {
    const inherited = record([{ name: 'unit', type: { type: 'enum', name: 'Unit', symbols: ['MG'] } }]);
    const global = record([
      { name: 'unit', type: { type: 'enum', name: 'Unit', namespace: '', symbols: ['MG'] } },
    ]);
    different(inherited, global);
    expect(canonicalForm(global)).toContain('"name":"Unit"');
  });

  it('given a reference by short name or by full name, gives the same form', () => {
    const unit = { type: 'enum', name: 'Unit', symbols: ['MG'] };
    same(
      record([
        { name: 'a', type: unit },
        { name: 'b', type: 'Unit' },
      ]),
      record([
        { name: 'a', type: unit },
        { name: 'b', type: 'ns.Unit' },
      ]),
    );
    same(
      record([
        { name: 'a', type: unit },
        { name: 'b', type: { type: 'array', items: ['null', 'Unit'] } },
      ]),
      record([
        { name: 'a', type: unit },
        { name: 'b', type: { type: 'array', items: ['null', 'ns.Unit'] } },
      ]),
    );
  });

  it('given a record alias relative to its namespace or in full, gives the same form', () => {
    same(record([], { aliases: ['Amount'] }), record([], { aliases: ['ns.Amount'] }));
    same(
      { type: 'record', name: 'ns.Dose', aliases: ['Amount'], fields: [] },
      record([], { aliases: ['ns.Amount'] }),
    );
  });

  it('given an enum with a dotted name and a relative alias, keeps the alias where avsc puts it', () => {
    // avsc qualifies enum and fixed aliases with the enclosing namespace, not the one a dotted name
    // implies, so these two enums resolve differently and must not share an id.
    const relative = { type: 'enum', name: 'ns.Severity', aliases: ['Grade'], symbols: ['MILD'] };
    const full = { type: 'enum', name: 'ns.Severity', aliases: ['ns.Grade'], symbols: ['MILD'] };
    const writer = Type.forSchema({ type: 'enum', name: 'ns.Grade', symbols: ['MILD'] });
    expect(() => Type.forSchema(relative as never).createResolver(writer)).toThrow();
    expect(() => Type.forSchema(full as never).createResolver(writer)).not.toThrow();
    different(relative, full);
  });

  it('given field aliases, leaves them unqualified', () => {
    expect(canonicalForm(record([{ name: 'mg', type: 'int', aliases: ['amount'] }]))).toContain(
      '"aliases":["amount"]',
    );
  });

  it('given a default holding an object, sorts its keys too', () => {
    same(
      record([{ name: 'r', type: { type: 'map', values: 'int' }, default: { b: 1, a: 2 } }]),
      record([{ name: 'r', type: { type: 'map', values: 'int' }, default: { a: 2, b: 1 } }]),
    );
  });
});

describe('displayForm', () => {
  it("given a schema, writes compact JSON in the submitter's key order", () => {
    const schema = JSON.parse(
      '{ "type": "record", "name": "Dose", "fields": [ { "type": "int", "name": "mg" } ] }',
    );
    expect(displayForm(schema)).toBe('{"type":"record","name":"Dose","fields":[{"type":"int","name":"mg"}]}');
  });
});

describe('fingerprint', () => {
  it('given a canonical form, is its sha256 in hex', () => {
    const canonical = canonicalForm(record([]));
    expect(fingerprint(canonical)).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(fingerprint(canonical)).toMatch(/^[0-9a-f]{64}$/);
  });
});
