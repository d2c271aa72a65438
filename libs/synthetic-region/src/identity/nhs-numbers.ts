import { testNhsNumber } from '@crosscare/events/synthetic';

/**
 * Serials each patient owns: its own NHS number and a spare for a duplicate registration. testNhsNumber moves a
 * serial whose check digit would be 10 on to the next one, and no two serials in a row are like that, so a number
 * asked for at serial s is s or s + 1: two numbers two serials apart never collide.
 */
export const SERIALS_PER_PATIENT = 4;

/**
 * Where regions start by default: clear of the small serials that fixtures, demos and unit tests use
 * (testNhsNumber(1) and up), so loading a region into a stack never merges a test's patient into a region's.
 */
export const DEFAULT_FIRST_NHS_SERIAL = 100_000;

/** testNhsNumber uses six serial digits and wraps past this. */
export const NHS_SERIAL_LIMIT = 1_000_000;

export interface PatientNhsNumbers {
  readonly own: string;
  /** The number a provider wrongly registers the patient under before merging it into `own`. */
  readonly duplicate: string;
}

/** The NHS numbers of patient `index` of a region whose first serial is `firstSerial`. */
export function patientNhsNumbers(firstSerial: number, index: number): PatientNhsNumbers {
  const base = firstSerial + index * SERIALS_PER_PATIENT;
  return { own: testNhsNumber(base), duplicate: testNhsNumber(base + 2) };
}

/** How many patients fit between `firstSerial` and the end of the test range. */
export function patientCapacity(firstSerial: number): number {
  // A patient's numbers use at most its four serials, the last of which must stay inside the range.
  return Math.max(0, Math.floor((NHS_SERIAL_LIMIT - firstSerial) / SERIALS_PER_PATIENT));
}
