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

  /**
   * Moves a partition's position from somewhere in [from, to) to `to`, where the caller knows every offset in that
   * range holds nothing to project: commit and abort markers, an aborted transaction's records. Kafka hands those to
   * no projection, so without this a partition ending in markers would look unprojected for ever. A position outside
   * the range is left alone: behind it, offsets before `from` may still hold unprojected messages; past it, there is
   * nothing to move. A partition never consumed (no position, or -1) starts at `to`, as its first batch would have started it. Returns
   * whether the position moved.
   */
  async skip(
    tx: EntityManager,
    topic: string,
    partition: number,
    from: bigint,
    to: bigint,
  ): Promise<boolean> {
    if (from >= to) return false;
    const rows = await tx.query<unknown[]>(
      `insert into consumed_offset as c (topic, partition, next_offset) values ($1, $2, $4)
       on conflict (topic, partition) do update set next_offset = excluded.next_offset, updated_at = now()
         where (c.next_offset >= $3 or c.next_offset < 0) and c.next_offset < $4
       returning 1`,
      [topic, partition, from.toString(), to.toString()],
    );
    return rows.length > 0;
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
