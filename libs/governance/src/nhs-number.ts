/**
 * NHS number validation: ten digits whose tenth is the modulus-11 check digit of the first nine (weights 10..2),
 * in a range from which NHS numbers are issued. The check digit alone lets through numbers no patient can hold
 * (0000000000, 1111111111): accepting one files a record against a patient who does not exist.
 *
 * Ranges, on the ten-digit number (docs/ingest.md "NHS numbers"; source: NHS Digital's NHS number ranges as
 * summarised in https://en.wikipedia.org/wiki/NHS_number, "Format, number ranges, and check characters"):
 * - England, Wales and the Isle of Man issue from 400 000 000 0 – 499 999 999 9 and 600 000 000 0 – 799 999 999 9,
 *   and England also from the 3xx range left between Scotland's and Northern Ireland's (312 000 000 0 – 319 999 999 9);
 * - 999 000 000 0 – 999 999 999 9 is reserved for test data and never issued: all synthetic data uses it;
 * - the rest of the 9 range is not issued to patients either; NHS England's own test environments and published
 *   examples use it (the UK Core examples' 991 200 388 8, the algorithm's worked example 943 476 591 9), so it is
 *   accepted as test data too;
 * - not NHS numbers: Scotland's CHI numbers (010 100 000 0 – 311 299 999 9, a date of birth first), Northern Ireland's
 *   H&C numbers (320 000 001 0 – 399 999 999 9), and the unallocated 0, 1, 2, 5 and 8 ranges.
 * Every issued number is accepted, not only the test range: production traffic carries real ones.
 */
export function isValidNhsNumber(value: string): boolean {
  return /^\d{10}$/.test(value) && passesNhsCheckDigit(value) && issuingScheme(value) === 'nhs';
}

/**
 * Whether ten digits pass the NHS number's modulus-11 check, whatever their range. This file imports nothing, so that
 * libs/logging's redaction can use it (`@crosscare/governance/nhs-number`) without the provider directory.
 */
export function passesNhsCheckDigit(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

type IssuingScheme = 'nhs' | 'chi' | 'h&c' | 'unallocated';

/** Which scheme a ten-digit number belongs to, by its range (see isValidNhsNumber). */
function issuingScheme(digits: string): IssuingScheme {
  const n = Number(digits);
  if (n >= 4_000_000_000 && n <= 4_999_999_999) return 'nhs';
  if (n >= 6_000_000_000 && n <= 7_999_999_999) return 'nhs';
  if (n >= 3_120_000_000 && n <= 3_199_999_999) return 'nhs';
  if (n >= 9_000_000_000) return 'nhs';
  if (n >= 101_000_000 && n <= 3_112_999_999) return 'chi';
  if (n >= 3_200_000_010 && n <= 3_999_999_999) return 'h&c';
  return 'unallocated';
}

/**
 * Providers write NHS numbers as `999 000 0018`, `999-000-0018` or `9990000018`; the canonical form is ten digits.
 * Returns null when the input is not ten digits once spaces and hyphens are removed, fails the check digit, or is
 * outside the ranges NHS numbers are issued from.
 */
export function normaliseNhsNumber(value: string): string | null {
  const digits = value.trim().replace(/[\s-]/g, '');
  return isValidNhsNumber(digits) ? digits : null;
}

/** Why a value is not an NHS number, for an error message that helps the sender (the value itself is theirs). */
export function nhsNumberProblem(value: string): string {
  const digits = value.trim().replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return 'an NHS number has 10 digits';
  if (!passesNhsCheckDigit(digits)) return 'the NHS number fails its modulus-11 check digit';
  switch (issuingScheme(digits)) {
    case 'chi':
      return "the number is in Scotland's CHI number range, not an NHS number (England, Wales, Isle of Man)";
    case 'h&c':
      return "the number is in Northern Ireland's H&C number range, not an NHS number (England, Wales, Isle of Man)";
    default:
      return 'the number is in no range NHS numbers are issued from (4, 6, 7; 9 for test data)';
  }
}
