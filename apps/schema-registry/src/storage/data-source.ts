import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '@crosscare/config';
import { REGISTRY_ENTITIES } from './entities';
import { CreateRegistryTables1764000000000 } from './migrations/1764000000000-create-registry-tables';

export const REGISTRY_MIGRATIONS = [CreateRegistryTables1764000000000];

// Any fixed 64-bit key works; it only has to be the same on every replica.
const MIGRATION_LOCK_KEY = 7_236_512_001;

export function createRegistryDataSource(database: DatabaseConfig, schema: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url: database.url,
    schema,
    entities: REGISTRY_ENTITIES,
    migrations: REGISTRY_MIGRATIONS,
    migrationsTableName: 'registry_migrations',
    // search_path makes the migrations' unqualified table names land in this schema.
    extra: { max: database.poolSize, options: `-c search_path=${schema}` },
    applicationName: 'crosscare-schema-registry',
  });
}

/**
 * Creates the schema if needed and runs pending migrations. Replicas starting together take turns through a
 * session advisory lock, so two of them never race to create the same table.
 */
export async function migrateRegistryDatabase(dataSource: DataSource, schema: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await runner.query(`create schema if not exists "${schema}"`);
      const applied = await dataSource.runMigrations({ transaction: 'all' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
