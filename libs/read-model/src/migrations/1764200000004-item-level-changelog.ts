import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The item-level changelog (topic version 2; docs/projections.md). A change to a patient publishes the items it
 * changed and one head, not the whole record, so:
 *  - the outbox holds messages, each with its key (an item's or the head's) and a null payload for a tombstone;
 *  - the patient row counts its current items, kept as changes apply, for the head's itemCount without a count over
 *    the patient's history;
 *  - the remote view keeps the other collaborative's items as items, and its heads, instead of one document per
 *    patient (the v1 documents and positions are dropped: the v2 topic is read from its start);
 *  - changelog_contract says whether everything this read model holds has been published on v2. A read model
 *    migrated here from v1 has not: the rebuild fills the v2 topic from it (npm run projector:rebuild).
 */
export class ItemLevelChangelog1764200000004 implements MigrationInterface {
  name = 'ItemLevelChangelog1764200000004';

  async up(q: QueryRunner): Promise<void> {
    // Unpublished v1 records: v1 is retired, and the rebuild publishes these patients on v2.
    await q.query(`delete from changelog_outbox`);
    await q.query(
      `alter table changelog_outbox add column key text not null, alter column payload drop not null`,
    );
    await q.query(`alter table patient add column item_count bigint not null default 0`);
    await q.query(`
      update patient p set item_count = c.n
      from (select nhs_number, count(*) as n from record_item where not removed group by nhs_number) c
      where p.nhs_number = c.nhs_number`);
    await q.query(`drop table remote_patient_record`);
    await q.query(`delete from consumed_offset where topic like '%.patient-records.v1'`);
    // The other collaborative's heads: what its record says besides its items, and the last change seen.
    await q.query(`
      create table remote_patient (
        nhs_number text primary key,
        collaborative text not null,
        sequence bigint not null,
        updated_at timestamptz not null,
        merged_into text,
        merged_from text[] not null,
        item_count bigint not null,
        received_at timestamptz not null default now()
      )`);
    // The other collaborative's items, in this read model's item encoding (item_encoding), as its changelog says.
    await q.query(`
      create table remote_record_item (
        nhs_number text not null,
        provider_ods_code text not null,
        source_record_id text not null,
        part text not null,
        kind text not null,
        sequence bigint not null,
        item bytea not null,
        primary key (nhs_number, provider_ods_code, source_record_id, part)
      )`);
    await q.query(`
      create table changelog_contract (
        version integer not null,
        complete boolean not null,
        recorded_at timestamptz not null default now()
      )`);
    // A read model with no patients has nothing unpublished: it is complete from its first change.
    await q.query(
      `insert into changelog_contract (version, complete) select 2, not exists (select 1 from patient)`,
    );
  }

  down(): Promise<void> {
    return Promise.reject(
      new Error(
        'ItemLevelChangelog1764200000004 cannot be reverted: rebuild the read model with the earlier release',
      ),
    );
  }
}
