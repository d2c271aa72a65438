import { isUtf8 } from 'node:buffer';

/**
 * The byte offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or -1 when every byte is. A decoder would replace such bytes with U+FFFD and
 * carry on; a health record must not quietly hold characters its sender never wrote, so inputs are refused instead.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let min: number;
    if (lead >= 0xc2 && lead <= 0xdf) [length, min] = [2, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [length, min] = [3, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    let point = lead & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      point = (point << 6) | (next & 0x3f);
    }
    if (point < min || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return i;
    i += length;
  }
  return -1;
}

/**
 * Deepest JSON nesting Crosscare reads: generous for real FHIR (a Bundle entry's resource with contained resources,
 * nested extensions and QuestionnaireResponse items stays well under 40 levels), and far below what recursive
 * validation can survive.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * The byte offset of the first `[` or `{` that opens a level deeper than `maxDepth`, or -1. Strings are skipped
 * (brackets inside them do not count); the text need not be valid JSON, the parser judges that afterwards.
 * Works on bytes, so it runs before anything is decoded or parsed.
 */
export function jsonTooDeepOffset(bytes: Uint8Array, maxDepth: number = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // a backslash escapes the next byte, whatever it is
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (byte === 0x5d || byte === 0x7d) depth = Math.max(0, depth - 1);
  }
  return -1;
}
