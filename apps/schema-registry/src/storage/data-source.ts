import type { DatabaseConfig } from '@crosscare/config';
import { createSchemaDataSource, migrateUnderLock } from '@crosscare/database';
import type { DataSource } from 'typeorm';
import { REGISTRY_ENTITIES } from './entities';
import { CreateRegistryTables1764000000000 } from './migrations/1764000000000-create-registry-tables';

export const REGISTRY_MIGRATIONS = [CreateRegistryTables1764000000000];

// Any fixed 64-bit key works; it only has to be the same on every replica.
const MIGRATION_LOCK_KEY = 7_236_512_001;

export function createRegistryDataSource(database: DatabaseConfig, schema: string): DataSource {
  return createSchemaDataSource({
    database,
    schema,
    entities: REGISTRY_ENTITIES,
    migrations: REGISTRY_MIGRATIONS,
    migrationsTableName: 'registry_migrations',
    applicationName: 'crosscare-schema-registry',
  });
}

/** Replicas starting together take turns migrating. */
export function migrateRegistryDatabase(dataSource: DataSource, schema: string): Promise<string[]> {
  return migrateUnderLock(dataSource, schema, MIGRATION_LOCK_KEY);
}
