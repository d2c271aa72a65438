import { Type, types } from 'avsc';
import {
  checkCompatibility,
  COMPATIBILITY_LEVELS,
  isCompatibilityLevel,
  type PreviousVersion,
} from './compatibility';
import { base, MATRIX, replacing, severity, without, type Field } from './compatibility-matrix.fixture';

const t = (schema: unknown) => Type.forSchema(schema as Parameters<typeof Type.forSchema>[0]);
const record = (fields: Field[]) => t({ type: 'record', name: 'Prescribed', namespace: 'ns', fields });
const versions = (...schemas: Type[]): PreviousVersion[] =>
  schemas.map((type, i) => ({ version: i + 1, type }));

describe('checkCompatibility: one change against one previous version', () => {
  const cases = MATRIX.flatMap((row) =>
    COMPATIBILITY_LEVELS.map((level) => ({ ...row, level, expected: row.verdicts[level] })),
  );

  it.each(cases)(
    'given "$change" under $level, compatible is $expected',
    ({ before, after, level, expected, breaks }) => {
      const result = checkCompatibility(record(after), versions(record(before)), level);
      expect(result.compatible).toBe(expected);
      if (expected) {
        expect(result.messages).toEqual([]);
      } else {
        expect(result.messages.length).toBeGreaterThan(0);
        for (const message of result.messages) {
          expect(message).toContain(`'${breaks}'`);
          expect(message).toContain(`${level} check against version 1`);
        }
      }
    },
  );

  it('keeps the table coherent: FULL is BACKWARD and FORWARD, and NONE always passes', () => {
    for (const { verdicts } of MATRIX) {
      expect(verdicts.FULL).toBe(verdicts.BACKWARD && verdicts.FORWARD);
      expect(verdicts.FULL_TRANSITIVE).toBe(verdicts.FULL);
      expect(verdicts.BACKWARD_TRANSITIVE).toBe(verdicts.BACKWARD);
      expect(verdicts.FORWARD_TRANSITIVE).toBe(verdicts.FORWARD);
      expect(verdicts.NONE).toBe(true);
    }
  });
});

