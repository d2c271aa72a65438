import type { BirthDatePrecision, EventDatePrecision, GeographyLevel } from './sde-project';

/** Avro `date` (days since the epoch) as YYYY-MM-DD. */
function isoDay(daysSinceEpoch: number): string {
  return new Date(daysSinceEpoch * 86_400_000).toISOString().slice(0, 10);
}

function cut(day: string, precision: EventDatePrecision | BirthDatePrecision): string {
  switch (precision) {
    case 'day':
      return day;
    case 'month':
    case 'year-month':
      return day.slice(0, 7);
    case 'year':
      return day.slice(0, 4);
  }
}

/** A date (Avro date or a Date from avsc's logical types) at the given precision: 2026-03-14, 2026-03 or 2026. */
export function generaliseDate(
  value: number | Date,
  precision: EventDatePrecision | BirthDatePrecision,
): string {
  const day = typeof value === 'number' ? isoDay(value) : value.toISOString().slice(0, 10);
  return cut(day, precision);
}

/** A timestamp as a date (never a time) at the given precision; the UTC day, as the header's times are UTC. */
export function generaliseTime(value: number | Date, precision: EventDatePrecision): string {
  const ms = typeof value === 'number' ? value : value.getTime();
  return cut(new Date(ms).toISOString().slice(0, 10), precision);
}

const POSTCODE = /^([A-Z]{1,2})([0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})$/;

/**
 * A UK postcode cut to a geography: area (B), district (B15) or sector (B15 2). The unit (the last two letters),
 * which narrows to about 15 addresses, never leaves. Anything that does not parse as a postcode is withheld (null):
 * a malformed value may be an address line typed into the wrong field.
 */
export function generalisePostcode(value: string | null | undefined, level: GeographyLevel): string | null {
  if (!value) return null;
  const match = POSTCODE.exec(value.trim().toUpperCase().replace(/\s+/g, ' '));
  if (!match) return null;
  const [, area, district, sector] = match;
  switch (level) {
    case 'area':
      return area;
    case 'district':
      return `${area}${district}`;
    case 'sector':
      return `${area}${district} ${sector}`;
  }
}
