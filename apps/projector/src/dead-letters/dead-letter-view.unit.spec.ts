import { DEAD_LETTER_HEADERS } from '../consumer/dead-letter-publisher';
import { parseDlqArguments } from '../cli/dlq-cli';
import {
  formatTable,
  parseDeadLetterId,
  selectForReplay,
  summarise,
  type StoredDeadLetter,
} from './dead-letter-view';

const letter = (id: string, reason = 'cannot decode: bad magic byte'): StoredDeadLetter => {
  const [partition, offset] = id.split(':');
  return {
    id,
    partition: Number(partition),
    offset,
    key: Buffer.from('9990000018'),
    value: Buffer.from('x'),
    headers: {
      [DEAD_LETTER_HEADERS.reason]: reason,
      [DEAD_LETTER_HEADERS.sourceTopic]: 'crosscare.qhl.record-changes.v1',
      [DEAD_LETTER_HEADERS.sourcePartition]: '2',
      [DEAD_LETTER_HEADERS.sourceOffset]: '41',
      [DEAD_LETTER_HEADERS.failedAt]: '2026-11-25T10:00:00.000Z',
    },
  };
};

describe('dead letters as the dlq command shows them', () => {
  it('summarises the source as topic[partition]@offset and keeps the reason whole', () => {
    expect(summarise(letter('0:7'))).toEqual({
      id: '0:7',
      failedAt: '2026-11-25T10:00:00.000Z',
      source: 'crosscare.qhl.record-changes.v1[2]@41',
      eventType: '-',
      reason: 'cannot decode: bad magic byte',
    });
  });

  it('prints a table with a header row, or says there are none', () => {
    expect(formatTable([])).toBe('no dead letters');
    const table = formatTable([summarise(letter('0:7')), summarise(letter('3:12', 'merge cycle'))]).split(
      '\n',
    );
    expect(table).toHaveLength(3);
    expect(table[0]).toMatch(/^ID\s+FAILED AT\s+SOURCE\s+EVENT TYPE\s+REASON$/);
    expect(table[2]).toMatch(/^3:12 .*merge cycle$/);
  });

  it('accepts ids as partition:offset only', () => {
    expect(parseDeadLetterId('3:12')).toEqual({ partition: 3, offset: '12' });
    expect(parseDeadLetterId('3')).toBeUndefined();
    expect(parseDeadLetterId('a:1')).toBeUndefined();
  });

  it('replays the named letters once each, all of them with --all, and names ids it does not know', () => {
    const letters = [letter('0:1'), letter('0:2'), letter('1:1')];
    expect(selectForReplay(letters, ['0:2', '0:2', '9:9'], false)).toEqual({
      selected: [letters[1]],
      unknown: ['9:9'],
    });
    expect(selectForReplay(letters, [], true).selected).toEqual(letters);
  });
});

describe('dlq command line', () => {
  it('parses list, show and replay for a collaborative', () => {
    expect(parseDlqArguments(['list', '--collaborative', 'CCR'])).toEqual({
      name: 'list',
      collaborative: 'CCR',
      ids: [],
      all: false,
    });
    expect(parseDlqArguments(['show', '0:4', '--collaborative', 'OHC']).ids).toEqual(['0:4']);
    expect(parseDlqArguments(['replay', '--all', '--collaborative', 'OHC']).all).toBe(true);
  });

  it('refuses what it cannot act on, saying why', () => {
    expect(() => parseDlqArguments(['purge'])).toThrow(/unknown command purge/);
    expect(() => parseDlqArguments(['list', '--collaborative', 'XYZ'])).toThrow(/CCR, OHC/);
    expect(() => parseDlqArguments(['show', '--collaborative', 'CCR'])).toThrow(/exactly one/);
    expect(() => parseDlqArguments(['replay', '--collaborative', 'CCR'])).toThrow(/ids or --all/);
    expect(() => parseDlqArguments(['replay', 'nonsense', '--collaborative', 'CCR'])).toThrow(/nonsense/);
  });
});
