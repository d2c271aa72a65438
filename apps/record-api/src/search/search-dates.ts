export type DateComparator = 'ge' | 'gt' | 'le' | 'lt';
/** One bound on the resource's date: epoch ms, already widened/narrowed for the value's precision. */
export interface DateBound {
  readonly comparator: DateComparator;
  readonly at: number;
}
/** A FHIR date parameter's value as bounds (all must hold), or why it was refused. */
export type DateParse =
  | { readonly ok: true; readonly bounds: readonly DateBound[] }
  | { readonly ok: false; readonly code: 'value' | 'not-supported'; readonly message: string };

const DATE_VALUE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;
const DATE_FORMS =
  'use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.sss]] with Z or ±hh:mm, after an optional prefix ' +
  'eq, ge, gt, le, lt, sa or eb';
const ge = (at: number): DateBound => ({ comparator: 'ge', at });
const lt = (at: number): DateBound => ({ comparator: 'lt', at });
/**
 * Each prefix as bounds on the range [start, end) its value stands for (FHIR compares ranges). sa (starts after)
 * and eb (ends before) are gt and lt: a resource's date is one instant.
 */
const PREFIX_BOUNDS = new Map<string, (start: number, end: number) => DateBound[]>([
  ['eq', (start, end) => [ge(start), lt(end)]],
  ['ge', (start) => [ge(start)]],
  ['gt', (_, end) => [ge(end)]],
  ['le', (_, end) => [lt(end)]],
  ['lt', (start) => [lt(start)]],
  ['sa', (_, end) => [ge(end)]],
  ['eb', (start) => [lt(start)]],
]);

/**
 * One value of the date parameter `name` (named in the refusals): an optional prefix, then a date at the precision
 * it is given. A value without a prefix is eq: the whole year, month, day or time it stands for.
 */
export function parseDate(name: string, given: string): DateParse {
  if (given.includes(',')) {
    const message = `alternative dates (commas) are not supported; repeat ${name} to AND`;
    return { ok: false, code: 'not-supported', message };
  }
  const prefix = given.slice(0, 2);
  if (prefix === 'ne' || prefix === 'ap') {
    return { ok: false, code: 'not-supported', message: `the ${prefix} prefix is not supported` };
  }
  const bounds = PREFIX_BOUNDS.get(prefix);
  const range = dateRange(bounds === undefined ? given : given.slice(2));
  if (range === null) {
    return { ok: false, code: 'value', message: `${JSON.stringify(given)} is not a date: ${DATE_FORMS}` };
  }
  return { ok: true, bounds: (bounds ?? PREFIX_BOUNDS.get('eq')!)(range.start, range.end) };
}

/** The span a FHIR date stands for; a date without a time is a UTC day, month or year. */
function dateRange(value: string): { readonly start: number; readonly end: number } | null {
  const match = DATE_VALUE.exec(value) as (string | undefined)[] | null;
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, fraction, zone = ''] = match;
  const [year, month, day] = [Number(y), Number(mo ?? 1), Number(d ?? 1)];
  if (year === 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (h === undefined) {
    const start = utc(year, month - 1, day);
    if (d !== undefined) return { start, end: utc(year, month - 1, day + 1) };
    return { start, end: mo !== undefined ? utc(year, month, 1) : utc(year + 1, 0, 1) };
  }
  const [hour, minute, second] = [Number(h), Number(mi), Number(s ?? 0)];
  const offset = offsetMinutes(zone);
  if (hour > 23 || minute > 59 || second > 59 || offset === null) return null;
  const millis = Number((fraction ?? '0').padEnd(3, '0'));
  const step = fraction !== undefined ? 10 ** (3 - fraction.length) : s !== undefined ? 1000 : 60_000;
  const start = utc(year, month - 1, day, hour, minute, second, millis) - offset * 60_000;
  return { start, end: start + step };
}

function offsetMinutes(zone: string): number | null {
  if (zone === 'Z') return 0;
  const [hours, minutes] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
  if (hours > 14 || minutes > 59) return null;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear does not. */
function utc(year: number, month: number, day: number, h = 0, m = 0, s = 0, ms = 0): number {
  const at = new Date(0);
  at.setUTCFullYear(year, month, day);
  at.setUTCHours(h, m, s, ms);
  return at.getTime();
}
