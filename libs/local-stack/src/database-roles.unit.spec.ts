import * as fs from 'node:fs';
import * as path from 'node:path';
import { roleDatabaseUrl, stackDatabaseAccessPlan } from './database-access';
import { COMPOSE_ROLES_SCRIPT_HEADER } from './database-roles-script';
import {
  COMPOSE_DATABASE_ACCESS,
  composePasswordVariable,
  databaseAccessPlan,
  loginRole,
  passwordVariable,
  provisioningPsqlScript,
  provisioningStatements,
  rebuildSchemaPattern,
  sqlLiteral,
} from './database-roles';
import { REPO_ROOT } from './paths';

const INIT = path.join(REPO_ROOT, 'deploy/postgres/init');

describe('database roles', () => {
  it('names a role per service, with a prefix and suffix a test can make unique', () => {
    const plan = databaseAccessPlan({ database: 'crosscare', recordApis: ['CCR', 'OHC'] });
    expect(plan.logins.map((l) => [l.service, l.name])).toEqual([
      ['ingest', 'crosscare_ingest'],
      ['registry', 'crosscare_registry'],
      ['projector-ccr', 'crosscare_projector_ccr'],
      ['projector-ohc', 'crosscare_projector_ohc'],
      ['record-api-ccr', 'crosscare_record_api_ccr'],
      ['record-api-ohc', 'crosscare_record_api_ohc'],
      ['sde-publisher', 'crosscare_sde_publisher'],
      ['subscriptions', 'crosscare_subscriptions'],
    ]);
    expect(plan.projectorGroup).toBe('crosscare_projectors');
    const test = databaseAccessPlan({ database: 'crosscare_test', rolePrefix: 't_', roleSuffix: '_1a2b' });
    expect(loginRole(test, 'ingest').name).toBe('t_ingest_1a2b');
    expect(() => loginRole(test, 'record-api-ohc')).toThrow(/no database role/);
  });

  it('gives only the projectors CREATE on the database, the record APIs only reads, the subscription service its store and reads', () => {
    const plan = databaseAccessPlan({ database: 'crosscare' });
    expect(plan.logins.filter((l) => l.createsSchemas).map((l) => l.service)).toEqual([
      'projector-ccr',
      'projector-ohc',
    ]);
    expect(loginRole(plan, 'record-api-ccr')).toMatchObject({ owns: [], reads: 'CCR' });
    expect(loginRole(plan, 'ingest').owns).toEqual(['ingest']);
    expect(loginRole(plan, 'registry').owns).toEqual(['schema_registry']);
    expect(loginRole(plan, 'sde-publisher')).toMatchObject({ owns: ['sde'], createsSchemas: false });
    expect(loginRole(plan, 'sde-publisher').reads).toBeUndefined();
    expect(loginRole(plan, 'subscriptions')).toMatchObject({
      owns: ['subscriptions'],
      createsSchemas: false,
      reads: 'CCR',
    });
    expect(plan.logins.filter((l) => l.reads).map((l) => l.service)).toEqual([
      'record-api-ccr',
      'subscriptions',
    ]);
    expect(
      loginRole(databaseAccessPlan({ database: 'crosscare', subscriptionsReads: 'OHC' }), 'subscriptions')
        .reads,
    ).toBe('OHC');
    expect(loginRole(plan, 'projector-ohc')).toMatchObject({
      owns: ['projector_ohc'],
      rebuildsOf: 'projector_ohc',
    });
  });

  it('refuses names that are not plain identifiers, since they are spliced into SQL', () => {
    expect(() => databaseAccessPlan({ database: 'crosscare"; drop' })).toThrow(/database/);
    expect(() => databaseAccessPlan({ database: 'crosscare', rolePrefix: 'X-' })).toThrow(/role name/);
    expect(() => databaseAccessPlan({ database: 'crosscare', ingestSchema: 'a b' })).toThrow(/ingest schema/);
    expect(() => databaseAccessPlan({ database: 'crosscare', sdeSchema: 'sde"' })).toThrow(/SDE schema/);
    expect(() => databaseAccessPlan({ database: 'crosscare', subscriptionsSchema: 'Subs' })).toThrow(
      /subscriptions schema/,
    );
  });

  it('puts a password only in its role’s ALTER ROLE, quoted', () => {
    const plan = databaseAccessPlan({ database: 'crosscare' });
    const statements = provisioningStatements(plan, (role) => sqlLiteral(`pw'${role.service}`));
    for (const login of plan.logins) {
      const holding = statements.filter((s) => s.includes(`pw''${login.service}'`));
      expect(holding).toEqual([expect.stringMatching(new RegExp(`^ALTER ROLE "${login.name}" WITH LOGIN `))]);
    }
  });

  it('lets the SDE publisher, and nobody else, SELECT the subscriber grant register (for its expiry gauge)', () => {
    const plan = databaseAccessPlan({ database: 'crosscare', grantsSchema: 'grants' });
    const statements = provisioningStatements(plan, () => "'pw'");
    const onRegister = statements.filter((s) => s.includes('"grants"'));
    expect(onRegister).toEqual([
      'CREATE SCHEMA IF NOT EXISTS "grants"',
      'GRANT USAGE ON SCHEMA "grants" TO "crosscare_sde_publisher"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "grants" TO "crosscare_sde_publisher"',
      'ALTER DEFAULT PRIVILEGES IN SCHEMA "grants" GRANT SELECT ON TABLES TO "crosscare_sde_publisher"',
    ]);
  });

  it('has the SDE publisher own its store exactly as ingest owns its ledger, and grants nobody else on it', () => {
    const plan = databaseAccessPlan({ database: 'crosscare', sdeSchema: 'sde_store' });
    const statements = provisioningStatements(plan, () => "'pw'");
    const like = (service: 'ingest' | 'sde-publisher') => {
      const { name, owns } = loginRole(plan, service);
      return (
        statements
          .filter((s) => s.includes(`"${name}"`) || s.includes(`'${name}'`) || s.includes(`"${owns[0]}"`))
          // Its read of the grant register is the one difference: the next test.
          .filter((s) => !s.includes('"subscriber_access"'))
          .map((s) => s.replaceAll(name, '<role>').replaceAll(owns[0], '<schema>'))
      );
    };
    expect(like('sde-publisher')).toEqual(like('ingest'));
    expect(statements).toContain(
      'CREATE SCHEMA IF NOT EXISTS "sde_store" AUTHORIZATION "crosscare_sde_publisher"',
    );
    expect(statements.filter((s) => s.includes('sde_store') && /GRANT/.test(s))).toEqual([]);
  });

  it('has the subscription service own its store as ingest owns its ledger, and read the CCR read model as the CCR record API does', () => {
    const plan = databaseAccessPlan({ database: 'crosscare', subscriptionsSchema: 'subs_store' });
    const statements = provisioningStatements(plan, () => "'pw'");
    const of = (service: 'ingest' | 'record-api-ccr' | 'subscriptions') => {
      const { name, owns } = loginRole(plan, service);
      return statements
        .filter((s) => s.includes(`"${name}"`) || s.includes(`'${name}'`))
        .map((s) =>
          owns[0]
            ? s.replaceAll(name, '<role>').replaceAll(owns[0], '<schema>')
            : s.replaceAll(name, '<role>'),
        );
    };
    const [createRole, alterRole, connect, ...ingestOwns] = of('ingest');
    const [, , , ...recordApiReads] = of('record-api-ccr');
    expect(recordApiReads.length).toBeGreaterThan(0);
    expect(of('subscriptions')).toEqual([createRole, alterRole, connect, ...ingestOwns, ...recordApiReads]);
    // Reads, never writes: nothing but SELECT and USAGE on the read model and the switch table.
    expect(recordApiReads.join('\n')).not.toMatch(/INSERT|UPDATE|DELETE|CREATE/);
    // Its store is its own: nobody is granted anything on it.
    expect(statements.filter((s) => s.includes('subs_store') && /GRANT/.test(s))).toEqual([]);
  });

  it('matches rebuild schemas as rebuildSchemaName makes them', () => {
    const pattern = new RegExp(rebuildSchemaPattern('projector_ccr'));
    expect(pattern.test('projector_ccr_r20261125t171500')).toBe(true);
    expect(pattern.test('projector_ccr')).toBe(false);
    expect(pattern.test('projector_ccr_x_r20261125t171500')).toBe(false);
  });

  it('keeps deploy/postgres/init/crosscare-roles.psql generated from this plan', () => {
    const committed = fs.readFileSync(path.join(INIT, 'crosscare-roles.psql'), 'utf8');
    const generated = `${COMPOSE_ROLES_SCRIPT_HEADER}\n${provisioningPsqlScript(databaseAccessPlan(COMPOSE_DATABASE_ACCESS))}`;
    // Regenerate: npx tsx libs/local-stack/src/database-roles-script.ts > deploy/postgres/init/crosscare-roles.psql
    expect(committed).toBe(generated);
  });

  it('has the init script and docker-compose.yml pass every password the psql script uses, from the environment', () => {
    const plan = databaseAccessPlan(COMPOSE_DATABASE_ACCESS);
    const script = fs.readFileSync(path.join(INIT, '02-crosscare-roles.sh'), 'utf8');
    const compose = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    for (const login of plan.logins) {
      const variable = composePasswordVariable(login.service);
      expect(script).toContain(`-v ${passwordVariable(login.service)}="$${variable}"`);
      expect(compose).toContain(`${variable}: \${${variable}:?`);
      expect(compose).toContain(`DATABASE_URL: postgres://${login.name}:\${${variable}:?`);
    }
    expect(compose).not.toMatch(/DATABASE_URL: postgres:\/\/postgres:/);
  });
});

