import { Partitioners } from 'kafkajs';

const javaCompatible = Partitioners.DefaultPartitioner();

/**
 * The partition Kafka's Java producer (and kafkajs's default partitioner) gives a message with this key: murmur2 of
 * the key's UTF-8 bytes, made positive, modulo the partition count. A topic whose keys extend a shorter key (the
 * changelog's item keys extend the NHS number) is partitioned by the shorter key with this, so every message of one
 * patient shares the partition a plain NHS-number key would have.
 */
export function partitionOfKey(key: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1)
    throw new Error(`a topic has at least one partition, not ${partitions}`);
  return javaCompatible({
    topic: '',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    })),
    message: { key, value: null },
  });
}
