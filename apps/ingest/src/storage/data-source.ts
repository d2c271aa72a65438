import type { DatabaseConfig } from '@crosscare/config';
import { createSchemaDataSource, openMigrated } from '@crosscare/database';
import type { DataSource } from 'typeorm';
import { CreateIngestTables1764100000000 } from './migrations/1764100000000-create-ingest-tables';
import { IndexLedgerByProviderPatient1764300000000 } from './migrations/1764300000000-index-ledger-by-provider-patient';
import { LedgerResourceContent1765100000000 } from './migrations/1765100000000-ledger-resource-content';
import { CreateProviderMedications1765100000001 } from './migrations/1765100000001-create-provider-medications';
import { CreateIngestOutbox1765200000000 } from './migrations/1765200000000-create-ingest-outbox';

export const INGEST_MIGRATIONS = [
  CreateIngestTables1764100000000,
  IndexLedgerByProviderPatient1764300000000,
  LedgerResourceContent1765100000000,
  CreateProviderMedications1765100000001,
  CreateIngestOutbox1765200000000,
];

// Any fixed 64-bit key; the same on every instance so that instances starting together migrate one at a time.
const MIGRATION_LOCK_KEY = 7_236_512_104;

/** Ingest's ledger and credentials, connected, the schema migrated; instances starting together take turns. */
export function openIngestDatabase(database: DatabaseConfig, schema: string): Promise<DataSource> {
  const dataSource = createSchemaDataSource({
    database,
    schema,
    migrations: INGEST_MIGRATIONS,
    migrationsTableName: 'ingest_migrations',
    applicationName: 'crosscare-ingest',
  });
  return openMigrated(dataSource, schema, MIGRATION_LOCK_KEY);
}
