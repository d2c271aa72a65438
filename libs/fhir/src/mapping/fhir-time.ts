import { epochDay, MILLIS_PER_DAY } from '@crosscare/events';
import type { IssueLog } from '../validation/issue-log';

/**
 * FHIR date, dateTime and instant share one shape: a year, optionally month and day, optionally a time with seconds
 * and a zone. Structural validation has checked the format; this checks the calendar (no 30 February).
 */
const FHIR_DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))?)?)?)?$/;

export interface FhirTime {
  /** Epoch millis; a partial date stands for its first instant (2019-03 → 1 March 2019 00:00 UTC). */
  readonly millis: number;
  /** Days since epoch of the calendar date as written, before any zone shift. */
  readonly days: number;
  readonly hasTime: boolean;
}

/** Null when the value is not a real date or time. */
export function parseFhirTime(value: string): FhirTime | null {
  const match = FHIR_DATE_TIME.exec(value.trim());
  if (!match) return null;
  const [, y, mo = '01', d = '01', h, mi, s = '00', fraction = '', , sign, zoneHours, zoneMinutes] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const days = epochDay(year, month, day);
  // No clinical record is older than 1800: an earlier year is a typing error, not history.
  if (days === undefined || year < 1800) return null;
  const dayStart = days * MILLIS_PER_DAY;
  if (h === undefined || mi === undefined) return { millis: dayStart, days, hasTime: false };
  const hours = Number(h);
  const minutes = Number(mi);
  const seconds = Number(s);
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = dayStart + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
  // A time without a zone is read as UTC: FHIR forbids it, and structural validation reports it before we get here.
  const offset =
    sign === undefined
      ? 0
      : (sign === '-' ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes)) * 60_000;
  return { millis: local - offset, days, hasTime: true };
}

/** Epoch millis of an optional element; absent → null, not a real date → null and an issue at `location`. */
export function instantOf(value: string | undefined, location: string, issues: IssueLog): number | null {
  return parsed(value, location, issues)?.millis ?? null;
}

/** Days since epoch of an optional element; absent → null, not a real date → null and an issue at `location`. */
export function dateOf(value: string | undefined, location: string, issues: IssueLog): number | null {
  return parsed(value, location, issues)?.days ?? null;
}

export function parsed(value: string | undefined, location: string, issues: IssueLog): FhirTime | null {
  if (value === undefined) return null;
  const time = parseFhirTime(value);
  if (time === null) issues.invalid(location, `${location}: '${value}' is not a real date or time`);
  return time;
}

/** The first element present among choices (onsetDateTime, onsetPeriod.start…), with its location under `at`. */
export function firstPresent(
  at: string,
  candidates: readonly (readonly [value: string | undefined, element: string])[],
): [value: string | undefined, location: string] {
  const found = candidates.find(([value]) => value !== undefined) ?? candidates[0];
  return [found[0], `${at}.${found[1]}`];
}

/** Days since epoch of an instant, for a date field whose source only gave a time. */
export function daysOfInstant(millis: number): number {
  return Math.floor(millis / MILLIS_PER_DAY);
}
