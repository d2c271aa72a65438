import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SDE publisher's state, in its own schema:
 * - project_rows: every row each project may receive, as Avro of the project's schema (the registry id beside it),
 *   withheld while the patient's opt-out keeps them out of the project. What retroactive removal tombstones, a
 *   withdrawal republishes, and `sde:export` writes, without re-reading the ICS topics.
 * - opt_outs: each patient's standing opt-outs by kind, as the opt-out topic last said.
 * - consumed_offsets: the next offset of each source partition, committed with the rows it produced, so a
 *   redelivered event changes nothing (exactly-once effect, as the projector's read model).
 * - outbox: what is still to be published, in order; the relay sends and deletes.
 */
export class CreateSdeTables1764900000000 implements MigrationInterface {
  name = 'CreateSdeTables1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table project_rows (
        project text not null,
        row_key text not null,
        pseudonym text not null,
        schema_id integer not null,
        payload bytea not null,
        source_topic text not null,
        source_partition integer not null,
        source_offset bigint not null,
        withheld boolean not null,
        primary key (project, row_key)
      )`);
    await q.query(`create index project_rows_by_pseudonym on project_rows (project, pseudonym)`);
    await q.query(`
      create table opt_outs (
        nhs_number text not null,
        kind text not null,
        status text not null,
        changed_at timestamptz not null,
        primary key (nhs_number, kind)
      )`);
    await q.query(`
      create table consumed_offsets (
        topic text not null,
        partition integer not null,
        next_offset bigint not null,
        primary key (topic, partition)
      )`);
    await q.query(`
      create table outbox (
        id bigserial primary key,
        topic text not null,
        partition integer,
        key text not null,
        value bytea,
        enqueued_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['outbox', 'consumed_offsets', 'opt_outs', 'project_rows'])
      await q.query(`drop table ${table}`);
  }
}
