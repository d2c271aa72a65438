/**
 * NHS number validation: 10 digits whose tenth is the modulus-11 check digit of the first nine (weights 10..2).
 * Every valid number is accepted, not only the 999 test range: production traffic carries real ones.
 */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(value[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(value[9]);
}

/**
 * Providers write NHS numbers as `999 000 0018`, `999-000-0018` or `9990000018`; the canonical form is ten digits.
 * Returns null when the input is not ten digits once spaces and hyphens are removed, or fails the check digit.
 */
export function normaliseNhsNumber(value: string): string | null {
  const digits = value.trim().replace(/[\s-]/g, '');
  return isValidNhsNumber(digits) ? digits : null;
}

/** Why a value is not an NHS number, for an error message that helps the sender (the value itself is theirs). */
export function nhsNumberProblem(value: string): string {
  const digits = value.trim().replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return 'an NHS number has 10 digits';
  return 'the NHS number fails its modulus-11 check digit';
}
