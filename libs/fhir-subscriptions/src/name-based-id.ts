import { createHash } from 'node:crypto';

/** Namespace of the ids notifications give their Bundles and statuses; fixed, so the same input gives the same id. */
const NAMESPACE = Buffer.from('5d0c7c7e9f6a4f3a8a51b0a3f4c2d917', 'hex');

/**
 * RFC 4122 version 5 UUID of the parts. Derived rather than random so a notification is a function of its input:
 * the same delivery retried carries the same Bundle id, and tests can state it.
 */
export function nameBasedId(...parts: readonly (string | number)[]): string {
  const hash = createHash('sha1').update(NAMESPACE).update(parts.join('\u0000'), 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
