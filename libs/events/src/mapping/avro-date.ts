/** Milliseconds in a UTC day: an Avro `date` is a count of these since 1970-01-01. */
export const MILLIS_PER_DAY = 86_400_000;

/**
 * The Avro `date` (days since 1970-01-01) of a calendar day, or undefined when year, month and day name no real day.
 * Every format's adapter checks its dates here, because `Date.UTC` accepts 30 February (rolling it into March) and
 * maps years below 100 into the 1900s without a word.
 */
export function epochDay(year: number, month: number, day: number): number | undefined {
  if (!Number.isInteger(year) || year < 100 || month < 1 || month > 12 || day < 1) return undefined;
  const millis = Date.UTC(year, month - 1, day);
  const date = new Date(millis);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return millis / MILLIS_PER_DAY;
}
