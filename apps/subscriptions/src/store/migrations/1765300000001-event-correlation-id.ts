import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The correlation id of the provider request behind each numbered event (the record change's Kafka header
 * `crosscare-correlation-id`), sent as `X-Correlation-Id` with the rest-hook notification that carries it, so one
 * request can be followed from ingest to the subscriber (docs/operations.md, "Logs"). Nullable: events numbered before
 * this migration have none.
 */
export class EventCorrelationId1765300000001 implements MigrationInterface {
  name = 'EventCorrelationId1765300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table subscription_events add column correlation_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table subscription_events drop column correlation_id`);
  }
}
