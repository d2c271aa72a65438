import type { DatabaseConfig } from '@crosscare/config';
import { createSchemaDataSource, openMigrated } from '@crosscare/database';
import { DataSource } from 'typeorm';
import { CreateSubscriptionTables1765300000000 } from './migrations/1765300000000-create-subscription-tables';
import { EventCorrelationId1765300000001 } from './migrations/1765300000001-event-correlation-id';

export const SUBSCRIPTIONS_MIGRATIONS = [
  CreateSubscriptionTables1765300000000,
  EventCorrelationId1765300000001,
];

/** The schema the service owns (SUBSCRIPTIONS_DATABASE_SCHEMA). */
export const DEFAULT_SUBSCRIPTIONS_SCHEMA = 'subscriptions';

// Any fixed 64-bit key; the same on every instance so that instances starting together migrate one at a time.
// Unlike every other key in Crosscare (grep 7_236_512_): advisory locks share one space per database.
const MIGRATION_LOCK_KEY = 7_236_512_141;

/** The service's own store, connected and migrated. */
export function openSubscriptionsDatabase(
  database: DatabaseConfig,
  schema: string,
  applicationName = 'crosscare-subscriptions',
): Promise<DataSource> {
  const dataSource = createSchemaDataSource({
    database,
    schema,
    migrations: SUBSCRIPTIONS_MIGRATIONS,
    migrationsTableName: 'subscriptions_migrations',
    applicationName,
  });
  return openMigrated(dataSource, schema, MIGRATION_LOCK_KEY);
}

/**
 * The projector's read model, read-only, for who cares for a patient: every session defaults to read-only
 * transactions, so no code path of this service can write the projector's tables, whatever its role allows.
 */
export function readModelDataSource(database: DatabaseConfig, schema: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url: database.url,
    schema,
    entities: [],
    extra: {
      max: database.poolSize,
      options: `-c search_path=${schema} -c default_transaction_read_only=on`,
    },
    applicationName: 'crosscare-subscriptions-reader',
  });
}

/** Everything derived from what was consumed: emptied when the service starts afresh on a new Kafka cluster. */
const CONSUMED_STATE = ['subscription_events', 'consumed_offsets', 'seen_record_changes', 'source_cluster'];

/**
 * Forgets what was consumed, keeping the subscriptions: their event numbers carry on (a subscriber sees a gap it
 * cannot fill, not numbers used twice), and their delivery is caught up to what they were numbered.
 */
export async function resetConsumedState(db: DataSource): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`truncate ${CONSUMED_STATE.join(', ')}`);
    await tx.query(`update subscriptions set delivered_through = events_since_start`);
  });
}