describe('checkCompatibility: messages', () => {
  it('given a backward break, says the new schema cannot read the old data, and why', () => {
    const result = checkCompatibility(
      record([...base, { name: 'site', type: 'string' }]),
      versions(record(base)),
      'BACKWARD',
    );
    expect(result.messages).toEqual([
      "READER_FIELD_MISSING_DEFAULT_VALUE: field 'site' (ns.Prescribed) is in the reader schema but not in the writer " +
        'schema and has no default (BACKWARD check against version 1: the new schema cannot read data written with version 1)',
    ]);
  });

  it('given a forward break, says the old version cannot read the new data, and why', () => {
    const result = checkCompatibility(
      record(replacing('dose', { name: 'dose', type: 'long' })),
      versions(record(base)),
      'FORWARD',
    );
    expect(result.messages).toEqual([
      "TYPE_MISMATCH: field 'dose' is 'long' in the writer schema but 'int' in the reader schema: an int reader cannot " +
        'read long data (FORWARD check against version 1: version 1 cannot read data written with the new schema)',
    ]);
  });

  it('given a break in both directions under FULL, returns one message per direction', () => {
    const after = replacing('dose', { name: 'dose', type: 'string' });
    const { messages } = checkCompatibility(record(after), versions(record(base)), 'FULL');
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('the new schema cannot read data written with version 1');
    expect(messages[1]).toContain('version 1 cannot read data written with the new schema');
  });

  it('given several breaking fields in one direction, names them all in one message', () => {
    const after = [...without('route'), { name: 'site', type: 'string' }, { name: 'unit', type: 'string' }];
    const { messages } = checkCompatibility(record(after), versions(record(base)), 'BACKWARD');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("field 'site'");
    expect(messages[0]).toContain("field 'unit'");
  });

  it('given a change inside a record inside an array, names the path through the array', () => {
    const line = (dose: string) => ({ type: 'record', name: 'Line', fields: [{ name: 'dose', type: dose }] });
    const order = (dose: string) => record([{ name: 'lines', type: { type: 'array', items: line(dose) } }]);
    const { compatible, messages } = checkCompatibility(order('long'), versions(order('int')), 'FORWARD');
    expect(compatible).toBe(false);
    expect(messages[0]).toMatch(
      /^TYPE_MISMATCH: field 'lines\[\]\.dose' is 'long' in the writer schema but 'int'/,
    );
  });

  it('given a new field inside a nested record, names it by its dotted path', () => {
    const header = (fields: Field[]) => ({ type: 'record', name: 'EventHeader', fields });
    const eventId = { name: 'eventId', type: 'string' };
    const before = record([{ name: 'header', type: header([eventId]) }]);
    const after = record([
      { name: 'header', type: header([eventId, { name: 'causationId', type: 'string' }]) },
    ]);
    const { messages } = checkCompatibility(after, versions(before), 'BACKWARD');
    expect(messages).toEqual([
      expect.stringMatching(
        /^READER_FIELD_MISSING_DEFAULT_VALUE: field 'header\.causationId' \(ns\.EventHeader\)/,
      ),
    ]);
  });

  it('given a record renamed without an alias, reports a name mismatch both ways under FULL', () => {
    const renamed = t({ type: 'record', name: 'ns.Administered', fields: base });
    const { messages } = checkCompatibility(renamed, versions(record(base)), 'FULL');
    expect(messages).toHaveLength(2);
    expect(messages.every((m) => m.startsWith('NAME_MISMATCH: the top-level record'))).toBe(true);
  });

  it('given a break the walker cannot place, falls back to the avsc error rather than an empty message', () => {
    // Every JSON schema break has a place; a logical type with its own resolution rule is one that doesn't.
    class Strict extends types.LogicalType {
      protected override _fromValue(value: unknown) {
        return value;
      }
      protected override _toValue(value: unknown) {
        return value;
      }
      protected override _resolve() {
        return undefined;
      }
    }
    const strict = Type.forSchema({ type: 'string', logicalType: 'strict' } as never, {
      logicalTypes: { strict: Strict },
    });
    const { compatible, messages } = checkCompatibility(strict, versions(t('string')), 'BACKWARD');
    expect(compatible).toBe(false);
    expect(messages).toEqual([
      expect.stringMatching(/^INCOMPATIBLE: cannot read "string" as .* \(BACKWARD check against version 1/),
    ]);
  });
});

describe('checkCompatibility: transitive levels', () => {
  it('given a default added in v2 and dropped in v3, passes BACKWARD but fails BACKWARD_TRANSITIVE on v1', () => {
    const id = { name: 'id', type: 'string' };
    const [v1, v2, v3] = [
      record([id]),
      record([id, { name: 'site', type: 'string', default: 'arm' }]),
      record([id, { name: 'site', type: 'string' }]),
    ];
    expect(checkCompatibility(v2, versions(v1), 'BACKWARD_TRANSITIVE').compatible).toBe(true);
    expect(checkCompatibility(v3, versions(v1, v2), 'BACKWARD').compatible).toBe(true);
    const transitive = checkCompatibility(v3, versions(v1, v2), 'BACKWARD_TRANSITIVE');
    expect(transitive.compatible).toBe(false);
    expect(transitive.messages).toEqual([
      expect.stringMatching(
        /^READER_FIELD_MISSING_DEFAULT_VALUE: field 'site' .*BACKWARD_TRANSITIVE check against version 1:/,
      ),
    ]);
  });

  it('given a field given a default in v2 and removed in v3, passes FORWARD but fails FORWARD_TRANSITIVE on v1', () => {
    const id = { name: 'id', type: 'string' };
    const [v1, v2, v3] = [
      record([id, { name: 'route', type: 'string' }]),
      record([id, { name: 'route', type: 'string', default: 'oral' }]),
      record([id]),
    ];
    expect(checkCompatibility(v2, versions(v1), 'FORWARD_TRANSITIVE').compatible).toBe(true);
    expect(checkCompatibility(v3, versions(v1, v2), 'FORWARD').compatible).toBe(true);
    const transitive = checkCompatibility(v3, versions(v1, v2), 'FORWARD_TRANSITIVE');
    expect(transitive.compatible).toBe(false);
    expect(transitive.messages).toEqual([
      expect.stringMatching(
        /^READER_FIELD_MISSING_DEFAULT_VALUE: field 'route' .*FORWARD_TRANSITIVE check against version 1: version 1 cannot read/,
      ),
    ]);
  });

  it('given a field removed in v2 and re-added with another type in v3, passes FULL but fails FULL_TRANSITIVE both ways on v1', () => {
    const id = { name: 'id', type: 'string' };
    const [v1, v2, v3] = [
      record([id, { name: 'code', type: 'int', default: 0 }]),
      record([id]),
      record([id, { name: 'code', type: 'string', default: '' }]),
    ];
    expect(checkCompatibility(v2, versions(v1), 'FULL_TRANSITIVE').compatible).toBe(true);
    expect(checkCompatibility(v3, versions(v1, v2), 'FULL').compatible).toBe(true);
    const transitive = checkCompatibility(v3, versions(v1, v2), 'FULL_TRANSITIVE');
    expect(transitive.compatible).toBe(false);
    expect(transitive.messages).toEqual([
      expect.stringMatching(
        /^TYPE_MISMATCH: field 'code' is 'int' in the writer .* against version 1: the new schema cannot read/,
      ),
      expect.stringMatching(
        /^TYPE_MISMATCH: field 'code' is 'string' in the writer .* against version 1: version 1 cannot read/,
      ),
    ]);
  });

  it('given several breaking versions, returns one message per (direction, version) pair, oldest first', () => {
    const [v1, v2, v3] = [
      record([{ name: 'a', type: 'string' }]),
      record([{ name: 'a', type: 'bytes' }]),
      record([{ name: 'a', type: 'int' }]),
    ];
    const { messages } = checkCompatibility(v3, versions(v1, v2), 'FULL_TRANSITIVE');
    expect(messages.map((m) => m.match(/against version (\d)/)?.[1])).toEqual(['1', '1', '2', '2']);
  });

  it('given previous versions out of order, treats the highest version as the latest', () => {
    const id = { name: 'id', type: 'string' };
    const older = { version: 1, type: record([id]) };
    const latest = { version: 2, type: record([id, { name: 'site', type: 'string' }]) };
    const candidate = record([id, { name: 'site', type: 'string' }]);
    expect(checkCompatibility(candidate, [latest, older], 'BACKWARD').compatible).toBe(true);
  });
});

describe('checkCompatibility: edge cases', () => {
  it.each(COMPATIBILITY_LEVELS)('given no previous versions under %s, is compatible', (level) => {
    expect(checkCompatibility(record(base), [], level)).toEqual({ compatible: true, messages: [] });
  });

  it('given NONE, accepts even an unrelated schema', () => {
    expect(checkCompatibility(t('string'), versions(record(base)), 'NONE')).toEqual({
      compatible: true,
      messages: [],
    });
  });

  it('given an enum with a default, lets an old reader take new symbols', () => {
    const withDefault = (symbols: string[]) =>
      record([{ name: 'severity', type: { ...severity(symbols), default: 'MILD' } }]);
    expect(
      checkCompatibility(withDefault(['MILD', 'FATAL']), versions(withDefault(['MILD'])), 'FULL').compatible,
    ).toBe(true);
  });

  it('given string and bytes, treats them as interchangeable like avsc does', () => {
    const a = (type: string) => record([{ name: 'a', type }]);
    expect(checkCompatibility(a('bytes'), versions(a('string')), 'FULL').compatible).toBe(true);
  });
});

describe('isCompatibilityLevel', () => {
  it('given each level, accepts it', () => {
    expect(COMPATIBILITY_LEVELS.every(isCompatibilityLevel)).toBe(true);
  });

  it('given a lower-case or unknown level, rejects it', () => {
    expect(isCompatibilityLevel('backward')).toBe(false);
    expect(isCompatibilityLevel('FULLY')).toBe(false);
    expect(isCompatibilityLevel('')).toBe(false);
  });
});
