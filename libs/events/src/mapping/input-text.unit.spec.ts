import { fuzzRuns } from '@crosscare/testing';
import fc from 'fast-check';
import { invalidUtf8Offset, jsonTooDeepOffset, MAX_JSON_DEPTH } from './input-text';

const strict = new TextDecoder('utf-8', { fatal: true });
const decodes = (bytes: Uint8Array) => {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

describe('invalidUtf8Offset', () => {
  it('given well-formed UTF-8 of any script, finds nothing', () => {
    expect(invalidUtf8Offset(Buffer.from('Zoë Ødegård 𝄞 شكرا 日本', 'utf8'))).toBe(-1);
    expect(invalidUtf8Offset(Buffer.alloc(0))).toBe(-1);
  });

  it.each([
    ['a stray continuation byte', [0x41, 0x80], 1],
    ['a lead byte with no continuation', [0x41, 0x42, 0xc3], 2],
    ['an overlong encoding of "/"', [0xc0, 0xaf], 0],
    ['an overlong three-byte form', [0x41, 0xe0, 0x80, 0xaf], 1],
    ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80], 0],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['Latin-1 "é" sent as UTF-8', [0x63, 0x61, 0x66, 0xe9, 0x20], 3],
  ])('given %s, names the offset of its first byte', (_case, bytes, offset) => {
    expect(invalidUtf8Offset(Uint8Array.from(bytes))).toBe(offset);
  });

  it('agrees with a strict decoder on arbitrary bytes, and everything before the offset decodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const offset = invalidUtf8Offset(bytes);
        expect(offset === -1).toBe(decodes(bytes));
        if (offset !== -1) {
          expect(decodes(bytes.subarray(0, offset))).toBe(true);
          expect(decodes(bytes.subarray(0, offset + 4))).toBe(false);
        }
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });
});

/** Nesting depth of a parsed JSON value: 0 for a scalar. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('jsonTooDeepOffset', () => {
  it('given JSON nested 100,000 deep, points at the bracket past the limit without recursing', () => {
    const text = Buffer.from('['.repeat(100_000) + ']'.repeat(100_000));
    expect(jsonTooDeepOffset(text)).toBe(MAX_JSON_DEPTH);
  });

  it('given brackets inside strings, including after escaped quotes, does not count them', () => {
    const text = Buffer.from(JSON.stringify({ a: '[[[[{{{{ \\" [[[[', b: ['"[['] }));
    expect(jsonTooDeepOffset(text, 2)).toBe(-1);
    expect(jsonTooDeepOffset(text, 1)).toBe(text.indexOf(':[') + 1);
  });

  it('agrees with the depth of any JSON value: accepted at its depth, refused one below', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = Buffer.from(JSON.stringify(value));
        const depth = depthOf(value);
        expect(jsonTooDeepOffset(text, depth)).toBe(-1);
        if (depth > 0) expect(jsonTooDeepOffset(text, depth - 1)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: fuzzRuns(500) },
    );
  });
});