describe('the local stack’s database access', () => {
  it('follows the schemas the stack configures its services with', () => {
    const plan = stackDatabaseAccessPlan('crosscare', {
      CROSSCARE_PROJECTOR_SCHEMA_PREFIX: 'second',
      CROSSCARE_DATABASE_ROLE_PREFIX: 'second_',
      INGEST_DATABASE_SCHEMA: 'ledger',
      SDE_DATABASE_SCHEMA: 'sde_second',
    });
    expect(loginRole(plan, 'projector-ohc')).toMatchObject({
      name: 'second_projector_ohc',
      owns: ['second_ohc'],
    });
    expect(loginRole(plan, 'ingest')).toMatchObject({ name: 'second_ingest', owns: ['ledger'] });
    expect(loginRole(plan, 'registry').owns).toEqual(['schema_registry']);
    expect(loginRole(plan, 'sde-publisher')).toMatchObject({
      name: 'second_sde_publisher',
      owns: ['sde_second'],
    });
    // The subscription service reads the CCR read model the stack's projector serves, as the record API does.
    expect(loginRole(plan, 'subscriptions')).toMatchObject({
      name: 'second_subscriptions',
      owns: ['subscriptions'],
      reads: 'CCR',
    });
    expect(plan.readModels.CCR).toBe('second_ccr');
    expect(plan.logins.filter((l) => l.reads).map((l) => l.service)).toEqual([
      'record-api-ccr',
      'subscriptions',
    ]);
  });

  it("gives a service the admin URL's server and database, with its own role and password", () => {
    expect(roleDatabaseUrl('postgres://postgres@127.0.0.1:5432/crosscare', 'crosscare_ingest', 'a/b@c')).toBe(
      'postgres://crosscare_ingest:a%2Fb%40c@127.0.0.1:5432/crosscare',
    );
  });
});
