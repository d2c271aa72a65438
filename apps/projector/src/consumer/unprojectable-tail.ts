/** A range of offsets, `to` exclusive. */
export interface OffsetRange {
  readonly from: bigint;
  readonly to: bigint;
}

/** What kafkajs says of one fetched batch of a partition (Batch, or its batch-process event). */
export interface FetchedBatch {
  /**
   * The first offset the fetch returned at or after the offset asked for, control records and aborted transactions'
   * records included; null when it returned none (kafkajs then makes `lastOffset` up from the high watermark).
   */
  readonly firstOffset: string | null;
  /** The last such offset. */
  readonly lastOffset: string;
  /** The offset of the last message handed on to the projection; undefined when kafkajs filtered every one out. */
  readonly lastMessageOffset?: string;
}

/**
 * The offsets at the end of a fetched batch that no projection will ever see: commit and abort markers, and the
 * records of aborted transactions, which a read_committed consumer filters out. They follow the batch's last message
 * (or make up the whole batch), so once the read model's position is among them it may move past the batch. Two
 * ingest lanes' transactions interleaving on a partition leave two markers at its end; without this the partition
 * would look unprojected until the next message, and a rebuild waiting for its end would wait for ever.
 */
export function unprojectableTail(batch: FetchedBatch): OffsetRange | undefined {
  if (batch.firstOffset === null) return undefined;
  const from =
    batch.lastMessageOffset === undefined ? BigInt(batch.firstOffset) : BigInt(batch.lastMessageOffset) + 1n;
  const to = BigInt(batch.lastOffset) + 1n;
  return from < to ? { from, to } : undefined;
}
