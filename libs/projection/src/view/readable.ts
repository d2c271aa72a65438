import { MILLIS_PER_DAY, type CodedValue, type Period } from '@crosscare/events';

/** A code as the view shows it; a copy, so nothing else the decoder attached leaks into the JSON. */
export interface Code {
  readonly system: string;
  readonly code: string;
  readonly display: string | null;
}

/** A span of calendar days as ISO dates, both ends inclusive. */
export interface DateSpan {
  readonly start: string | null;
  readonly end: string | null;
}

/** An Avro date (days since 1970-01-01) as an ISO calendar date, e.g. 2025-03-01. */
export function isoDate(epochDays: number): string {
  return new Date(epochDays * MILLIS_PER_DAY).toISOString().slice(0, 10);
}

export function isoDateOrNull(epochDays: number | null): string | null {
  return epochDays === null ? null : isoDate(epochDays);
}

/** Epoch milliseconds as an ISO instant in UTC. */
export function isoInstant(epochMillis: number): string {
  return new Date(epochMillis).toISOString();
}

export function isoInstantOrNull(epochMillis: number | null): string | null {
  return epochMillis === null ? null : isoInstant(epochMillis);
}

export function codeOf(value: CodedValue): Code {
  return { system: value.system, code: value.code, display: value.display };
}

export function codeOrNull(value: CodedValue | null): Code | null {
  return value === null ? null : codeOf(value);
}

export function dateSpanOf(period: Period): DateSpan {
  return { start: isoDateOrNull(period.start), end: isoDateOrNull(period.end) };
}
