import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which schema serves each read model. One row per configured read model name (the projector's
 * PROJECTOR_DATABASE_SCHEMA), pointing at the schema that currently serves it: the name itself until a rebuild
 * switches it to a fresh schema. Projectors and the record API follow the pointer; the previous schema is kept until
 * an operator drops it, so a switch can be undone by pointing back.
 */
export class CreateReadModelControl1764200000001 implements MigrationInterface {
  name = 'CreateReadModelControl1764200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table active_read_model (
        name text primary key,
        schema text not null,
        previous_schema text,
        switched_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table active_read_model`);
  }
}
