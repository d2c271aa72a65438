import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SDE teams are granted an approved project's topics by the same register as changelog subscribers: a grant names a
 * collaborative or an SDE project, exactly one, and so does each history row.
 *
 * History rows written before this migration recorded no target; they take their grant's, which is what was granted
 * unless the name was revoked and granted again for the other collaborative (the audit topic's events, which always
 * named the collaborative, say which).
 */
export class SdeProjectGrants1765000000000 implements MigrationInterface {
  name = 'SdeProjectGrants1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table subscriber_grants
        alter column collaborative drop not null,
        add column sde_project text,
        add constraint subscriber_grants_one_target check ((collaborative is null) <> (sde_project is null))`);
    await q.query(`
      alter table subscriber_grant_history
        add column collaborative text,
        add column sde_project text`);
    await q.query(`
      update subscriber_grant_history h set collaborative = g.collaborative
      from subscriber_grants g where g.name = h.name`);
    await q.query(`
      alter table subscriber_grant_history
        add constraint subscriber_grant_history_one_target
        check ((collaborative is null) <> (sde_project is null))`);
  }

  /** Refused while any SDE grant is registered: going back would lose its record, which the IG audit needs. */
  async down(q: QueryRunner): Promise<void> {
    const [{ count }] = (await q.query(
      `select count(*)::int as count from subscriber_grants where sde_project is not null`,
    )) as Array<{ count: number }>;
    if (count > 0) {
      throw new Error(
        `cannot undo ${this.name}: ${count} SDE project grant(s) are registered, which the older register cannot hold`,
      );
    }
    await q.query(`
      alter table subscriber_grant_history
        drop constraint subscriber_grant_history_one_target,
        drop column sde_project,
        drop column collaborative`);
    await q.query(`
      alter table subscriber_grants
        drop constraint subscriber_grants_one_target,
        drop column sde_project,
        alter column collaborative set not null`);
  }
}
