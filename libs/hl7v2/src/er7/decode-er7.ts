import { invalidUtf8Offset } from '@crosscare/events';

/** Node encodings for the MSH-18 character sets Crosscare reads (HL7 table 0211). */
export type Er7Encoding = 'utf8' | 'latin1';

export type DecodedEr7 =
  | { readonly ok: true; readonly text: string; readonly encoding: Er7Encoding }
  /** `problem` names where the bytes went wrong, never the bytes themselves. */
  | { readonly ok: false; readonly problem: string };

/** MSH-18 values and how each is read; empty (the default) and ASCII are read as UTF-8, of which ASCII is a part. */
const CHARACTER_SETS: Record<string, Er7Encoding> = {
  '': 'utf8',
  ASCII: 'utf8',
  'UNICODE UTF-8': 'utf8',
  '8859/1': 'latin1',
};

/**
 * A message's bytes as text, in the character set its MSH-18 declares (MLLP carries bytes and no charset beside
 * them). Bytes that are not valid in that character set are refused with their offset rather than replaced: a
 * record must not hold characters its sender never wrote.
 */
export function decodeEr7(bytes: Buffer): DecodedEr7 {
  const declared = declaredCharacterSet(bytes);
  const encoding = CHARACTER_SETS[declared.toUpperCase()];
  if (encoding === undefined)
    return {
      ok: false,
      problem:
        `MSH-18 declares a character set Crosscare does not read${/^[\x20-\x7e]{1,20}$/.test(declared) ? ` (${declared})` : ''}; ` +
        'send UNICODE UTF-8 (or leave MSH-18 empty), ASCII or 8859/1',
    };
  if (encoding === 'utf8') {
    const offset = invalidUtf8Offset(bytes);
    if (offset !== -1)
      return {
        ok: false,
        problem: `the message is not valid ${declared || 'UTF-8'}: byte offset ${offset} does not begin a well-formed character`,
      };
  }
  return { ok: true, text: bytes.toString(encoding), encoding };
}

/**
 * MSH-18 read from the raw bytes: the MSH segment's delimiters and field values are ASCII in every character set
 * Crosscare takes, so the bytes up to the first segment separator can be split as they are.
 */
function declaredCharacterSet(bytes: Buffer): string {
  const start = bytes.indexOf('MSH');
  if (start === -1 || start > 16) return '';
  const end = bytes.indexOf(0x0d, start);
  const msh = bytes.subarray(start, end === -1 ? bytes.length : end).toString('latin1');
  const fieldSeparator = msh[3];
  if (!fieldSeparator) return '';
  // MSH-1 is the separator itself, so MSH-n is the n-1th piece after splitting.
  const value = msh.split(fieldSeparator)[17] ?? '';
  // A repeated MSH-18 names alternate sets for escape sequences; the first is the message's own.
  return value.split(msh[5] ?? '~')[0].trim();
}
