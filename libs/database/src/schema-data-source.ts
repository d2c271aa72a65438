import type { DatabaseConfig } from '@crosscare/config';
import { DataSource, type MixedList } from 'typeorm';

export interface SchemaDataSourceOptions {
  readonly database: DatabaseConfig;
  /** The Postgres schema holding the service's tables; a test passes a private one. */
  readonly schema: string;
  readonly applicationName: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for migration classes
  readonly migrations: MixedList<Function>;
  readonly migrationsTableName: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
  readonly entities?: MixedList<Function>;
}

/**
 * A TypeORM data source confined to one Postgres schema. search_path makes migrations' unqualified table names land
 * in that schema, so the same migration serves production and every test's private schema.
 */
export function createSchemaDataSource(options: SchemaDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.database.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTableName: options.migrationsTableName,
    extra: { max: options.database.poolSize, options: `-c search_path=${options.schema}` },
    applicationName: options.applicationName,
  });
}

/**
 * Connects and migrates: the data source a service uses, ready. On failure nothing is left connected.
 */
export async function openMigrated(
  dataSource: DataSource,
  schema: string,
  lockKey: number,
): Promise<DataSource> {
  await dataSource.initialize();
  try {
    await migrateUnderLock(dataSource, schema, lockKey);
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/**
 * Creates the schema if missing (as the connecting role, which then owns it) and runs pending migrations. Instances
 * starting together take turns through a session advisory lock (any fixed key, the same on every instance of one
 * service), so two never race to create a table.
 */
export async function migrateUnderLock(
  dataSource: DataSource,
  schema: string,
  lockKey: number,
): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('select pg_advisory_lock($1)', [lockKey]);
    try {
      // Only when missing: even IF NOT EXISTS needs CREATE on the database, which a service whose schema was
      // provisioned for it (owned by its role, docs/security.md) is not given.
      const [present] = (await runner.query(
        'select count(*)::int as n from pg_namespace where nspname = $1',
        [schema],
      )) as { n: number }[];
      if (!present || present.n === 0) await runner.query(`create schema if not exists "${schema}"`);
      const applied = await dataSource.runMigrations({ transaction: 'all' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('select pg_advisory_unlock($1)', [lockKey]);
    }
  } finally {
    await runner.release();
  }
}
