import type { DataSource, EntityManager } from 'typeorm';

/** Where a consumer is in one source partition: the next offset to process. */
export interface ConsumedPosition {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
}

/**
 * A service's consumed positions, in its own `consumed_offsets` table (topic, partition, next_offset), written in the
 * same transaction as what the batch produced: a redelivered batch, after a crash or a rebalance, changes nothing
 * (the exactly-once effect the SDE publisher and the subscription service rely on; the projector keeps its own in
 * the read model).
 */
export class ConsumedPositions {
  /**
   * Locks the partition's position for this transaction; the next offset to process, undefined if never consumed.
   * A second instance that briefly believes it owns the partition during a rebalance waits, then skips what is done.
   */
  async lock(tx: EntityManager, topic: string, partition: number): Promise<bigint | undefined> {
    await tx.query(
      `insert into consumed_offsets (topic, partition, next_offset) values ($1, $2, -1)
       on conflict (topic, partition) do nothing`,
      [topic, partition],
    );
    const [row] = await tx.query<{ next_offset: string }[]>(
      `select next_offset from consumed_offsets where topic = $1 and partition = $2 for update`,
      [topic, partition],
    );
    const next = BigInt(row.next_offset);
    return next < 0n ? undefined : next;
  }

  async advance(tx: EntityManager, topic: string, partition: number, nextOffset: bigint): Promise<void> {
    await tx.query(`update consumed_offsets set next_offset = $3 where topic = $1 and partition = $2`, [
      topic,
      partition,
      nextOffset.toString(),
    ]);
  }

  /** The partitions of these topics consumed so far, with their next offsets. */
  async of(db: DataSource | EntityManager, topics: readonly string[]): Promise<ConsumedPosition[]> {
    const rows = await db.query<{ topic: string; partition: number; next_offset: string }[]>(
      `select topic, partition, next_offset from consumed_offsets where topic = any($1::text[]) and next_offset >= 0`,
      [topics],
    );
    return rows.map((r) => ({ topic: r.topic, partition: r.partition, nextOffset: BigInt(r.next_offset) }));
  }
}
