import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger by provider and patient: before publishing a death or a merge, ingest asks whether the provider holds
 * records for the patient (SharedRecordLedger.patientsHeld). The primary key leads with the provider but then the
 * source record id, so without this index that question reads every row the provider ever shared (a GP practice's
 * tens of thousands); with it, one probe, at 6 million patients as at six.
 *
 * Built inside the migrations' transaction, which blocks writes to the ledger while it builds. On a large production
 * ledger build it first without blocking, under the same name, and this migration then finds it and does nothing:
 *   create index concurrently if not exists shared_record_versions_provider_patient
 *     on shared_record_versions (provider_ods_code, nhs_number);
 */
export class IndexLedgerByProviderPatient1764300000000 implements MigrationInterface {
  name = 'IndexLedgerByProviderPatient1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create index if not exists shared_record_versions_provider_patient
        on shared_record_versions (provider_ods_code, nhs_number)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists shared_record_versions_provider_patient`);
  }
}
