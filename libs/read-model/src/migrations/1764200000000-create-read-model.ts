import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A collaborative's read model. Unqualified names: the connection's search_path is the read model's schema, so the
 * same migration builds the live schema, a rebuild's fresh one and each test's private one.
 */
export class CreateReadModel1764200000000 implements MigrationInterface {
  name = 'CreateReadModel1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per NHS number ever seen. sequence counts the changelog records published for the patient; merged_into
    // points a retired number at its survivor (always one hop: later merges re-point earlier ones).
    await q.query(`
      create table patient (
        nhs_number text primary key,
        sequence bigint not null default 0,
        merged_into text,
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index patient_merged_into on patient (merged_into) where merged_into is not null`);
    // One row per item: the latest version of one part of a provider's source record, or a tombstone (removed) that
    // keeps an older version arriving late from bringing it back. The event is kept whole so that a snapshot, the
    // record API and FHIR rendering need no column per field of 15 event types; as json, not jsonb, because it is
    // only ever read whole, and converting every write to jsonb costs the projector more than any query would gain.
    await q.query(`
      create table record_item (
        provider_ods_code text not null,
        source_record_id text not null,
        part text not null,
        nhs_number text not null,
        kind text not null,
        ics text not null,
        collaborative text not null,
        source_record_version bigint not null,
        event_id text not null,
        event_type text not null,
        occurred_at timestamptz not null,
        recorded_at timestamptz not null,
        removed boolean not null,
        event json not null,
        primary key (provider_ods_code, source_record_id, part)
      )`);
    await q.query(`create index record_item_patient on record_item (nhs_number)`);
    // Every merge applied, for provenance: the patient row alone says only where a number points now.
    await q.query(`
      create table patient_merge (
        retired_nhs_number text primary key,
        surviving_nhs_number text not null,
        provider_ods_code text not null,
        ics text not null,
        event_id uuid not null,
        occurred_at timestamptz not null,
        applied_at timestamptz not null default now()
      )`);
    // The next offset to read of every partition this read model consumes, written in the same transaction as the
    // writes it accounts for: the read model and its position can never disagree.
    await q.query(`
      create table consumed_offset (
        topic text not null,
        partition integer not null,
        next_offset bigint not null,
        updated_at timestamptz not null default now(),
        primary key (topic, partition)
      )`);
    // Changelog records waiting for the relay, written in the transaction that changed the patient, so the topic is
    // never ahead of the database; the relay deletes a row once the broker has it, so never behind for long.
    await q.query(`
      create table changelog_outbox (
        id bigserial primary key,
        nhs_number text not null,
        sequence bigint not null,
        payload bytea not null,
        created_at timestamptz not null default now()
      )`);
    // The other collaborative's records, as its changelog last said, so either side can show all six ICSs.
    await q.query(`
      create table remote_patient_record (
        nhs_number text primary key,
        collaborative text not null,
        sequence bigint not null,
        updated_at timestamptz not null,
        record jsonb not null,
        received_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'remote_patient_record',
      'changelog_outbox',
      'consumed_offset',
      'patient_merge',
      'record_item',
      'patient',
    ])
      await q.query(`drop table ${table}`);
  }
}
