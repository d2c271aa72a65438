import { epochDay, MILLIS_PER_DAY } from '@crosscare/events';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * ISO 8601 instants with an explicit offset only: a local time is ambiguous for an hour every autumn, and a council's
 * server clock may not be on UK time at all.
 */
const ISO_INSTANT =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** `yyyy-mm-dd` as an Avro date (days since 1970-01-01), or undefined when it is not a real calendar day. */
export function epochDayOf(isoDate: string): number | undefined {
  const parts = ISO_DATE.exec(isoDate);
  if (parts === null) return undefined;
  return epochDay(Number(parts[1]), Number(parts[2]), Number(parts[3]));
}

/** An ISO 8601 instant with `Z` or an offset, as epoch milliseconds; undefined when it is not one. */
export function epochMillisOf(isoInstant: string): number | undefined {
  const parts = ISO_INSTANT.exec(isoInstant);
  if (parts === null) return undefined;
  const [, date, hh, mm, ss = '0', fraction = '', zulu, sign, offsetHh = '0', offsetMm = '0'] = parts;
  const day = epochDayOf(date);
  const [hours, minutes, seconds] = [Number(hh), Number(mm), Number(ss)];
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(offsetHh) * 60 + Number(offsetMm));
  if (day === undefined || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  if (zulu === undefined && (Number(offsetHh) > 14 || Number(offsetMm) > 59)) return undefined;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  return day * MILLIS_PER_DAY + ((hours * 60 + minutes - offsetMinutes) * 60 + seconds) * 1000 + millis;
}
