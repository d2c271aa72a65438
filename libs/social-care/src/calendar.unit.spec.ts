import { epochDayOf, epochMillisOf } from './calendar';

describe('epochDayOf', () => {
  it('given ISO dates, when converted, then counts days since 1970-01-01', () => {
    expect(epochDayOf('1970-01-01')).toBe(0);
    expect(epochDayOf('1969-12-31')).toBe(-1);
    expect(epochDayOf('2024-02-29')).toBe(19782);
    expect(epochDayOf('2025-03-12')).toBe(20159);
  });

  it('given days that are not on the calendar or other spellings, when converted, then undefined', () => {
    for (const value of [
      '2025-02-29',
      '2024-02-30',
      '2025-13-01',
      '2025-00-10',
      '0099-01-01',
      '2025-3-1',
      '12/03/2025',
      '2025-03-12T00:00:00Z',
    ]) {
      expect(epochDayOf(value)).toBeUndefined();
    }
  });
});

describe('epochMillisOf', () => {
  it('given instants in Z or with an offset, when converted, then epoch millis of that instant', () => {
    expect(epochMillisOf('2025-03-14T09:30:00Z')).toBe(Date.UTC(2025, 2, 14, 9, 30));
    expect(epochMillisOf('2025-03-14T10:05:12.250Z')).toBe(Date.UTC(2025, 2, 14, 10, 5, 12, 250));
    expect(epochMillisOf('2025-07-01T09:30+01:00')).toBe(Date.UTC(2025, 6, 1, 8, 30));
    expect(epochMillisOf('2025-07-01T09:30:00.123456-05:30')).toBe(Date.UTC(2025, 6, 1, 15, 0, 0, 123));
  });

  it('given local times or impossible instants, when converted, then undefined', () => {
    for (const value of [
      '2025-03-14T09:30:00',
      '2025-03-14 09:30:00Z',
      '2025-03-14',
      '2025-02-30T09:30:00Z',
      '2025-03-14T24:00:00Z',
      '2025-03-14T09:60:00Z',
      '2025-03-14T09:30:00+15:00',
    ]) {
      expect(epochMillisOf(value)).toBeUndefined();
    }
  });
});
