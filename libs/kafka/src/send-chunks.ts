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
