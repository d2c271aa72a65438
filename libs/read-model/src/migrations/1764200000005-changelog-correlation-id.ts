import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The correlation id of the provider request behind a changelog message (docs/operations.md, "Logs"): kept with the
 * message in the outbox, and sent by the relay as the Kafka header `crosscare-correlation-id`, so one request can be
 * followed from ingest through the projector to its subscribers. Nullable: messages written before this migration, and
 * those of a rebuild's fill or a sequence reconciliation, belong to no one request.
 */
export class ChangelogCorrelationId1764200000005 implements MigrationInterface {
  name = 'ChangelogCorrelationId1764200000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table changelog_outbox add column correlation_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table changelog_outbox drop column correlation_id`);
  }
}
