import type { PatientRecord } from '@crosscare/projection';
import { ConsumedOffsets } from '@crosscare/read-model';
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
      const records = [...latest.values()];
      let gaps = 0;
      let touched = 0;
      if (records.length > 0) {
        const rows = records.map((r) => ({
          n: r.nhsNumber,
          c: r.collaborative,
          s: r.sequence,
          u: r.updatedAt,
          rec: r,
        }));
        const result = await tx.query<{ nhs_number: string; gap: boolean }[]>(
          `with w as (
             select * from json_to_recordset($1::json) as w(n text, c text, s bigint, u double precision, rec jsonb)
           ), held as (
             select r.nhs_number, r.sequence from remote_patient_record r join w on r.nhs_number = w.n
           ), up as (
             insert into remote_patient_record as r (nhs_number, collaborative, sequence, updated_at, record)
             select n, c, s, to_timestamp(u / 1000.0), rec from w
             on conflict (nhs_number) do update set collaborative = excluded.collaborative,
               sequence = excluded.sequence, updated_at = excluded.updated_at, record = excluded.record,
               received_at = now()
             where excluded.sequence > r.sequence
             returning nhs_number, sequence
           )
           select up.nhs_number, coalesce(up.sequence > held.sequence + 1, false) as gap
           from up left join held using (nhs_number)`,
          [JSON.stringify(rows)],
        );
        touched = result.length;
        gaps = result.filter((r) => r.gap).length;
      }
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
