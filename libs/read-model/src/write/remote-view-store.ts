import type { PatientRecord } from '@crosscare/projection';
import type { EntityManager } from 'typeorm';

/**
 * The remote view's SQL: the other collaborative's changelog, one row per patient holding its latest record. A
 * record only replaces a held one with a lower sequence, so redeliveries and a compacted topic's older duplicates
 * change nothing.
 */
export class RemoteViewStore {
  /**
   * Keeps each record that is newer than the one held (at most one record per patient: one upsert may not touch a
   * row twice). Returns how many rows changed, and how many of those skipped sequence numbers after the one held.
   */
  async storeLatest(
    tx: EntityManager,
    records: readonly PatientRecord[],
  ): Promise<{ touched: number; gaps: number }> {
    if (records.length === 0) return { touched: 0, gaps: 0 };
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
    return { touched: result.length, gaps: result.filter((r) => r.gap).length };
  }
}
