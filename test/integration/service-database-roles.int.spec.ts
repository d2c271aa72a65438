import { randomBytes } from 'node:crypto';
import {
  loginRole,
  provisionDatabaseRoles,
  roleDatabaseUrl,
  type DatabaseService,
} from '@crosscare/local-stack';
import { openReadModel } from '@crosscare/read-model';
import { databaseUrlFromEnvironment, testDatabaseAccessPlan } from '@crosscare/testing';
import { Client } from 'pg';
import { openIngestDatabase } from '../../apps/ingest/src/storage/data-source';
import { startRegistry } from '../../apps/schema-registry/src/testing/registry-under-test';
import { openSubscriptionsDatabase } from '../../apps/subscriptions/src/store/subscriptions-database';

/**
 * The services' own migrations, run as their own roles on provisioned schemas (as stack:up and compose run them):
 * each creates its tables, owns them, and the others cannot read them. Roles and schemas are unique to the run.
 */
describe('services on their own database roles (real Postgres)', () => {
  const adminUrl = databaseUrlFromEnvironment();
  const tag = randomBytes(4).toString('hex');
  const plan = testDatabaseAccessPlan(adminUrl, tag);
  const password = (service: DatabaseService) => `test-only-${service}`;
  const urlOf = (service: DatabaseService) =>
    roleDatabaseUrl(adminUrl, loginRole(plan, service).name, password(service));
  let admin: Client;

  const owners = async (schema: string) =>
    (
      await admin.query<{ owner: string }>(
        `select distinct tableowner as owner from pg_tables where schemaname = $1`,
        [schema],
      )
    ).rows.map((r) => r.owner);

  async function refused(service: DatabaseService, sql: string): Promise<string | undefined> {
    const client = new Client({ connectionString: urlOf(service) });
    await client.connect();
    try {
      await client.query(sql);
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await provisionDatabaseRoles(adminUrl, plan, password);
  });

  afterAll(async () => {
    const schemas = await admin.query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname like $1`,
      [`test_%_${tag}%`],
    );
    for (const { nspname } of schemas.rows) await admin.query(`drop schema "${nspname}" cascade`);
    const roles = [...plan.logins.map((l) => l.name), plan.projectorGroup];
    for (const role of roles) await admin.query(`drop owned by "${role}"`);
    for (const role of roles) await admin.query(`drop role "${role}"`);
    await admin.end();
  });

  it('migrates the ledger as ingest, which alone can read it', async () => {
    const schema = loginRole(plan, 'ingest').owns[0];
    const db = await openIngestDatabase({ url: urlOf('ingest'), poolSize: 2 }, schema);
    await db.destroy();
    expect(await owners(schema)).toEqual([loginRole(plan, 'ingest').name]);
    expect(await refused('projector-ccr', `select * from "${schema}".provider_credentials`)).toBe('42501');
    expect(await refused('record-api-ccr', `select * from "${schema}".shared_record_versions`)).toBe('42501');
  });

  it('runs the registry as its role: it migrates and serves', async () => {
    const schema = loginRole(plan, 'registry').owns[0];
    const registry = await startRegistry(urlOf('registry'), schema);
    try {
      // fetch refuses user info in a URL: the registry's admin credentials travel as a Basic header.
      const url = new URL(registry.url);
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      url.username = '';
      url.password = '';
      const response = await fetch(new URL('subjects/roles-test-value/versions', url), {
        method: 'POST',
        headers: {
          'content-type': 'application/vnd.schemaregistry.v1+json',
          authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
        },
        body: JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'R', fields: [] }) }),
      });
      expect(response.status).toBe(200);
    } finally {
      await registry.close();
    }
    expect(await owners(schema)).toEqual([loginRole(plan, 'registry').name]);
    expect(await refused('ingest', `select * from "${schema}".schemas`)).toBe('42501');
  });

  it('migrates a read model as its projector; the record API reads it, the other projector cannot', async () => {
    const schema = plan.readModels.CCR;
    const db = await openReadModel({ url: urlOf('projector-ccr'), poolSize: 2 }, schema, 'roles-test');
    await db.destroy();
    expect(await owners(schema)).toEqual([loginRole(plan, 'projector-ccr').name]);
    expect(await refused('record-api-ccr', `select * from "${schema}".record_item`)).toBeUndefined();
    expect(await refused('record-api-ccr', `delete from "${schema}".record_item`)).toBe('42501');
    expect(await refused('projector-ohc', `select * from "${schema}".record_item`)).toBe('42501');
  });

  it('migrates the subscription store as its role, which alone can read it; it reads the read model, writing nothing', async () => {
    const schema = loginRole(plan, 'subscriptions').owns[0];
    // A schema of the suite's own: the clean-up drops what the role owns, and must never reach the stack's store.
    expect(schema).not.toBe('subscriptions');
    const db = await openSubscriptionsDatabase(
      { url: urlOf('subscriptions'), poolSize: 2 },
      schema,
      'roles-test',
    );
    await db.destroy();
    expect(await owners(schema)).toEqual([loginRole(plan, 'subscriptions').name]);
    // Subscribers' sealed channel headers and what they were sent: no other service reads them.
    for (const service of ['record-api-ccr', 'projector-ccr', 'ingest'] as const)
      expect([service, await refused(service, `select * from "${schema}".subscriptions`)]).toEqual([
        service,
        '42501',
      ]);

    // Who cares for a patient comes from the CCR read model, as its projector migrates it (again: a no-op).
    const readModel = plan.readModels.CCR;
    const projected = await openReadModel(
      { url: urlOf('projector-ccr'), poolSize: 2 },
      readModel,
      'roles-test',
    );
    await projected.destroy();
    expect(await refused('subscriptions', `select * from "${readModel}".record_item`)).toBeUndefined();
    expect(await refused('subscriptions', `delete from "${readModel}".record_item`)).toBe('42501');
    expect(await refused('subscriptions', `select * from "${plan.readModels.OHC}".record_item`)).toBe(
      '42501',
    );
    expect(
      await refused(
        'subscriptions',
        `select * from "${loginRole(plan, 'ingest').owns[0]}".provider_credentials`,
      ),
    ).toBe('42501');
  });
});
