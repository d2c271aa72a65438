import { partitionOfKey } from './partitioning';

describe('partitionOfKey', () => {
  // murmur2 of these keys as Kafka's own UtilsTest asserts them for the Java client; its DefaultPartitioner takes
  // toPositive(hash) % partitions, so a Java producer keyed by these strings writes to these partitions.
  const javaMurmur2 = { '21': -973932308, foobar: -790332482, 'a-little-bit-long-string': -985981536 };

  it.each(
    Object.entries(javaMurmur2).flatMap(([key, hash]) => [6, 7, 1000].map((n) => [key, n, hash] as const)),
  )(
    'given key %p and %p partitions, when partitioned, then it is the partition the Java client gives',
    (key, partitions, hash) => {
      expect(partitionOfKey(key, partitions)).toBe((hash & 0x7fffffff) % partitions);
    },
  );

  it('given any key, when partitioned, then the partition is within the topic and the same every time', () => {
    for (let i = 0; i < 1000; i++) {
      const partition = partitionOfKey(`999${String(i).padStart(7, '0')}`, 6);
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(6);
      expect(partitionOfKey(`999${String(i).padStart(7, '0')}`, 6)).toBe(partition);
    }
  });

  it('given no partitions, when partitioned, then it is refused', () => {
    expect(() => partitionOfKey('x', 0)).toThrow('at least one partition');
  });
});
