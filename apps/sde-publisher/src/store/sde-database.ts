import type { DatabaseConfig } from '@crosscare/config';
import { createSchemaDataSource, openMigrated } from '@crosscare/database';
import type { DataSource } from 'typeorm';
import { CreateSdeTables1764900000000 } from './migrations/1764900000000-create-sde-tables';
import { RecordSdeSourceCluster1765100000000 } from './migrations/1765100000000-record-source-cluster';

export const SDE_MIGRATIONS = [CreateSdeTables1764900000000, RecordSdeSourceCluster1765100000000];

/** The schema the publisher owns (SDE_DATABASE_SCHEMA). */
export const DEFAULT_SDE_SCHEMA = 'sde';

// Any fixed 64-bit key; the same on every instance so that instances starting together migrate one at a time.
const MIGRATION_LOCK_KEY = 7_236_512_116;

/** The publisher's store, connected and migrated. */
export function openSdeDatabase(
  database: DatabaseConfig,
  schema: string,
  applicationName = 'crosscare-sde-publisher',
): Promise<DataSource> {
  const dataSource = createSchemaDataSource({
    database,
    schema,
    migrations: SDE_MIGRATIONS,
    migrationsTableName: 'sde_migrations',
    applicationName,
  });
  return openMigrated(dataSource, schema, MIGRATION_LOCK_KEY);
}

/** Every table whose rows derive from what the publisher consumed: emptied when it starts afresh on a new cluster. */
const CONSUMED_STATE = ['project_rows', 'opt_outs', 'consumed_offsets', 'outbox', 'source_cluster'];

/** Forgets everything consumed, in one transaction, so the next start reads the brokers' topics from the beginning. */
export async function resetSdeStore(db: DataSource): Promise<void> {
  await db.transaction((tx) => tx.query(`truncate ${CONSUMED_STATE.join(', ')}`));
}
