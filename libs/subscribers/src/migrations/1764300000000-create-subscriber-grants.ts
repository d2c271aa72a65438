import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The register of subscriber grants: one row per subscriber, its current state, and every change kept in
 * grant_history (who granted, revoked or let it expire, and when), so the register answers an IG audit by itself.
 */
export class CreateSubscriberGrants1764300000000 implements MigrationInterface {
  name = 'CreateSubscriberGrants1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table subscriber_grants (
        name text primary key,
        principal text not null unique,
        organisation_ods_code text not null,
        collaborative text not null,
        topics text[] not null,
        group_prefix text not null,
        agreement text not null,
        expires_at timestamptz,
        granted_by text not null,
        granted_at timestamptz not null,
        revoked_at timestamptz,
        revoked_by text,
        revoke_reason text
      )`);
    await q.query(`
      create table subscriber_grant_history (
        id bigserial primary key,
        name text not null,
        change text not null check (change in ('GRANTED', 'REVOKED', 'EXPIRED')),
        changed_by text not null,
        changed_at timestamptz not null,
        agreement text not null,
        expires_at timestamptz
      )`);
    await q.query(
      `create index subscriber_grants_expiry on subscriber_grants (expires_at) where revoked_at is null`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table subscriber_grant_history');
    await q.query('drop table subscriber_grants');
  }
}
