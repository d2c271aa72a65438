import { epochDay } from '@crosscare/events';
import { londonWallClockToEpochMillis } from './europe-london';

/**
 * An HL7 v2 date/time (DTM, or the first component of TS) as the sender wrote it: calendar fields of its wall clock
 * and, when it sent one, its offset from UTC.
 */
export interface Hl7Timestamp {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Null when only a date was sent. */
  readonly hour: number | null;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** Minutes east of UTC; null when the sender sent no offset (UK systems then mean Europe/London time). */
  readonly offsetMinutes: number | null;
}

// YYYYMMDD[HH[MM[SS[.S[S[S[S]]]]]]][+/-ZZZZ]. HL7 also allows YYYY and YYYYMM, which name no day: Crosscare needs
// at least a day for every date and instant it carries, so those are refused like any malformed value.
const TIMESTAMP =
  /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?(?:([+-])(\d{2})(\d{2}))?$/;

/** The timestamp, or null when the text is not a valid HL7 date/time with at least a day. */
export function parseHl7Timestamp(text: string): Hl7Timestamp | null {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, sign, offsetHours, offsetMinutes] = match;
  const timestamp: Hl7Timestamp = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: h === undefined ? null : Number(h),
    minute: mi === undefined ? 0 : Number(mi),
    second: s === undefined ? 0 : Number(s),
    millisecond: fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000),
    offsetMinutes:
      sign === undefined
        ? null
        : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)),
  };
  return isValidTimestamp(timestamp, Number(offsetHours ?? 0), Number(offsetMinutes ?? 0)) ? timestamp : null;
}

/** The instant the timestamp names; without an offset it is Europe/London wall-clock time. */
export function hl7TimestampToEpochMillis(timestamp: Hl7Timestamp): number {
  const { year, month, day, hour, minute, second, millisecond, offsetMinutes } = timestamp;
  if (offsetMinutes === null) {
    return londonWallClockToEpochMillis(year, month, day, hour ?? 0, minute, second, millisecond);
  }
  return Date.UTC(year, month - 1, day, hour ?? 0, minute, second, millisecond) - offsetMinutes * 60_000;
}

/**
 * The calendar day as written (days since 1970-01-01), ignoring any time and offset: a birth or death date is the
 * date on the sender's calendar, not the UTC date of some instant.
 */
export function hl7TimestampToEpochDay(timestamp: Hl7Timestamp): number {
  // parseHl7Timestamp only makes timestamps of real days.
  return epochDay(timestamp.year, timestamp.month, timestamp.day)!;
}

/** Epoch milliseconds of an HL7 date/time, or null when it is malformed. */
export function parseHl7Instant(text: string): number | null {
  const timestamp = parseHl7Timestamp(text);
  return timestamp && hl7TimestampToEpochMillis(timestamp);
}

/** Days since 1970-01-01 of an HL7 date (a time, if sent, is ignored), or null when it is malformed. */
export function parseHl7Date(text: string): number | null {
  const timestamp = parseHl7Timestamp(text);
  return timestamp && hl7TimestampToEpochDay(timestamp);
}

/** An instant as an HL7 date/time in UTC with an explicit +0000 offset, so no reader has to guess the zone. */
export function formatHl7Instant(epochMillis: number): string {
  const iso = new Date(epochMillis).toISOString(); // 2024-06-14T08:28:00.000Z
  return `${iso.slice(0, 19).replace(/[-:T]/g, '')}+0000`;
}

function isValidTimestamp(timestamp: Hl7Timestamp, offsetHours: number, offsetMinutes: number): boolean {
  const { year, month, day, hour, minute, second } = timestamp;
  return (
    year >= 1000 &&
    epochDay(year, month, day) !== undefined &&
    (hour === null || hour <= 23) &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 14 &&
    offsetMinutes <= 59
  );
}
