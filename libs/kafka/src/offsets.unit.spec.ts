import { nextOffset } from './offsets';

describe('nextOffset', () => {
  it('names the message after the one processed', () => {
    expect(nextOffset('0')).toBe('1');
    expect(nextOffset('41')).toBe('42');
  });

  it('stays exact beyond the range of a JavaScript number (offsets are int64)', () => {
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
  });
});
