import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingest's tables. Unqualified names: the connection's search_path is INGEST_DATABASE_SCHEMA, so the same migration
 * serves production and each test's private schema.
 */
export class CreateIngestTables1764100000000 implements MigrationInterface {
  name = 'CreateIngestTables1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per API key. Only a hash of the secret is kept: a leaked table does not let anyone publish.
    await q.query(`
      create table provider_credentials (
        key_id text primary key,
        provider_ods_code text not null,
        secret_sha256 bytea not null,
        label text not null default '',
        created_at timestamptz not null default now(),
        revoked_at timestamptz
      )`);
    await q.query(`create index provider_credentials_provider on provider_credentials (provider_ods_code)`);
    // Every record version published, so a re-sent version publishes nothing new, and a FHIR DELETE (which carries
    // no patient) can find the NHS number of the record it removes.
    await q.query(`
      create table shared_record_versions (
        provider_ods_code text not null,
        source_record_id text not null,
        source_record_version bigint not null,
        event_type text not null,
        event_id uuid not null,
        content_sha256 bytea not null,
        nhs_number char(10) not null,
        topic text not null,
        correlation_id text not null,
        published_at timestamptz not null default now(),
        primary key (provider_ods_code, source_record_id, source_record_version, event_type)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table shared_record_versions`);
    await q.query(`drop table provider_credentials`);
  }
}
