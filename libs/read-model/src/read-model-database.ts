import type { DatabaseConfig } from '@crosscare/config';
import { createSchemaDataSource, openMigrated } from '@crosscare/database';
import type { DataSource } from 'typeorm';
import { CreateReadModel1764200000000 } from './migrations/1764200000000-create-read-model';
import { RecordSourceCluster1764200000002 } from './migrations/1764200000002-record-source-cluster';
import { StoreItemsAsAvro1764200000003 } from './migrations/1764200000003-store-items-as-avro';
import { ItemLevelChangelog1764200000004 } from './migrations/1764200000004-item-level-changelog';
import { ChangelogCorrelationId1764200000005 } from './migrations/1764200000005-changelog-correlation-id';
import { RecordSearchIndex1764200000006 } from './migrations/1764200000006-record-search-index';

export const READ_MODEL_MIGRATIONS = [
  CreateReadModel1764200000000,
  RecordSourceCluster1764200000002,
  StoreItemsAsAvro1764200000003,
  ItemLevelChangelog1764200000004,
  ChangelogCorrelationId1764200000005,
  RecordSearchIndex1764200000006,
];

// Any fixed 64-bit key; the same on every instance so that instances starting together migrate one at a time.
const MIGRATION_LOCK_KEY = 7_236_512_205;

/** A collaborative's read model in its schema, connected and migrated; instances starting together take turns. */
export function openReadModel(
  database: DatabaseConfig,
  schema: string,
  applicationName = 'crosscare-projector',
): Promise<DataSource> {
  const dataSource = createSchemaDataSource({
    database,
    schema,
    migrations: READ_MODEL_MIGRATIONS,
    migrationsTableName: 'read_model_migrations',
    applicationName,
  });
  return openMigrated(dataSource, schema, MIGRATION_LOCK_KEY);
}

/** Drops a read model's schema with everything in it, for a read model that is to start afresh. */
export async function dropReadModel(db: DataSource, schema: string): Promise<void> {
  await db.query(`drop schema "${schema}" cascade`);
}
