import type { ItemKind } from '@crosscare/projection';
import type { DataSource } from 'typeorm';
import { readChangelogContract, markChangelogComplete } from '../changelog/changelog-contract';
import { outboxMessagesOf, PatientChanges, type ChangelogEncoder } from '../changelog/changelog-messages';
import { ChangelogOutbox } from '../changelog/changelog-outbox';
import { rows } from '../sql';
import { PatientRecordStore } from './patient-record-store';

/** What the switch did to the changelog. */
export interface ReconcileOutcome {
  readonly patients: number;
  /** Patients the rebuild changed: each publishes one change, numbered after the last published. */
  readonly republished: number;
  /** Item messages (values and tombstones) those changes carry. */
  readonly itemMessages: number;
}

/**
 * Carries the changelog over from the serving read model to a rebuilt one, so subscribers see no gap and no step
 * back: a patient whose record is the same keeps its sequence and publishes nothing; one whose record differs (the
 * reason to rebuild is usually a projection fix) publishes one change under the next sequence, carrying exactly the
 * items that differ (new or changed values; tombstones for items no longer there) and its head.
 *
 * When the serving read model's changelog is incomplete (migrated from the whole-record changelog, so its earlier
 * history was never published on this topic version), every current item is published: this is how the v2 topic is
 * filled from the log.
 *
 * Items are compared in SQL over both schemas at once, by key, owner and event id (an event id names one event's
 * content for good); heads by merge pointer and the numbers merged in.
 */
export async function reconcileSequences(
  previous: DataSource,
  rebuilt: DataSource,
  collaborative: string,
  encoder: ChangelogEncoder,
  onProgress: (done: number, total: number) => void = () => undefined,
  chunkSize = 2000,
): Promise<ReconcileOutcome> {
  const before = await schemaOf(previous);
  const after = await schemaOf(rebuilt);
  const { complete } = await readChangelogContract(previous);
  const store = new PatientRecordStore();
  const outbox = new ChangelogOutbox();

  // The replay kept no item counts (it publishes nothing): count once, now that the rebuilt read model stands still.
  await rebuilt.query(
    `update patient p set item_count = coalesce(c.n, 0)
     from patient q left join (select nhs_number, count(*) as n from record_item where not removed group by 1) c
       using (nhs_number)
     where p.nhs_number = q.nhs_number and p.item_count is distinct from coalesce(c.n, 0)`,
  );
  const changedItems = itemDifferences(before, after, complete);
  const found = await rows<{ nhs_number: string; sequence: string; changed: boolean; only_before: boolean }>(
    rebuilt,
    `with item_changes as (select distinct nhs_number from (${changedItems}) d),
     heads as (
       select p.nhs_number, p.sequence, p.merged_into,
         array(select m.nhs_number from ${before}.patient m where m.merged_into = p.nhs_number
               order by m.nhs_number collate "C") as merged_from
       from ${before}.patient p
     ), rebuilt_heads as (
       select p.nhs_number, p.merged_into,
         array(select m.nhs_number from ${after}.patient m where m.merged_into = p.nhs_number
               order by m.nhs_number collate "C") as merged_from
       from ${after}.patient p
     )
     select coalesce(r.nhs_number, h.nhs_number) as nhs_number, coalesce(h.sequence, 0) as sequence,
       (${complete ? 'false' : 'r.nhs_number is not null'}
        or r.nhs_number is null or h.nhs_number is null
        or r.merged_into is distinct from h.merged_into or r.merged_from <> h.merged_from
        or exists (select 1 from item_changes c where c.nhs_number = coalesce(r.nhs_number, h.nhs_number))) as changed,
       r.nhs_number is null as only_before
     from rebuilt_heads r full join heads h using (nhs_number)`,
  );
  const changed = found
    .filter((f) => f.changed)
    .map((f) => f.nhs_number)
    .sort();
  await rebuilt.transaction(async (tx) => {
    // Patients only the old read model knew get a row, so their change (their items deleted) can be published.
    await store.lockPatients(
      tx,
      found.filter((f) => f.only_before).map((f) => f.nhs_number),
    );
    await tx.query(
      `update patient p set sequence = w.s from json_to_recordset($1::json) as w(n text, s bigint)
       where p.nhs_number = w.n`,
      [JSON.stringify(found.map((f) => ({ n: f.nhs_number, s: Number(f.sequence) + (f.changed ? 1 : 0) })))],
    );
  });

  let itemMessages = 0;
  for (let start = 0; start < changed.length; start += chunkSize) {
    const chunk = changed.slice(start, start + chunkSize);
    await rebuilt.transaction(async (tx) => {
      const items = await tx.query<ItemDifference[]>(
        `select * from (${changedItems}) d where nhs_number = any($1::text[])
         order by nhs_number, (item is not null), provider_ods_code, source_record_id, part`,
        [chunk],
      );
      const changes = new PatientChanges();
      for (const row of items) {
        const key = {
          providerOdsCode: row.provider_ods_code,
          sourceRecordId: row.source_record_id,
          part: row.part,
        };
        const kind = row.kind as ItemKind;
        if (row.item === null) changes.remove({ nhsNumber: row.nhs_number, key, kind });
        else changes.set({ nhsNumber: row.nhs_number, key, kind, item: row.item }, true);
      }
      itemMessages += items.length;
      await outbox.add(
        tx,
        await outboxMessagesOf(await store.recordHeads(tx, chunk), changes, collaborative, encoder),
      );
    });
    onProgress(Math.min(start + chunkSize, changed.length), changed.length);
  }
  await markChangelogComplete(rebuilt);
  return { patients: found.length, republished: changed.length, itemMessages };
}

interface ItemDifference {
  nhs_number: string;
  provider_ods_code: string;
  source_record_id: string;
  part: string;
  kind: string;
  /** The item to publish; null for a tombstone. */
  item: Buffer | null;
}

/**
 * The item messages that take the changelog from what the previous read model published to what the rebuilt one
 * holds: each rebuilt current item that the previous one did not hold as the same event under the same number
 * (every one, when the previous changelog is incomplete), and a tombstone for each previous current item that the
 * rebuilt one no longer holds under that number.
 */
function itemDifferences(before: string, after: string, complete: boolean): string {
  return `
    select n.nhs_number, n.provider_ods_code, n.source_record_id, n.part, n.kind, n.item
    from ${after}.record_item n
    left join ${before}.record_item o
      on (o.provider_ods_code, o.source_record_id, o.part, o.nhs_number) =
         (n.provider_ods_code, n.source_record_id, n.part, n.nhs_number) and not o.removed
    where not n.removed and (${complete ? 'o.event_id is distinct from n.event_id' : 'true'})
    union all
    select o.nhs_number, o.provider_ods_code, o.source_record_id, o.part, o.kind, null
    from ${before}.record_item o
    left join ${after}.record_item n
      on (n.provider_ods_code, n.source_record_id, n.part, n.nhs_number) =
         (o.provider_ods_code, o.source_record_id, o.part, o.nhs_number) and not n.removed
    where not o.removed and n.part is null`;
}

/** The schema a read model's connection works in, quoted for SQL. */
async function schemaOf(db: DataSource): Promise<string> {
  const [row] = await rows<{ schema: string }>(db, `select current_schema() as schema`);
  return `"${row.schema.replace(/"/g, '""')}"`;
}
