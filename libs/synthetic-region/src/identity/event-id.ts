import { hash } from 'node:crypto';

/** Namespace of the synthetic region's name-based ids; fixed forever, so a region's ids never change. */
const REGION_NAMESPACE = Buffer.from('3c0d6b1e9f2a4e57a8b4d17e6c25f0a9', 'hex');

/** The namespace and, after it, the name being hashed: one buffer reused, as a region hashes a million names. */
let scratch = Buffer.alloc(256);
REGION_NAMESPACE.copy(scratch);

/**
 * An RFC 4122 version 5 UUID of `name`. The generator names each event by its region, its patient and its place in
 * that patient's history, so the same event gets the same id whatever else the region holds, and a re-load is
 * recognised as duplicates rather than taken as new events.
 */
export function regionEventId(name: string): string {
  const needed = REGION_NAMESPACE.length + Buffer.byteLength(name, 'utf8');
  if (needed > scratch.length) {
    scratch = Buffer.alloc(needed * 2);
    REGION_NAMESPACE.copy(scratch);
  }
  scratch.write(name, REGION_NAMESPACE.length, 'utf8');
  const hex = hash('sha1', scratch.subarray(0, needed), 'hex');
  // Version 5 in the high nibble of byte 6; the RFC 4122 variant (binary 10) in the top bits of byte 8.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
