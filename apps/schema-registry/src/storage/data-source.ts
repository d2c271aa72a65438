import type { DatabaseConfig } from '@crosscare/config';
import { createSchemaDataSource, openMigrated } from '@crosscare/database';
import type { DataSource } from 'typeorm';
import { REGISTRY_ENTITIES } from './entities';
import { CreateRegistryTables1764000000000 } from './migrations/1764000000000-create-registry-tables';

export const REGISTRY_MIGRATIONS = [CreateRegistryTables1764000000000];

// Any fixed 64-bit key works; it only has to be the same on every replica.
const MIGRATION_LOCK_KEY = 7_236_512_001;

/** The registry's data source, connected, its schema migrated; replicas starting together take turns migrating. */
export function openRegistryDatabase(database: DatabaseConfig, schema: string): Promise<DataSource> {
  const dataSource = createSchemaDataSource({
    database,
    schema,
    entities: REGISTRY_ENTITIES,
    migrations: REGISTRY_MIGRATIONS,
    migrationsTableName: 'registry_migrations',
    applicationName: 'crosscare-schema-registry',
  });
  return openMigrated(dataSource, schema, MIGRATION_LOCK_KEY);
}
