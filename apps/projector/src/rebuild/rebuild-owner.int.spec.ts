import { randomBytes } from 'node:crypto';
import { loginRole, provisionDatabaseRoles, roleDatabaseUrl } from '@crosscare/local-stack';
import { databaseUrlFromEnvironment, testDatabaseAccessPlan } from '@crosscare/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { assertSameOwner } from './rebuild-read-model';

/** A rebuild connected as another role than the read model's owner would build a schema its projector cannot use. */
describe('rebuild owner check (real Postgres)', () => {
  const adminUrl = databaseUrlFromEnvironment();
  const tag = randomBytes(4).toString('hex');
  const plan = testDatabaseAccessPlan(adminUrl, tag);
  const superuserSchema = `test_rm_legacy_${tag}`;
  let admin: Client;

  beforeAll(async () => {
    admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await provisionDatabaseRoles(adminUrl, plan, () => 'test-only');
    await admin.query(`create schema "${superuserSchema}"`);
  });

  afterAll(async () => {
    for (const schema of [...plan.logins.flatMap((l) => l.owns), plan.controlSchema, superuserSchema]) {
      await admin.query(`drop schema if exists "${schema}" cascade`);
    }
    const roles = [...plan.logins.map((l) => l.name), plan.projectorGroup];
    for (const role of roles) await admin.query(`drop owned by "${role}"`);
    for (const role of roles) await admin.query(`drop role "${role}"`);
    await admin.end();
  });

  it("passes as the read model's owner and refuses as anyone else", async () => {
    const projector = loginRole(plan, 'projector-ccr').name;
    const db = new DataSource({ type: 'postgres', url: roleDatabaseUrl(adminUrl, projector, 'test-only') });
    await db.initialize();
    try {
      await expect(assertSameOwner(db, plan.readModels.CCR)).resolves.toBeUndefined();
      await expect(assertSameOwner(db, `test_not_there_${tag}`)).resolves.toBeUndefined();
      await expect(assertSameOwner(db, superuserSchema)).rejects.toThrow(
        new RegExp(
          `belongs to role \\S+, but this rebuild connects as ${projector}: run it with the projector's`,
        ),
      );
    } finally {
      await db.destroy();
    }
  });
});
