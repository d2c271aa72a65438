import type { Message } from 'kafkajs';

/**
 * A message's size as the broker counts it against max.message.bytes, less the record batch's own few dozen bytes:
 * key, value, and each header's name and value.
 */
export function messageBytes(message: Pick<Message, 'key' | 'value' | 'headers'>): number {
  const size = (v: Buffer | string | null | undefined) =>
    v === null || v === undefined ? 0 : Buffer.isBuffer(v) ? v.length : Buffer.byteLength(v);
  let bytes = size(message.key) + size(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += Buffer.byteLength(name);
    for (const one of Array.isArray(value) ? value : [value]) bytes += size(one);
  }
  return bytes;
}

/**
 * Splits messages, in order, into runs of at most `maxBytes` (a larger message goes alone): the broker refuses a
 * request whose batch for one partition exceeds its max.message.bytes, and order is kept send after send.
 */
export function chunksBySize<T>(
  messages: readonly T[],
  maxBytes: number,
  sizeOf: (message: T) => number,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = sizeOf(message);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
