import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  databaseAccessPlan,
  loginRole,
  provisioningStatements,
  sqlLiteral,
  type DatabaseAccessOptions,
  type DatabaseAccessPlan,
  type DatabaseService,
  type LoginRole,
} from './database-roles';
import { envValue } from './env';
import type { StackPaths } from './paths';
import { projectorSchema } from './projector-process';
import { localSecret } from './secrets';

// Any fixed key: two stack:up (or tests) provisioning at once take turns rather than race on CREATE ROLE.
const PROVISIONING_LOCK_KEY = 7_236_512_214;

/**
 * Brings the plan's roles, schemas and privileges about, as the administrator `adminDatabaseUrl` names (connected
 * to the plan's database). `passwords` gives each login role's password, sent only as its SCRAM verifier. One
 * transaction: all or nothing.
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
      const verifier = (role: LoginRole) => sqlLiteral(scramVerifier(passwords(role.service)));
      for (const statement of provisioningStatements(plan, verifier)) {
        await client.query(statement);
      }
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  } finally {
    await client.end();
  }
}

/**
 * A password as Postgres stores it for SCRAM-SHA-256 (RFC 5802/7677; what `password_encryption = scram-sha-256`
 * makes of it): ALTER ROLE ... PASSWORD given this stores it as it is, so the password itself never reaches the
 * server, its statement log or pg_stat_activity.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
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
    sdeSchema: envValue('SDE_DATABASE_SCHEMA', env) ?? 'sde',
    subscriptionsSchema: envValue('SUBSCRIPTIONS_DATABASE_SCHEMA', env) ?? 'subscriptions',
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
