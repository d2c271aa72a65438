import type { Admin } from 'kafkajs';

/** The offset to commit after processing `offset`: Kafka commits name the next message to read. */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

/**
 * A consumer group's committed offsets on one topic, partition → next offset to read.
 * Partitions the group never committed are absent (Kafka reports them as -1).
 */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Map<number, string>> {
  const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const offsets = new Map<number, string>();
  for (const p of result?.partitions ?? []) {
    if (p.offset !== '-1') offsets.set(p.partition, p.offset);
  }
  return offsets;
}
