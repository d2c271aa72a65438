import type { Random } from '../random/seeded-random';

const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const YEAR = 365.25 * DAY;

/** The Avro date (days since 1970-01-01) an instant falls on. */
export const epochDay = (at: number): number => Math.floor(at / DAY);

const startOfDay = (at: number): number => epochDay(at) * DAY;

/**
 * A time in working hours (08:30 to 17:30), `minDays` to `maxDays` days after `after` and never before it: when
 * the day drawn is `after`'s own and its working hours are over, a few minutes after `after`.
 */
export function workingTimeAfter(rng: Random, after: number, minDays: number, maxDays: number): number {
  const day = startOfDay(after) + rng.between(minDays, maxDays) * DAY;
  const at = day + Math.floor((8.5 + rng.next() * 9) * HOUR);
  return at > after ? at : after + rng.between(5, 90) * MINUTE;
}

/** Like workingTimeAfter, but at any hour, busier by day: emergencies and deaths keep no office hours. */
export function anyTimeAfter(rng: Random, after: number, minDays: number, maxDays: number): number {
  const day = startOfDay(after) + rng.between(minDays, maxDays) * DAY;
  const hour = rng.chance(0.75) ? 8 + rng.next() * 14 : rng.next() * 24;
  const at = day + Math.floor(hour * HOUR);
  return at > after ? at : after + rng.between(5, 90) * MINUTE;
}

/** A working-hours time uniformly between `from` and `to`; undefined when the window is shorter than a day. */
export function workingTimeBetween(rng: Random, from: number, to: number): number | undefined {
  const days = Math.floor((to - from) / DAY) - 1;
  if (days < 0) return undefined;
  return workingTimeAfter(rng, from, 0, days);
}

/** Minutes to hours later: how long the next step of a contact takes. */
export const minutesAfter = (rng: Random, at: number, min: number, max: number): number =>
  at + rng.between(min, max) * MINUTE;
