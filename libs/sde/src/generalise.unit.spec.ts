import { epochDay } from '@crosscare/events';
import { generaliseDate, generalisePostcode, generaliseTime } from './generalise';
import { GEOGRAPHY_LEVELS } from './sde-project';

const day = (year: number, month: number, date: number) => epochDay(year, month, date) as number;

describe('generaliseDate', () => {
  it.each([
    ['day', '2026-03-14'],
    ['month', '2026-03'],
    ['year-month', '2026-03'],
    ['year', '2026'],
  ] as const)('cuts an Avro date to %s precision', (precision, expected) => {
    expect(generaliseDate(day(2026, 3, 14), precision)).toBe(expected);
  });

  it('takes a Date (avsc logical types) as well as days since the epoch', () => {
    expect(generaliseDate(new Date(Date.UTC(2026, 2, 14)), 'month')).toBe('2026-03');
  });

  it.each([
    ['day', '2024-02-29'],
    ['month', '2024-02'],
    ['year', '2024'],
  ] as const)('keeps a leap day at %s precision', (precision, expected) => {
    expect(generaliseDate(day(2024, 2, 29), precision)).toBe(expected);
  });

  it('is right at the epoch and either side of it', () => {
    expect(generaliseDate(0, 'day')).toBe('1970-01-01');
    expect(generaliseDate(-1, 'day')).toBe('1969-12-31');
    expect(generaliseDate(-1, 'year')).toBe('1969');
    expect(generaliseDate(-1, 'year-month')).toBe('1969-12');
    expect(generaliseDate(1, 'month')).toBe('1970-01');
  });

  it('is right on the last and first days of years and months', () => {
    expect(generaliseDate(day(1999, 12, 31), 'year')).toBe('1999');
    expect(generaliseDate(day(2000, 1, 1), 'year')).toBe('2000');
    expect(generaliseDate(day(1952, 7, 31), 'year-month')).toBe('1952-07');
    expect(generaliseDate(day(1952, 8, 1), 'year-month')).toBe('1952-08');
  });
});

describe('generaliseTime', () => {
  it.each([
    ['day', '2025-03-30'],
    ['month', '2025-03'],
    ['year', '2025'],
  ] as const)('releases a time as its UTC day at %s precision, never the time', (precision, expected) => {
    // 23:30 UTC is 00:30 BST the next day: the header's times are UTC, so the UTC day it is.
    const late = Date.UTC(2025, 2, 30, 23, 30);
    expect(generaliseTime(late, precision)).toBe(expected);
    expect(generaliseTime(new Date(late), precision)).toBe(expected);
  });

  it('is right at the epoch and a millisecond before it', () => {
    expect(generaliseTime(0, 'day')).toBe('1970-01-01');
    expect(generaliseTime(-1, 'day')).toBe('1969-12-31');
    expect(generaliseTime(86_400_000 - 1, 'day')).toBe('1970-01-01');
  });
});

describe('generalisePostcode', () => {
  it.each([
    ['B15 2TT', 'B', 'B15', 'B15 2'],
    ['SW1A 1AA', 'SW', 'SW1A', 'SW1A 1'],
    ['M1 1AE', 'M', 'M1', 'M1 1'],
    ['DY1 1AA', 'DY', 'DY1', 'DY1 1'],
    ['WV10 9TQ', 'WV', 'WV10', 'WV10 9'],
  ])('cuts %s to area %s, district %s and sector %s', (postcode, area, district, sector) => {
    expect(GEOGRAPHY_LEVELS.map((level) => generalisePostcode(postcode, level))).toEqual([
      area,
      district,
      sector,
    ]);
  });

  it.each(['b15 2tt', 'B152TT', 'b152tt', '  B15   2TT ', 'b15\t2tt'])('reads %p as B15 2TT', (written) => {
    expect(generalisePostcode(written, 'sector')).toBe('B15 2');
    expect(generalisePostcode(written, 'district')).toBe('B15');
    expect(generalisePostcode(written, 'area')).toBe('B');
  });

  it.each([
    '12 Example Road',
    'B15',
    'B15 2',
    'B15 2T',
    'B15 2TTT',
    'Birmingham',
    '15B 2TT',
    '',
    null,
    undefined,
  ])('withholds %p: not a postcode', (value) => {
    for (const level of GEOGRAPHY_LEVELS) expect(generalisePostcode(value, level)).toBeNull();
  });

  it('never releases the unit (the last two letters): at most the outward code and the sector digit', () => {
    for (const postcode of ['B15 2TT', 'SW1A 1AA', 'b152tt', 'WV10 9TQ']) {
      const whole = postcode.replace(/\s/g, '').toUpperCase();
      for (const level of GEOGRAPHY_LEVELS) {
        const released = (generalisePostcode(postcode, level) ?? '').replace(/\s/g, '');
        expect(whole.startsWith(released)).toBe(true);
        expect(released.length).toBeLessThanOrEqual(whole.length - 2);
      }
    }
  });
});
