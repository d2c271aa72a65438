const HOUR_MS = 3_600_000;

/**
 * The instant a wall-clock time in Europe/London names. HL7 v2 timestamps from UK systems usually carry no offset and
 * mean local time, which is GMT in winter and BST (UTC+1) from 01:00 UTC on the last Sunday of March to 01:00 UTC on
 * the last Sunday of October. A small pure rule instead of Intl: the result must not depend on the ICU data or the
 * time zone of the machine that runs ingest.
 *
 * The two edge cases of a change of clock are resolved deterministically:
 * - a time in the hour skipped in March (01:00–01:59) is read as GMT, i.e. the instant the clock shows 02:xx BST;
 * - a time in the hour repeated in October (01:00–01:59) is read as BST, its first occurrence.
 *
 * The rule is the one in force since 1996; times before then (in practice only birth times) may be an hour out.
 */
export function londonWallClockToEpochMillis(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): number {
  const asIfUtc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  const ifSummerTime = asIfUtc - HOUR_MS;
  return isBritishSummerTime(ifSummerTime) ? ifSummerTime : asIfUtc;
}

/** Whether clocks in the UK show BST at the given instant. */
export function isBritishSummerTime(epochMillis: number): boolean {
  const year = new Date(epochMillis).getUTCFullYear();
  return epochMillis >= lastSundayAt0100Utc(year, 2) && epochMillis < lastSundayAt0100Utc(year, 9);
}

function lastSundayAt0100Utc(year: number, monthIndex: number): number {
  const lastDayOfMonth = new Date(Date.UTC(year, monthIndex + 1, 0));
  const lastSunday = lastDayOfMonth.getUTCDate() - lastDayOfMonth.getUTCDay();
  return Date.UTC(year, monthIndex, lastSunday, 1);
}
