import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The content of the FHIR resource each record version was published from: SHA-256 of its canonical JSON without
 * meta (canonicalContent in @crosscare/fhir). A resource sent without a version is the latest version again when its
 * content is the latest's, and the next version otherwise, as a FHIR server versions what it stores. Null for rows
 * from other formats, for DELETEs, and for rows written before this column.
 */
export class LedgerResourceContent1765100000000 implements MigrationInterface {
  name = 'LedgerResourceContent1765100000000';

  async up(q: QueryRunner): Promise<void> {
    // Adding a nullable column without a default rewrites nothing: instant on a ledger of any size.
    await q.query(`alter table shared_record_versions add column if not exists resource_sha256 bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table shared_record_versions drop column if exists resource_sha256`);
  }
}
