import type { DataSource, EntityManager } from 'typeorm';

/**
 * Where the read model is in each partition it consumes. Kept in the read model's own schema and written in the same
 * transaction as the changes it accounts for, so after a crash, restart or rebalance the projector resumes exactly
 * where the database is, whatever Kafka's committed offsets say.
 */
export class ConsumedOffsets {
  /**
   * Locks the partition's row for this transaction and returns the next offset to project, undefined when the
   * partition was never consumed. The lock makes a second instance that briefly believes it owns the partition
   * during a rebalance wait, then see this transaction's offset and skip what it already covered.
   */
  async lock(tx: EntityManager, topic: string, partition: number): Promise<bigint | undefined> {
    await tx.query(
      `insert into consumed_offset (topic, partition, next_offset) values ($1, $2, -1)
       on conflict (topic, partition) do nothing`,
      [topic, partition],
    );
    const [row] = await tx.query<{ next_offset: string }[]>(
      `select next_offset from consumed_offset where topic = $1 and partition = $2 for update`,
      [topic, partition],
    );
    const next = BigInt(row.next_offset);
    return next < 0n ? undefined : next;
  }

  async advance(tx: EntityManager, topic: string, partition: number, nextOffset: bigint): Promise<void> {
    await tx.query(
      `update consumed_offset set next_offset = $3, updated_at = now() where topic = $1 and partition = $2`,
      [topic, partition, nextOffset.toString()],
    );
  }

  /** Every stored position of these topics: where a newly assigned partition resumes, and what lag is measured from. */
  async all(db: DataSource | EntityManager, topics: readonly string[]): Promise<StoredOffset[]> {
    const rows = await db.query<{ topic: string; partition: number; next_offset: string }[]>(
      `select topic, partition, next_offset from consumed_offset where topic = any($1::text[]) and next_offset >= 0`,
      [topics],
    );
    return rows.map((r) => ({ topic: r.topic, partition: r.partition, nextOffset: BigInt(r.next_offset) }));
  }
}

export interface StoredOffset {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
}
