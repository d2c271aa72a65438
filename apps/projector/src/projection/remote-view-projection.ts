import type { PatientRecord } from '@crosscare/projection';
import { ConsumedOffsets, RemoteViewStore } from '@crosscare/read-model';
import type { DataSource, EntityManager } from 'typeorm';
import {
  deadLetterOf,
  type BatchOutcome,
  type DeadLetter,
  type DeadLetterSink,
  type PartitionBatch,
} from './partition-batch';

export interface RemoteViewOutcome extends BatchOutcome {
  /** Records whose sequence skipped numbers after one already held: the other side published something not seen. */
  readonly gaps: number;
}

/**
 * The other collaborative's changelog, kept as one row per patient (its latest record), so this side's record API
 * can show all six ICSs. A record only replaces a held one with a lower sequence: redeliveries and the older
 * duplicates a compacted topic may still hold change nothing.
 */
export class RemoteViewProjection {
  private readonly offsets = new ConsumedOffsets();
  private readonly store = new RemoteViewStore();

  constructor(
    private readonly db: DataSource,
    private readonly assertServing?: (tx: EntityManager) => Promise<void>,
  ) {}

  project(batch: PartitionBatch<PatientRecord>, sink: DeadLetterSink): Promise<RemoteViewOutcome> {
    return this.db.transaction(async (tx): Promise<RemoteViewOutcome> => {
      await this.assertServing?.(tx);
      const next = await this.offsets.lock(tx, batch.topic, batch.partition);
      const fresh = batch.messages.filter((m) => next === undefined || BigInt(m.offset) >= next);
      const alreadyApplied = batch.messages.length - fresh.length;
      if (fresh.length === 0) return { projected: 0, alreadyApplied, deadLettered: 0, touched: 0, gaps: 0 };

      const letters: DeadLetter[] = [];
      // Latest per patient within the batch: one upsert may not touch a row twice.
      const latest = new Map<string, PatientRecord>();
      for (const message of fresh) {
        if (!message.decoded.ok) {
          letters.push(deadLetterOf(batch, message, message.decoded.reason));
          continue;
        }
        const record = message.decoded.value;
        const held = latest.get(record.nhsNumber);
        if (!held || record.sequence > held.sequence) latest.set(record.nhsNumber, record);
      }
      const { touched, gaps } = await this.store.storeLatest(tx, [...latest.values()]);
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
