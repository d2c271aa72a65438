import { ConsumedOffsets, RemoteViewStore, type ReadChangelogMessage } from '@crosscare/read-model';
import type { DataSource, EntityManager } from 'typeorm';
import {
  deadLetterOf,
  type BatchOutcome,
  type DeadLetter,
  type DeadLetterSink,
  type PartitionBatch,
} from './partition-batch';

export interface RemoteViewOutcome extends BatchOutcome {
  /** Heads whose sequence skipped numbers after one already held: the other side published a change not seen. */
  readonly gaps: number;
}

/**
 * The other collaborative's changelog, kept as it says: its items as items and its heads, applied change by change,
 * so this side's record API can show all six ICSs. Redeliveries and anything at or below a patient's last head
 * change nothing.
 */
export class RemoteViewProjection {
  private readonly offsets = new ConsumedOffsets();
  private readonly store = new RemoteViewStore();

  constructor(
    private readonly db: DataSource,
    private readonly assertServing?: (tx: EntityManager) => Promise<void>,
  ) {}

  project(batch: PartitionBatch<ReadChangelogMessage>, sink: DeadLetterSink): Promise<RemoteViewOutcome> {
    return this.db.transaction(async (tx): Promise<RemoteViewOutcome> => {
      await this.assertServing?.(tx);
      const next = await this.offsets.lock(tx, batch.topic, batch.partition);
      const fresh = batch.messages.filter((m) => next === undefined || BigInt(m.offset) >= next);
      const alreadyApplied = batch.messages.length - fresh.length;
      if (fresh.length === 0) return { projected: 0, alreadyApplied, deadLettered: 0, touched: 0, gaps: 0 };

      const letters: DeadLetter[] = [];
      const messages: ReadChangelogMessage[] = [];
      for (const message of fresh) {
        if (message.decoded.ok) messages.push(message.decoded.value);
        else letters.push(deadLetterOf(batch, message, message.decoded.reason));
      }
      const { touched, gaps } = await this.store.apply(tx, messages);
      if (letters.length > 0) await sink(letters);
      await this.offsets.advance(
        tx,
        batch.topic,
        batch.partition,
        BigInt(fresh[fresh.length - 1].offset) + 1n,
      );
      return {
        projected: fresh.length - letters.length,
        alreadyApplied,
        deadLettered: letters.length,
        touched,
        gaps,
      };
    });
  }
}
