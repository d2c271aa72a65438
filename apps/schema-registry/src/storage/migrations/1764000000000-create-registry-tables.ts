import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry's tables. Unqualified names on purpose: the connection's search_path is the registry's schema
 * (SCHEMA_REGISTRY_DATABASE_SCHEMA), so the same migration serves production and every test's private schema.
 */
export class CreateRegistryTables1764000000000 implements MigrationInterface {
  name = 'CreateRegistryTables1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table schemas (
        id integer primary key check (id > 0),
        schema_type text not null,
        schema text not null,
        fingerprint text not null unique,
        created_at timestamptz not null default now()
      )`);
    await q.query(`
      create table subject_versions (
        subject text not null,
        version integer not null check (version > 0),
        schema_id integer not null references schemas (id),
        deleted boolean not null default false,
        created_at timestamptz not null default now(),
        primary key (subject, version)
      )`);
    await q.query(`create index subject_versions_schema_id on subject_versions (schema_id)`);
    await q.query(`
      create table settings (
        scope text not null,
        kind text not null check (kind in ('compatibility', 'mode')),
        value text not null,
        primary key (scope, kind)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table settings`);
    await q.query(`drop table subject_versions`);
    await q.query(`drop table schemas`);
  }
}
