import type { OptOutChanged } from './opt-out-changed';
import { optOutStateOf } from './opt-out-state';
import { optOutKey, optOutMessage, parseOptOutKey } from './opt-outs-message';

const change = (nhsNumber: string, kind: OptOutChanged['kind'], status: OptOutChanged['status']) =>
  ({ nhsNumber, kind, status }) as OptOutChanged;

describe('opt-out messages', () => {
  it('key each opt-out of a patient apart, the kind in lower kebab case, and partition by the NHS number', () => {
    expect(optOutKey('9990000018', 'NATIONAL_DATA_OPT_OUT')).toBe('9990000018/national-data-opt-out');
    expect(optOutKey('9990000018', 'TYPE_1')).toBe('9990000018/type-1');
    expect(optOutMessage(change('9990000018', 'TYPE_1', 'ACTIVE'))).toMatchObject({
      key: '9990000018/type-1',
      partitionKey: '9990000018',
    });
  });

  it('read their keys back', () => {
    for (const kind of ['NATIONAL_DATA_OPT_OUT', 'TYPE_1', 'UNKNOWN'] as const)
      expect(parseOptOutKey(optOutKey('9990000026', kind))).toEqual({ nhsNumber: '9990000026', kind });
  });

  it.each(['9990000018', '9990000018/type-2', '9990000018/type-1/x', 'abc/type-1', ''])(
    'refuse %p as an opt-out key',
    (key) => {
      expect(() => parseOptOutKey(key)).toThrow('is not an opt-out key');
    },
  );
});

describe("the opt-out topic's state", () => {
  it('is the latest status of each key of the kind asked for; a tombstone forgets the key', () => {
    const records = [
      {
        key: '9990000018/national-data-opt-out',
        value: change('9990000018', 'NATIONAL_DATA_OPT_OUT', 'ACTIVE'),
      },
      { key: '9990000018/type-1', value: change('9990000018', 'TYPE_1', 'ACTIVE') },
      {
        key: '9990000026/national-data-opt-out',
        value: change('9990000026', 'NATIONAL_DATA_OPT_OUT', 'ACTIVE'),
      },
      {
        key: '9990000018/national-data-opt-out',
        value: change('9990000018', 'NATIONAL_DATA_OPT_OUT', 'WITHDRAWN'),
      },
      { key: '9990000026/national-data-opt-out', value: null },
    ];

    expect(optOutStateOf(records, 'NATIONAL_DATA_OPT_OUT')).toEqual(new Map([['9990000018', 'WITHDRAWN']]));
    expect(optOutStateOf(records, 'TYPE_1')).toEqual(new Map([['9990000018', 'ACTIVE']]));
  });
});
