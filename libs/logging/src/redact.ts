/**
 * Defence in depth for log lines: code never logs an NHS number (docs/operations.md, "Logs"), and what slips through
 * anyway is replaced before the line is written. Two patterns, each a run of ten digits not part of a longer number,
 * written together or grouped 3-3-4 with single spaces or hyphens (`943 476 5919`, `999-000-0018`):
 *  - any such run whose tenth digit is the modulus-11 check digit of the first nine: every NHS number (and, on purpose,
 *    every Scottish CHI number, which uses the same check), whatever its range; a ten-digit count or offset is
 *    caught one time in eleven, which a log line can afford;
 *  - any such run starting 999, check digit or not: the synthetic range, so that a test's or the demo's patients
 *    never reach a log even with a typo'd check digit.
 * Pure: its one import is governance's check digit, from a file that itself imports nothing, so every service and
 * tool can afford it.
 */
import { passesNhsCheckDigit } from '@crosscare/governance/nhs-number';

export const NHS_NUMBER_REDACTION = '[nhs-number]';

const TEN_DIGITS = /(?<![\d])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])/g;

function isRedactable(digits: string): boolean {
  return digits.startsWith('999') || passesNhsCheckDigit(digits);
}

/** The text with every NHS-number-like run replaced by `[nhs-number]`. */
export function redactNhsNumbers(text: string): string {
  if (!/\d{3}/.test(text)) return text;
  return text.replace(TEN_DIGITS, (whole: string, a: string, _sep: string, b: string, c: string) =>
    isRedactable(`${a}${b}${c}`) ? NHS_NUMBER_REDACTION : whole,
  );
}

/**
 * Where the text holds a synthetic NHS number (999 range, check digit valid): what the log scanner looks for. Gives
 * the 1-based column of each, never the number.
 */
export function syntheticNhsNumberColumns(text: string): number[] {
  const columns: number[] = [];
  for (const match of text.matchAll(TEN_DIGITS)) {
    const digits = `${match[1]}${match[3]}${match[4]}`;
    if (digits.startsWith('999') && passesNhsCheckDigit(digits)) columns.push((match.index ?? 0) + 1);
  }
  return columns;
}

/**
 * A copy of a value for a log line: strings, numbers and keys redacted, Buffers described by size (never dumped: they
 * are event payloads), bigints as strings, Errors as their message, depth and cycles bounded.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactNhsNumbers(value);
  if (typeof value === 'number') {
    const text = String(value);
    const redacted = redactNhsNumbers(text);
    return redacted === text ? value : redacted;
  }
  if (typeof value === 'bigint') return redactNhsNumbers(value.toString());
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Error) return redactNhsNumbers(value.message);
  if (seen.has(value)) return '[circular]';
  if (depth >= 6) return '[nested too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const redacted = redactValue(v, depth + 1, seen);
      if (redacted !== undefined) out[redactNhsNumbers(key)] = redacted;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
