import type { DatabaseConfig } from '@crosscare/config';
import { createSchemaDataSource, openMigrated } from '@crosscare/database';
import type { DataSource } from 'typeorm';
import { CreateSdeTables1764900000000 } from './migrations/1764900000000-create-sde-tables';

export const SDE_MIGRATIONS = [CreateSdeTables1764900000000];

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
