import { randomBytes } from 'node:crypto';
import { openReadModel } from '@crosscare/read-model';
import { databaseUrlFromEnvironment } from '@crosscare/testing';
import { Client } from 'pg';
import { provisionDatabaseRoles, roleDatabaseUrl, scramVerifier } from './database-access';
import { databaseAccessPlan, loginRole, type DatabaseService } from './database-roles';

/**
 * The roles provisioned on the real server, with names and schemas of their own (roles are cluster-wide), then used:
 * each service can do its work as its own role and is refused everything else (42501, permission denied).
 */
describe('database roles (real Postgres)', () => {
  const adminUrl = databaseUrlFromEnvironment();
  const tag = randomBytes(4).toString('hex');
  const schemas = {
    ingest: `test_ledger_${tag}`,
    registry: `test_registry_${tag}`,
    ccr: `test_rm_ccr_${tag}`,
    ohc: `test_rm_ohc_${tag}`,
    control: `test_control_${tag}`,
    sde: `test_sde_${tag}`,
    // Never the stack's own `subscriptions`: the clean-up drops what the suite's roles own.
    subscriptions: `test_subscriptions_${tag}`,
  };
  const plan = databaseAccessPlan({
    database: new URL(adminUrl).pathname.slice(1),
    rolePrefix: 'test_crosscare_',
    roleSuffix: `_${tag}`,
    ingestSchema: schemas.ingest,
    registrySchema: schemas.registry,
    readModels: { CCR: schemas.ccr, OHC: schemas.ohc },
    controlSchema: schemas.control,
    recordApis: ['CCR', 'OHC'],
    sdeSchema: schemas.sde,
    subscriptionsSchema: schemas.subscriptions,
  });
  const passwords = new Map(plan.logins.map((l) => [l.service, randomBytes(16).toString('hex')]));
  const password = (service: DatabaseService) => passwords.get(service) ?? '';
  const urlOf = (service: DatabaseService) =>
    roleDatabaseUrl(adminUrl, loginRole(plan, service).name, password(service));
  const clients = new Map<DatabaseService, Client>();
  let admin: Client;

  /** A connection as the service's own role (one per service, kept for the suite). */
  async function as(service: DatabaseService): Promise<Client> {
    let client = clients.get(service);
    if (!client) {
      client = new Client({ connectionString: urlOf(service) });
      await client.connect();
      clients.set(service, client);
    }
    return client;
  }

  /** 'ok', or the SQLSTATE the statement failed with. */
  async function attempt(service: DatabaseService, sql: string): Promise<string> {
    try {
      await (await as(service)).query(sql);
      return 'ok';
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  }

  const DENIED = '42501';

  beforeAll(async () => {
    admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    // What a service made while it still ran as the superuser: provisioning hands it to the schema's owner.
    await admin.query(`create schema "${schemas.ingest}"`);
    await admin.query(`create table "${schemas.ingest}".legacy (id serial primary key, note text)`);
    await provisionDatabaseRoles(adminUrl, plan, password);
    // Idempotent: stack:up runs it at every start.
    await provisionDatabaseRoles(adminUrl, plan, password);
  });

  afterAll(async () => {
    await Promise.allSettled([...clients.values()].map((c) => c.end()));
    const schemaNames = await admin.query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname like $1`,
      [`test_%_${tag}%`],
    );
    for (const { nspname } of schemaNames.rows) await admin.query(`drop schema "${nspname}" cascade`);
    const roles = [...plan.logins.map((l) => l.name), plan.projectorGroup];
    for (const role of roles) await admin.query(`drop owned by "${role}"`);
    for (const role of roles) await admin.query(`drop role "${role}"`);
    await admin.end();
  });

  it('lets a projector migrate its read model as its own role, which owns it', async () => {
    const db = await openReadModel({ url: urlOf('projector-ccr'), poolSize: 2 }, schemas.ccr, 'roles-test');
    await db.destroy();
    const owners = await admin.query<{ owner: string }>(
      `select distinct tableowner as owner from pg_tables where schemaname = $1`,
      [schemas.ccr],
    );
    expect(owners.rows.map((r) => r.owner)).toEqual([loginRole(plan, 'projector-ccr').name]);
    await openReadModel({ url: urlOf('projector-ohc'), poolSize: 2 }, schemas.ohc, 'roles-test').then((d) =>
      d.destroy(),
    );
  });

  it('lets a service migrate its provisioned schema without CREATE on the database, and adopts what it had', async () => {
    // The read model's migrations stand in for ingest's (libs do not import apps): run as ingest, in its schema.
    await openReadModel({ url: urlOf('ingest'), poolSize: 2 }, schemas.ingest, 'roles-test').then((d) =>
      d.destroy(),
    );
    expect(await attempt('ingest', `insert into "${schemas.ingest}".legacy (note) values ('mine now')`)).toBe(
      'ok',
    );
    expect(await attempt('ingest', `create schema "test_extra_${tag}"`)).toBe(DENIED);
  });

  it("lets the record API SELECT its collaborative's read model and write nothing", async () => {
    // The read model as its projector migrates it (again, if the migration test ran first: a no-op).
    await openReadModel({ url: urlOf('projector-ccr'), poolSize: 2 }, schemas.ccr, 'roles-test').then((d) =>
      d.destroy(),
    );
    const projector = await as('projector-ccr');
    await projector.query(`create table "${schemas.ccr}".probe (id int primary key, note text)`);
    await projector.query(`insert into "${schemas.ccr}".probe values (1, 'projected')`);

    const reader = await as('record-api-ccr');
    expect((await reader.query(`select note from "${schemas.ccr}".probe`)).rows).toEqual([
      { note: 'projected' },
    ]);
    expect(await attempt('record-api-ccr', `select count(*) from "${schemas.ccr}".patient`)).toBe('ok');
    for (const sql of [
      `insert into "${schemas.ccr}".probe values (2, 'forged')`,
      `update "${schemas.ccr}".probe set note = 'changed'`,
      `delete from "${schemas.ccr}".probe`,
      `truncate "${schemas.ccr}".probe`,
      `create table "${schemas.ccr}".own (id int)`,
      `drop table "${schemas.ccr}".probe`,
      `create schema "test_extra_${tag}"`,
      `create temporary table scratch (id int)`,
      `create table public.test_public_${tag} (id int)`,
    ]) {
      expect([sql, await attempt('record-api-ccr', sql)]).toEqual([sql, DENIED]);
    }
    // Another collaborative's record API does not read this one's read model.
    expect(await attempt('record-api-ohc', `select * from "${schemas.ccr}".probe`)).toBe(DENIED);
  });

  it("keeps each projector out of the other collaborative's read model and the ledger", async () => {
    await (await as('projector-ohc')).query(`create table "${schemas.ohc}".probe (id int)`);
    for (const sql of [
      `select * from "${schemas.ohc}".probe`,
      `insert into "${schemas.ohc}".probe values (1)`,
      `create table "${schemas.ohc}".own (id int)`,
      `drop schema "${schemas.ohc}" cascade`,
      `select * from "${schemas.ingest}".legacy`,
      `insert into "${schemas.ingest}".legacy (note) values ('forged')`,
      `select * from "${schemas.registry}".anything`,
    ]) {
      expect([sql, await attempt('projector-ccr', sql)]).toEqual([sql, DENIED]);
    }
  });

  it('keeps ingest and the registry out of the read models and of each other', async () => {
    await (await as('registry')).query(`create table "${schemas.registry}".subjects (name text)`);
    expect(await attempt('ingest', `select * from "${schemas.ccr}".patient`)).toBe(DENIED);
    expect(await attempt('ingest', `select * from "${schemas.registry}".subjects`)).toBe(DENIED);
    expect(await attempt('ingest', `select * from "${schemas.control}".anything`)).toBe(DENIED);
    expect(await attempt('registry', `select * from "${schemas.ccr}".patient`)).toBe(DENIED);
    expect(await attempt('registry', `select * from "${schemas.ingest}".legacy`)).toBe(DENIED);
    expect(await attempt('registry', `select * from "${schemas.ohc}".probe`)).toBe(DENIED);
    expect(await attempt('record-api-ccr', `select * from "${schemas.ingest}".legacy`)).toBe(DENIED);
    expect(await attempt('record-api-ccr', `select * from "${schemas.registry}".subjects`)).toBe(DENIED);
  });

  it('lets the SDE publisher migrate its own store, and keeps it and everyone else apart', async () => {
    // The read model's migrations stand in for the publisher's (libs do not import apps): run as it, in its schema.
    await openReadModel({ url: urlOf('sde-publisher'), poolSize: 2 }, schemas.sde, 'roles-test').then((d) =>
      d.destroy(),
    );
    const publisher = await as('sde-publisher');
    await publisher.query(`create table "${schemas.sde}".opt_outs (nhs_number text primary key)`);
    expect(
      await attempt('sde-publisher', `insert into "${schemas.sde}".opt_outs values ('9990000018')`),
    ).toBe('ok');
    // Its store links NHS numbers to pseudonyms: no other service reads it.
    for (const service of ['ingest', 'registry', 'projector-ccr', 'record-api-ccr'] as const) {
      expect([service, await attempt(service, `select * from "${schemas.sde}".opt_outs`)]).toEqual([
        service,
        DENIED,
      ]);
    }
    for (const sql of [
      `select * from "${schemas.ingest}".legacy`,
      `select * from "${schemas.ccr}".probe`,
      `select * from "${schemas.registry}".subjects`,
      `create schema "test_extra_${tag}"`,
      `create table public.test_public_${tag} (id int)`,
      `create temporary table scratch (id int)`,
    ]) {
      expect([sql, await attempt('sde-publisher', sql)]).toEqual([sql, DENIED]);
    }
  });

  it('lets the subscription service migrate its own store and SELECT the CCR read model, writing nothing there', async () => {
    // The read model's migrations stand in for the service's (libs do not import apps): run as it, in its schema.
    await openReadModel(
      { url: urlOf('subscriptions'), poolSize: 2 },
      schemas.subscriptions,
      'roles-test',
    ).then((d) => d.destroy());
    const service = await as('subscriptions');
    await service.query(
      `create table "${schemas.subscriptions}".subscriptions (id int primary key, secret text)`,
    );
    expect(
      await attempt('subscriptions', `insert into "${schemas.subscriptions}".subscriptions values (1, 's')`),
    ).toBe('ok');
    // Its store holds subscribers' sealed secrets: no other service reads it.
    for (const other of ['ingest', 'projector-ccr', 'record-api-ccr', 'sde-publisher'] as const) {
      expect([other, await attempt(other, `select * from "${schemas.subscriptions}".subscriptions`)]).toEqual(
        [other, DENIED],
      );
    }
    // It reads the CCR read model as the CCR record API does, and the switch table, and writes neither.
    await openReadModel({ url: urlOf('projector-ccr'), poolSize: 2 }, schemas.ccr, 'roles-test').then((d) =>
      d.destroy(),
    );
    expect(await attempt('subscriptions', `select count(*) from "${schemas.ccr}".record_item`)).toBe('ok');
    for (const sql of [
      `delete from "${schemas.ccr}".record_item`,
      `create table "${schemas.ccr}".own (id int)`,
      `select * from "${schemas.ohc}".probe`,
      `select * from "${schemas.ingest}".legacy`,
      `select * from "${schemas.sde}".opt_outs`,
      `create schema "test_extra_${tag}"`,
      `create temporary table scratch (id int)`,
    ]) {
      expect([sql, await attempt('subscriptions', sql)]).toEqual([sql, DENIED]);
    }
  });

  it("keeps a rebuild's fresh schema readable by the record API, with no grant by the projector", async () => {
    const rebuilt = `${schemas.ccr}_r20261204t153000`;
    const db = await openReadModel({ url: urlOf('projector-ccr'), poolSize: 2 }, rebuilt, 'roles-test');
    try {
      await db.query(`create table "${rebuilt}".probe (id int)`);
      await db.query(`insert into "${rebuilt}".probe values (7)`);
    } finally {
      await db.destroy();
    }
    const reader = await as('record-api-ccr');
    expect((await reader.query(`select id from "${rebuilt}".probe`)).rows).toEqual([{ id: 7 }]);
    expect(await attempt('record-api-ccr', `select count(*) from "${rebuilt}".record_item`)).toBe('ok');
    expect(await attempt('record-api-ccr', `delete from "${rebuilt}".probe`)).toBe(DENIED);
    expect(await attempt('record-api-ohc', `select * from "${rebuilt}".probe`)).toBe(DENIED);
    expect(await attempt('projector-ohc', `select * from "${rebuilt}".probe`)).toBe(DENIED);
    // Provisioning again (the next stack:up) keeps it the CCR projector's and readable.
    await provisionDatabaseRoles(adminUrl, plan, password);
    expect(await attempt('record-api-ccr', `select * from "${rebuilt}".probe`)).toBe('ok');
  });

  it('shares the switch table between the projectors, and the record APIs only read it', async () => {
    // Created by whichever projector starts first (the control migration); here, the CCR one.
    const ccr = await as('projector-ccr');
    await ccr.query(
      `create table "${schemas.control}".active_read_model (name text primary key, schema text)`,
    );
    await ccr.query(
      `insert into "${schemas.control}".active_read_model values ('${schemas.ccr}', '${schemas.ccr}')`,
    );
    const table = `"${schemas.control}".active_read_model`;
    expect(
      await attempt('projector-ohc', `insert into ${table} values ('${schemas.ohc}', '${schemas.ohc}')`),
    ).toBe('ok');
    expect(await attempt('projector-ohc', `select schema from ${table} where name = 'x' for update`)).toBe(
      'ok',
    );
    expect(await attempt('record-api-ccr', `select schema from ${table}`)).toBe('ok');
    expect(await attempt('record-api-ccr', `update ${table} set schema = 'elsewhere'`)).toBe(DENIED);
    expect(await attempt('ingest', `select * from ${table}`)).toBe(DENIED);
    // The next provisioning hands the table to the projectors' group; both keep their rights.
    await provisionDatabaseRoles(adminUrl, plan, password);
    const [{ owner }] = (
      await admin.query<{ owner: string }>(
        `select tableowner as owner from pg_tables where schemaname = $1 and tablename = 'active_read_model'`,
        [schemas.control],
      )
    ).rows;
    expect(owner).toBe(plan.projectorGroup);
    expect(await attempt('projector-ccr', `update ${table} set schema = schema`)).toBe('ok');
    expect(await attempt('record-api-ccr', `select schema from ${table}`)).toBe('ok');
  });
  it('sets each password as a SCRAM verifier, the one Postgres itself makes of it', async () => {
    const role = loginRole(plan, 'registry').name;
    const stored = async () =>
      (await admin.query<{ v: string }>(`select rolpassword as v from pg_authid where rolname = $1`, [role]))
        .rows[0].v;
    const verifierOf = (v: string, pw: string) => {
      const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(v) ?? [];
      return scramVerifier(pw, Buffer.from(salt, 'base64'), Number(iterations));
    };
    const provisioned = await stored();
    expect(provisioned).toBe(verifierOf(provisioned, password('registry')));
    // Postgres's own hashing of a password (in a transaction rolled back) is what scramVerifier computes.
    await admin.query('begin');
    try {
      await admin.query(`set local password_encryption = 'scram-sha-256'`);
      await admin.query(`alter role "${role}" password 'An0ther-password_xyz'`);
      const own = await stored();
      expect(own).toBe(verifierOf(own, 'An0ther-password_xyz'));
    } finally {
      await admin.query('rollback');
    }
  });
});
