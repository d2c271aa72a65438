import { isBritishSummerTime, londonWallClockToEpochMillis } from './europe-london';

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** Europe/London wall-clock fields of an instant, from the ICU time zone database, to check the pure rule against. */
function londonWallClock(epochMillis: number): [number, number, number, number, number] {
  const parts = LONDON.formatToParts(new Date(epochMillis));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return [part('year'), part('month'), part('day'), part('hour'), part('minute')];
}

describe('londonWallClockToEpochMillis', () => {
  it('given a winter time, when converted, then it is GMT (UTC+0)', () => {
    expect(londonWallClockToEpochMillis(2024, 1, 15, 22, 15)).toBe(Date.UTC(2024, 0, 15, 22, 15));
  });

  it('given a summer time, when converted, then it is BST (UTC+1)', () => {
    expect(londonWallClockToEpochMillis(2024, 6, 14, 9, 28)).toBe(Date.UTC(2024, 5, 14, 8, 28));
  });

  it('given the minute before and after BST starts (31 March 2024), when converted, then the offset changes at 01:00 GMT', () => {
    expect(londonWallClockToEpochMillis(2024, 3, 31, 0, 59)).toBe(Date.UTC(2024, 2, 31, 0, 59));
    expect(londonWallClockToEpochMillis(2024, 3, 31, 2, 0)).toBe(Date.UTC(2024, 2, 31, 1, 0));
  });

  it('given a time in the hour skipped in March, when converted, then it is read as GMT', () => {
    expect(londonWallClockToEpochMillis(2024, 3, 31, 1, 30)).toBe(Date.UTC(2024, 2, 31, 1, 30));
  });

  it('given a time in the hour repeated in October (27 October 2024), when converted, then it is its first (BST) occurrence', () => {
    expect(londonWallClockToEpochMillis(2024, 10, 27, 1, 30)).toBe(Date.UTC(2024, 9, 27, 0, 30));
    expect(londonWallClockToEpochMillis(2024, 10, 27, 2, 0)).toBe(Date.UTC(2024, 9, 27, 2, 0));
  });

  it('given every half hour around each change of clock from 2000 to 2040, when converted back, then it agrees with the tz database', () => {
    for (let year = 2000; year <= 2040; year++) {
      for (const month of [2, 9]) {
        const start = Date.UTC(year, month, 24);
        for (let t = start; t < start + 9 * 86_400_000; t += 1_800_000) {
          const [y, mo, d, h, mi] = londonWallClock(t);
          const converted = londonWallClockToEpochMillis(y, mo, d, h, mi);
          // In the repeated October hour both instants show the same wall clock: the rule picks the first one.
          const expected =
            londonWallClock(t - 3_600_000).join() === [y, mo, d, h, mi].join() ? t - 3_600_000 : t;
          expect(new Date(converted).toISOString()).toBe(new Date(expected).toISOString());
        }
      }
    }
  });
});

describe('isBritishSummerTime', () => {
  it('given instants either side of the 2025 changes, when asked, then BST runs from 30 March to 26 October', () => {
    expect(isBritishSummerTime(Date.UTC(2025, 2, 30, 0, 59))).toBe(false);
    expect(isBritishSummerTime(Date.UTC(2025, 2, 30, 1, 0))).toBe(true);
    expect(isBritishSummerTime(Date.UTC(2025, 9, 26, 0, 59))).toBe(true);
    expect(isBritishSummerTime(Date.UTC(2025, 9, 26, 1, 0))).toBe(false);
  });
});
