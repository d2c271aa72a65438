/**
 * The benches run what they measure with a service's rights, as deployed, not with the bench's own (the local
 * stack's admin and Postgres superuser): a throwaway Kafka principal with exactly the service's grants for the run's
 * private names, the service's own Postgres role, and its registry user. Only the benches use this.
 */
import type { DatabaseConfig, KafkaConfig } from '@crosscare/config';
import type { KafkaPrincipal } from '@crosscare/governance';
import { applyAcls, removeAcls } from '@crosscare/kafka';
import {
  changeScramUsers,
  disablingChanges,
  checkJava,
  databasePasswordSecret,
  ensureKafkaDistribution,
  loginRole,
  newPassword,
  registryUrlWithCredentials,
  roleDatabaseUrl,
  secretFile,
  silentProgress,
  stackDatabaseAccessPlan,
  type DatabaseService,
  type LocalRegistryPrincipal,
  type StackPaths,
} from '@crosscare/local-stack';
import type { Admin } from 'kafkajs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface BenchPrincipal {
  readonly name: string;
  /** The bench's connection with this principal's credentials instead. */
  readonly kafka: KafkaConfig;
  /** What logs a service process in as it: the password by file. */
  readonly env: Record<string, string>;
  /** Deletes the SCRAM user and its ACLs. */
  remove(): Promise<void>;
}

/**
 * Creates `principal` (a SCRAM user with a fresh password and exactly its grants) through the bench's admin
 * connection. Undefined when the bench connects without SASL (KAFKA_SECURITY_PROTOCOL=PLAINTEXT): then the
 * service runs as the bench does.
 */
export async function createBenchPrincipal(
  kafkaConfig: KafkaConfig,
  admin: Admin,
  principal: KafkaPrincipal,
  paths: StackPaths,
): Promise<BenchPrincipal | undefined> {
  const sasl = kafkaConfig.sasl;
  const caFile = process.env.KAFKA_SSL_CA_FILE;
  if (!sasl || !caFile) return undefined;
  const password = newPassword();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-bench-principal-'));
  const passwordFile = path.join(dir, 'kafka-password');
  fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  const java = checkJava();
  const { libs } = await ensureKafkaDistribution(paths, silentProgress);
  const connection = {
    bootstrap: kafkaConfig.brokers,
    caFile,
    adminUser: sasl.username,
    adminPassword: sasl.password,
  };
  await changeScramUsers(java, libs, connection, [{ upsert: principal.name, password }]);
  await applyAcls(admin, principal);
  return {
    name: principal.name,
    kafka: { ...kafkaConfig, sasl: { ...sasl, username: principal.name, password } },
    env: { KAFKA_SASL_USERNAME: principal.name, KAFKA_SASL_PASSWORD_FILE: passwordFile },
    async remove() {
      await removeAcls(admin, principal.name).catch(() => undefined);
      await changeScramUsers(java, libs, connection, disablingChanges([principal.name])).catch(
        () => undefined,
      );
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The database as `service` reaches it: the local stack's login role for it. DATABASE_URL as given when the stack
 * has no password for that role (another database, or a stack from before per-service roles).
 */
export function serviceDatabase(
  database: DatabaseConfig,
  service: DatabaseService,
  paths: StackPaths,
): DatabaseConfig & { readonly role?: string } {
  const secret = secretFile(paths, databasePasswordSecret(service));
  if (!fs.existsSync(secret)) return database;
  const name = new URL(database.url).pathname.replace(/^\//, '') || 'crosscare';
  const role = loginRole(stackDatabaseAccessPlan(name), service).name;
  const password = fs.readFileSync(secret, 'utf8').trim();
  return { ...database, url: roleDatabaseUrl(database.url, role, password), role };
}

/** The registry as a service reaches it: its local user, whichever user the bench itself is. */
export function serviceRegistryUrl(
  env: NodeJS.ProcessEnv,
  paths: StackPaths,
  principal: LocalRegistryPrincipal,
): string {
  const url = new URL(env.SCHEMA_REGISTRY_URL?.trim() || 'http://127.0.0.1:8081');
  url.username = '';
  url.password = '';
  return registryUrlWithCredentials(url.toString().replace(/\/$/, ''), paths, principal);
}
