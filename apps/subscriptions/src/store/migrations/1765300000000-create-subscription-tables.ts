import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The subscription service's state, in its own schema. Delivery state, not content: what a notification says is read
 * from the ICS topics (kept forever) by each event's position, never copied here.
 * - subscriptions: each subscriber's Subscription, its channel (headers sealed), the count of events numbered for it
 *   (events_since_start, the backport's events-since-subscription-start) and how far delivery has got
 *   (delivered_through), with the retry state the delivery worker keeps.
 * - subscription_events: each subscription's numbered events: which record change (event id, source position),
 *   the topic it triggered and its focus. $events answers from here and the ICS topics.
 * - consumed_offsets: the next offset of each source partition, committed with the events it numbered, so a
 *   redelivered batch numbers nothing twice (exactly-once effect, as the projector's read model).
 * - seen_record_changes: record-change event ids already matched, so the rare copy ingest can publish (the same
 *   event id twice) is numbered once.
 * - subscription_index_version: bumped by every change to a subscription, so each consumer instance knows, once per
 *   batch and cheaply, whether the subscriptions it matches against are still current.
 * - source_cluster: the Kafka cluster the positions belong to.
 */
export class CreateSubscriptionTables1765300000000 implements MigrationInterface {
  name = 'CreateSubscriptionTables1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table subscriptions (
        id uuid primary key,
        owner_ods_code text not null,
        created_by text not null,
        role text not null,
        topic text not null,
        filter jsonb not null,
        channel_type text not null,
        endpoint text,
        header_names text[] not null,
        sealed_headers bytea,
        payload text not null,
        heartbeat_seconds integer,
        timeout_seconds integer,
        max_count integer not null,
        end_at timestamptz,
        reason text not null,
        status text not null,
        error text,
        version_id integer not null,
        created_at timestamptz not null,
        last_updated timestamptz not null,
        events_since_start bigint not null default 0,
        delivered_through bigint not null default 0,
        consecutive_failures integer not null default 0,
        next_attempt_at timestamptz not null,
        last_sent_at timestamptz,
        lease_until timestamptz
      )`);
    await q.query(`create index subscriptions_by_owner on subscriptions (owner_ods_code)`);
    // What the delivery worker scans for: work pending, or a handshake or heartbeat to send.
    await q.query(`create index subscriptions_due on subscriptions (next_attempt_at) where status <> 'off'`);
    await q.query(`
      create table subscription_events (
        subscription_id uuid not null references subscriptions (id) on delete cascade,
        event_number bigint not null,
        record_change_id uuid not null,
        topic text not null,
        focus_type text not null,
        focus_id text not null,
        nhs_number text not null,
        occurred_at timestamptz not null,
        source_topic text not null,
        source_partition integer not null,
        source_offset bigint not null,
        numbered_at timestamptz not null,
        primary key (subscription_id, event_number)
      )`);
    await q.query(`create index subscription_events_by_age on subscription_events (numbered_at)`);
    await q.query(`
      create table consumed_offsets (
        topic text not null,
        partition integer not null,
        next_offset bigint not null,
        primary key (topic, partition)
      )`);
    await q.query(`
      create table seen_record_changes (
        event_id uuid primary key,
        seen_at timestamptz not null
      )`);
    await q.query(`create index seen_record_changes_by_age on seen_record_changes (seen_at)`);
    await q.query(`create table subscription_index_version (version bigint not null)`);
    await q.query(`insert into subscription_index_version (version) values (0)`);
    await q.query(`create table source_cluster (cluster_id text not null)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `drop table if exists source_cluster, subscription_index_version, seen_record_changes, consumed_offsets, subscription_events, subscriptions`,
    );
  }
}
