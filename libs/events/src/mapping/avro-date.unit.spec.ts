import { epochDay, MILLIS_PER_DAY } from './avro-date';

describe('epochDay', () => {
  it('gives days since 1970-01-01 for real days, either side of the epoch', () => {
    expect(epochDay(1970, 1, 1)).toBe(0);
    expect(epochDay(2024, 2, 29)).toBe(Date.UTC(2024, 1, 29) / MILLIS_PER_DAY);
    expect(epochDay(1955, 1, 1)).toBe(-5479);
  });

  it.each([
    [2023, 2, 29],
    [2024, 2, 30],
    [2024, 4, 31],
    [2024, 13, 1],
    [2024, 0, 10],
    [2024, 1, 0],
    [99, 1, 1],
  ])('refuses %i-%i-%i, which is not a real day (or would be misdated)', (y, m, d) => {
    expect(epochDay(y, m, d)).toBeUndefined();
  });
});
