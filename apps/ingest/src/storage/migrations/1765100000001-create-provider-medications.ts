import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Medication resources providers send, kept as reference data: a MedicationRequest, MedicationStatement or
 * MedicationDispense may name its product as `Medication/{id}`, and ingest reads the product's code from here. Not a
 * record change: a Medication says nothing about a patient, so nothing is published for it. One row per provider and
 * Medication id, its current version only.
 */
export class CreateProviderMedications1765100000001 implements MigrationInterface {
  name = 'CreateProviderMedications1765100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists provider_medications (
        provider_ods_code text not null,
        medication_id text not null,
        version bigint not null,
        resource_sha256 bytea not null,
        code jsonb not null,
        updated_at timestamptz not null default now(),
        primary key (provider_ods_code, medication_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists provider_medications`);
  }
}
