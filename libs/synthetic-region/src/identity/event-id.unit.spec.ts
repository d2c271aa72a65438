import { createHash } from 'node:crypto';
import { regionEventId } from './event-id';

/** RFC 4122 section 4.3, step by step, with the namespace the generator uses. */
function textbookUuidV5(name: string): string {
  const namespace = Buffer.from('3c0d6b1e9f2a4e57a8b4d17e6c25f0a9', 'hex');
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe('regionEventId', () => {
  it('is the RFC 4122 version 5 UUID of the name', () => {
    for (const name of ['42|1704067200000|730|2026.11.1|wave-0-pilot|9991000003|0', 'x', 'é|ü']) {
      expect(regionEventId(name)).toBe(textbookUuidV5(name));
    }
  });

  it('names longer than its buffer hash the same as the textbook', () => {
    const long = 'n'.repeat(1000);
    expect(regionEventId(long)).toBe(textbookUuidV5(long));
    expect(regionEventId('short')).toBe(textbookUuidV5('short'));
  });

  it('formats a version 5, RFC variant UUID, different for different names', () => {
    const ids = Array.from({ length: 200 }, (_, i) => regionEventId(`name-${i}`));
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
