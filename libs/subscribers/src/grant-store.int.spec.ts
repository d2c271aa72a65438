import { createSchemaDataSource } from '@crosscare/database';
import { TestSchema } from '@crosscare/testing';
import { GrantStore } from './grant-store';
import { CreateSubscriberGrants1764300000000 } from './migrations/1764300000000-create-subscriber-grants';

/**
 * The register's upgrade for SDE grants, against real Postgres: a register written before it keeps its grants and
 * history, which take their collaborative, and from then on every grant and history row names exactly one target.
 */
let db: TestSchema;
let store: GrantStore;

beforeAll(async () => {
  db = await TestSchema.create('grant_store');
  // The register as it was: the first migration alone, with a grant and its history.
  const before = createSchemaDataSource({
    database: { url: db.databaseUrl, poolSize: 1 },
    schema: db.name,
    migrations: [CreateSubscriberGrants1764300000000],
    migrationsTableName: 'subscriber_access_migrations',
    applicationName: 'crosscare-test',
  });
  await before.initialize();
  try {
    await before.runMigrations();
    await before.query(
      `insert into subscriber_grants (name, principal, organisation_ods_code, collaborative, topics, group_prefix,
         agreement, expires_at, granted_by, granted_at)
       values ('ehr-old', 'crosscare-sub-ehr-old', 'VM1A2', 'OHC', '{crosscare.ohc.patient-records.v2}',
         'crosscare-sub-ehr-old.', 'DSA-2026-0001', null, 'ig-operator', now())`,
    );
    await before.query(
      `insert into subscriber_grant_history (name, change, changed_by, changed_at, agreement, expires_at)
       values ('ehr-old', 'GRANTED', 'ig-operator', now(), 'DSA-2026-0001', null)`,
    );
  } finally {
    await before.destroy();
  }
  // Opening the register migrates it (poolSize 2: the migration's lock holds one connection while it runs).
  store = await GrantStore.open({ url: db.databaseUrl, poolSize: 2 }, db.name);
}, 60_000);

afterAll(async () => {
  await store?.close();
  await db?.drop();
});

describe('the grants register, upgraded for SDE grants', () => {
  it('keeps grants made before, with their collaborative and no SDE project, and their history', async () => {
    expect(await store.find('ehr-old')).toMatchObject({ collaborative: 'OHC', sdeProject: null });
    expect(await store.history('ehr-old')).toEqual([
      expect.objectContaining({ change: 'GRANTED', collaborative: 'OHC', sdeProject: null }),
    ]);
  });

  it.each([
    ['both a collaborative and a project', `'CCR', 'diabetes-outcomes'`],
    ['neither', 'null, null'],
  ])('refuses a grant with %s', async (_why, target) => {
    await expect(
      db.query(
        `insert into subscriber_grants (name, principal, organisation_ods_code, collaborative, sde_project, topics,
           group_prefix, agreement, granted_by, granted_at)
         values ('bad', 'x-sub-bad', 'VM1A2', ${target}, '{}', 'x-sub-bad.', 'DSA-2026-0001', 'me', now())`,
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'subscriber_grants_one_target' });
    await expect(
      db.query(
        `insert into subscriber_grant_history (name, change, changed_by, changed_at, agreement, collaborative,
           sde_project)
         values ('bad', 'GRANTED', 'me', now(), 'DSA-2026-0001', ${target})`,
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'subscriber_grant_history_one_target' });
  });
});
