import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The events ingest has accepted and not yet published, written in the transaction that claims their record
 * versions in the ledger (docs/ingest.md, "Accepted, then published"). `xid` is the writing transaction's id: the
 * relay publishes rows only once every transaction older than them has ended, in (xid, id) order, so a row can
 * never commit behind the relay's position. Rows are deleted once the relay's Kafka transaction, which also records
 * its position, has committed.
 */
export class CreateIngestOutbox1765200000000 implements MigrationInterface {
  name = 'CreateIngestOutbox1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists ingest_outbox (
        id bigint generated always as identity primary key,
        xid xid8 not null default pg_current_xact_id(),
        topic text not null,
        partition integer,
        key bytea,
        value bytea not null,
        headers jsonb not null,
        accepted_at timestamptz not null default now()
      )`);
    await q.query(`create index if not exists ingest_outbox_relay_order on ingest_outbox (xid, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists ingest_outbox`);
  }
}
