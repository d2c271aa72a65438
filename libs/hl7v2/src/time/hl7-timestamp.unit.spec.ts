import { formatHl7Instant, parseHl7Date, parseHl7Instant, parseHl7Timestamp } from './hl7-timestamp';

describe('parseHl7Instant', () => {
  it.each([
    ['20240115', Date.UTC(2024, 0, 15)],
    ['2024011522', Date.UTC(2024, 0, 15, 22)],
    ['202401152215', Date.UTC(2024, 0, 15, 22, 15)],
    ['20240115221530', Date.UTC(2024, 0, 15, 22, 15, 30)],
    ['20240115221530.5', Date.UTC(2024, 0, 15, 22, 15, 30, 500)],
    ['20240115221530.1234', Date.UTC(2024, 0, 15, 22, 15, 30, 123)],
  ])(
    'given the GMT wall-clock time %s without offset, when parsed, then it is that UTC instant',
    (text, expected) => {
      expect(parseHl7Instant(text)).toBe(expected);
    },
  );

  it('given a summer time without offset, when parsed, then it is read as BST', () => {
    expect(parseHl7Instant('20240614092800')).toBe(Date.UTC(2024, 5, 14, 8, 28));
  });

  it('given a date only in summer, when parsed, then it is local midnight (23:00 UTC the day before)', () => {
    expect(parseHl7Instant('20240614')).toBe(Date.UTC(2024, 5, 13, 23));
  });

  it.each([
    ['20240614092800+0100', Date.UTC(2024, 5, 14, 8, 28)],
    ['20240614092800+0000', Date.UTC(2024, 5, 14, 9, 28)],
    ['20240614092800-0530', Date.UTC(2024, 5, 14, 14, 58)],
    ['202406140928+0100', Date.UTC(2024, 5, 14, 8, 28)],
  ])(
    'given %s with an explicit offset, when parsed, then the offset wins over Europe/London',
    (text, expected) => {
      expect(parseHl7Instant(text)).toBe(expected);
    },
  );

  it.each([
    '',
    '2024',
    '202406',
    '20241301',
    '20240230',
    '20240614250000',
    '20240614096000',
    '2024-06-14',
    '20240614+01',
    'NOW',
  ])('given the malformed value %j, when parsed, then it is null', (text) => {
    expect(parseHl7Instant(text)).toBeNull();
  });
});

describe('parseHl7Date', () => {
  it('given a birth date, when parsed, then it is days since 1970-01-01', () => {
    expect(parseHl7Date('19800314')).toBe(Date.UTC(1980, 2, 14) / 86_400_000);
    expect(parseHl7Date('19691231')).toBe(-1);
  });

  it('given a date with a late-evening time and offset, when parsed, then the calendar day as written is kept', () => {
    expect(parseHl7Date('202406142330+0100')).toBe(Date.UTC(2024, 5, 14) / 86_400_000);
  });

  it('given a leap day, when parsed, then it is accepted only in a leap year', () => {
    expect(parseHl7Date('20240229')).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
    expect(parseHl7Date('20230229')).toBeNull();
  });
});

describe('parseHl7Timestamp', () => {
  it('given a date only, when parsed, then it has no hour and no offset', () => {
    expect(parseHl7Timestamp('20240614')).toEqual({
      year: 2024,
      month: 6,
      day: 14,
      hour: null,
      minute: 0,
      second: 0,
      millisecond: 0,
      offsetMinutes: null,
    });
  });
});

describe('formatHl7Instant', () => {
  it('given an instant, when formatted, then it is UTC with an explicit +0000 offset that parses back', () => {
    const instant = Date.UTC(2024, 5, 14, 8, 28, 5);
    expect(formatHl7Instant(instant)).toBe('20240614082805+0000');
    expect(parseHl7Instant(formatHl7Instant(instant))).toBe(instant);
  });
});
