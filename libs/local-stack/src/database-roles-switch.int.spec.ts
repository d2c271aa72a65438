import { randomBytes } from 'node:crypto';
import {
  inServingSnapshot,
  isServingReadModelCreated,
  openReadModel,
  READ_MODEL_CONTROL_SCHEMA,
  ReadModelControl,
} from '@crosscare/read-model';
import { databaseUrlFromEnvironment } from '@crosscare/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { provisionDatabaseRoles, roleDatabaseUrl } from './database-access';
import { databaseAccessPlan, loginRole, type DatabaseService } from './database-roles';
import { databaseUrl } from './postgres';

/**
 * The projectors' real switch table (`projector_control`, a fixed name) under the roles: in a database of its own, so
 * other suites' switch table is not touched. Both projectors migrate and use it, a rebuild switches CCR's read model
 * to a fresh schema, and the record API, on its read-only role, follows the switch.
 */
describe('read model switch under the database roles (real Postgres)', () => {
  const serverUrl = databaseUrlFromEnvironment();
  const tag = randomBytes(4).toString('hex');
  const database = `test_roles_${tag}`;
  const adminUrl = databaseUrl(serverUrl, database);
  const plan = databaseAccessPlan({ database, rolePrefix: 'test_crosscare_', roleSuffix: `_${tag}` });
  const password = (service: DatabaseService) => `test-only-${service}`;
  const urlOf = (service: DatabaseService) =>
    roleDatabaseUrl(adminUrl, loginRole(plan, service).name, password(service));
  const closers: Array<() => Promise<unknown>> = [];

  async function withServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    await withServer((c) => c.query(`create database "${database}"`));
    await provisionDatabaseRoles(adminUrl, plan, password);
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await withServer(async (c) => {
      await c.query(`drop database if exists "${database}" with (force)`);
      for (const role of [...plan.logins.map((l) => l.name), plan.projectorGroup]) {
        await c.query(`drop role if exists "${role}"`);
      }
    });
  });

  it('lets both projectors share the switch table, and the record API follow a rebuild', async () => {
    expect(READ_MODEL_CONTROL_SCHEMA).toBe(plan.controlSchema);
    const ccr = await ReadModelControl.open({ url: urlOf('projector-ccr'), poolSize: 2 });
    closers.push(() => ccr.close());
    expect(await ccr.activeSchema(plan.readModels.CCR)).toBe(plan.readModels.CCR);
    const serving = await openReadModel({ url: urlOf('projector-ccr'), poolSize: 2 }, plan.readModels.CCR);
    closers.push(() => serving.destroy());

    // The OHC projector opens the switch table the CCR one created (its migrations table included).
    const ohc = await ReadModelControl.open({ url: urlOf('projector-ohc'), poolSize: 2 });
    closers.push(() => ohc.close());
    expect(await ohc.activeSchema(plan.readModels.OHC)).toBe(plan.readModels.OHC);

    const reader = new DataSource({
      type: 'postgres',
      url: urlOf('record-api-ccr'),
      extra: { max: 2, options: '-c default_transaction_read_only=on' },
    });
    await reader.initialize();
    closers.push(() => reader.destroy());
    expect(await isServingReadModelCreated(reader, plan.readModels.CCR)).toBe(true);

    // A rebuild: the projector's role makes a fresh schema and switches to it; nobody grants anything.
    const fresh = `${plan.readModels.CCR}_r20261204t160000`;
    const rebuilt = await openReadModel({ url: urlOf('projector-ccr'), poolSize: 2 }, fresh);
    closers.push(() => rebuilt.destroy());
    const switchedFrom = await ccr.switchTo(plan.readModels.CCR, fresh, (current) =>
      Promise.resolve(current),
    );
    expect(switchedFrom).toBe(plan.readModels.CCR);

    expect(await isServingReadModelCreated(reader, plan.readModels.CCR)).toBe(true);
    const seen = await inServingSnapshot(reader, plan.readModels.CCR, async (tx) => {
      const [{ schema }] = await tx.query<{ schema: string }[]>('select current_schema() as schema');
      const [{ n }] = await tx.query<{ n: number }[]>('select count(*)::int as n from record_item');
      return { schema, n };
    });
    expect(seen).toEqual({ schema: fresh, n: 0 });
    // The role, not only the read-only sessions, keeps it from writing the pointer or the fresh schema.
    const raw = new Client({ connectionString: urlOf('record-api-ccr') });
    await raw.connect();
    closers.push(() => raw.end());
    for (const sql of [
      `update ${READ_MODEL_CONTROL_SCHEMA}.active_read_model set schema = name`,
      `delete from "${fresh}".record_item`,
    ]) {
      await expect(raw.query(sql)).rejects.toMatchObject({ code: '42501' });
    }
  });
});
