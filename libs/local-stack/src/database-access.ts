import { Client } from 'pg';
import {
  databaseAccessPlan,
  loginRole,
  provisioningStatements,
  sqlLiteral,
  type DatabaseAccessOptions,
  type DatabaseAccessPlan,
  type DatabaseService,
} from './database-roles';
import { envValue } from './env';
import type { StackPaths } from './paths';
import { projectorSchema } from './projector-process';
import { localSecret } from './secrets';

// Any fixed key: two stack:up (or tests) provisioning at once take turns rather than race on CREATE ROLE.
const PROVISIONING_LOCK_KEY = 7_236_512_214;

/**
 * Brings the plan's roles, schemas and privileges about, as the administrator `adminDatabaseUrl` names (connected
 * to the plan's database). `passwords` gives each login role's password. One transaction: all or nothing.
 */
export async function provisionDatabaseRoles(
  adminDatabaseUrl: string,
  plan: DatabaseAccessPlan,
  passwords: (service: DatabaseService) => string,
): Promise<void> {
  const client = new Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    try {
      await client.query('select pg_advisory_xact_lock($1)', [PROVISIONING_LOCK_KEY]);
      for (const statement of provisioningStatements(plan, (role) => sqlLiteral(passwords(role.service)))) {
        await client.query(statement);
      }
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      // The statements hold passwords: say which failed by its Postgres error only.
      throw error;
    }
  } finally {
    await client.end();
  }
}

/** A database URL for `role`, from an administrator's URL to the same database. */
export function roleDatabaseUrl(adminDatabaseUrl: string, role: string, password: string): string {
  const url = new URL(adminDatabaseUrl);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/** The local stack's plan: its database, the schemas the services are configured with, roles `crosscare_*`. */
export function stackDatabaseAccessPlan(
  database: string,
  env: NodeJS.ProcessEnv = process.env,
): DatabaseAccessPlan {
  const schemaPrefix = envValue('CROSSCARE_PROJECTOR_SCHEMA_PREFIX', env);
  const options: DatabaseAccessOptions = {
    database,
    rolePrefix: envValue('CROSSCARE_DATABASE_ROLE_PREFIX', env) ?? 'crosscare_',
    ingestSchema: envValue('INGEST_DATABASE_SCHEMA', env) ?? 'ingest',
    registrySchema: envValue('SCHEMA_REGISTRY_DATABASE_SCHEMA', env) ?? 'schema_registry',
    readModels: { CCR: projectorSchema('CCR', schemaPrefix), OHC: projectorSchema('OHC', schemaPrefix) },
    recordApis: ['CCR'],
  };
  return databaseAccessPlan(options);
}

/** The secret file holding a service's database password (under .crosscare/secrets). */
export const databasePasswordSecret = (service: DatabaseService): string => `postgres-${service}`;

/**
 * stack:up's part: provisions the services' roles (passwords generated once, kept owner-only under
 * .crosscare/secrets) and returns each service's DATABASE_URL, which logs in as its own role.
 */
export async function ensureStackDatabaseRoles(
  adminDatabaseUrl: string,
  paths: StackPaths,
): Promise<(service: DatabaseService) => string> {
  const plan = stackDatabaseAccessPlan(new URL(adminDatabaseUrl).pathname.slice(1));
  const password = (service: DatabaseService) => localSecret(paths, databasePasswordSecret(service));
  await provisionDatabaseRoles(adminDatabaseUrl, plan, password);
  return (service) => roleDatabaseUrl(adminDatabaseUrl, loginRole(plan, service).name, password(service));
}
