import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { databasePasswordSecret, roleDatabaseUrl, stackDatabaseAccessPlan } from './database-access';
import { loginRole } from './database-roles';
import { envValue } from './env';
import { databaseUrl, DEFAULT_POSTGRES_ADMIN_URL } from './postgres';
import { secretFile } from './secrets';
import { kafkaPasswordFile } from './kafka-cluster';
import { localKafkaEnvironment } from './kafka-principals';
import { localTlsPaths } from './kafka-tls';
import { stackPaths, type StackPaths } from './paths';
import {
  envWithRegistryCredentials,
  REGISTRY_ADMIN,
  REGISTRY_TOOLS,
  type LocalRegistryPrincipal,
} from './registry-credentials';

/**
 * The principal a tool runs as: a template whose `{collaborative}` is the tool's `--collaborative` argument
 * (`crosscare-projector-{collaborative}` → `crosscare-projector-ccr`).
 */
export function principalFor(template: string, args: readonly string[]): string {
  if (!template.includes('{collaborative}')) return template;
  const at = args.indexOf('--collaborative');
  const collaborative = at >= 0 ? args[at + 1] : envValue('PROJECTOR_COLLABORATIVE');
  if (!collaborative) throw new Error(`${template}: the tool needs --collaborative CCR|OHC`);
  return template.replace('{collaborative}', collaborative.toLowerCase());
}

/**
 * The environment a local tool runs with: as given when it already names a principal (KAFKA_SASL_USERNAME) or
 * opts out (KAFKA_SECURITY_PROTOCOL=PLAINTEXT); else the local stack's credentials for `principal`, when the
 * stack has made them. Otherwise unchanged, and the tool's own configuration check names what is missing.
 */
export function localToolEnvironment(
  principal: string,
  env: NodeJS.ProcessEnv = process.env,
  paths: StackPaths = stackPaths(),
): NodeJS.ProcessEnv {
  const withDatabase = localToolDatabase(principal, env, paths);
  if (envValue('KAFKA_SASL_USERNAME', env) || envValue('KAFKA_SECURITY_PROTOCOL', env) === 'PLAINTEXT') {
    return withDatabase;
  }
  const ca = localTlsPaths(paths).caFile;
  if (!fs.existsSync(kafkaPasswordFile(paths, principal)) || !fs.existsSync(ca)) return withDatabase;
  const bootstrap = (envValue('KAFKA_BROKERS', env) ?? '127.0.0.1:9092').split(',');
  return { ...withDatabase, ...localKafkaEnvironment({ bootstrap, caFile: ca }, paths, principal) };
}

/**
 * A projector's tools (rebuild) write its read model, and the SDE publisher's (sde:export) read its store, so they
 * log in to Postgres as that service's role, as the service does; other tools keep DATABASE_URL (the local superuser
 * by default). An explicit DATABASE_URL always wins.
 */
function localToolDatabase(principal: string, env: NodeJS.ProcessEnv, paths: StackPaths): NodeJS.ProcessEnv {
  const services: Record<string, 'projector-ccr' | 'projector-ohc' | 'sde-publisher'> = {
    'crosscare-projector-ccr': 'projector-ccr',
    'crosscare-projector-ohc': 'projector-ohc',
    'crosscare-sde-publisher': 'sde-publisher',
  };
  const service = services[principal];
  if (!service || envValue('DATABASE_URL', env)) return env;
  const secret = secretFile(paths, databasePasswordSecret(service));
  if (!fs.existsSync(secret)) return env;
  const plan = stackDatabaseAccessPlan('crosscare', env);
  const admin = databaseUrl(
    envValue('CROSSCARE_POSTGRES_ADMIN_URL', env) ?? DEFAULT_POSTGRES_ADMIN_URL,
    'crosscare',
  );
  const password = fs.readFileSync(secret, 'utf8').trim();
  return { ...env, DATABASE_URL: roleDatabaseUrl(admin, loginRole(plan, service).name, password) };
}

/**
 * The registry user a tool runs as beside its Kafka principal: the admin administers; a projector's tools (rebuild)
 * publish its changelog, whose schemas it registers; the SDE publisher's (sde:export) read as the publisher, a
 * reader; every other tool reads as the tools' user.
 */
export function registryPrincipalFor(kafkaPrincipal: string): LocalRegistryPrincipal {
  if (kafkaPrincipal === 'crosscare-admin') return REGISTRY_ADMIN;
  if (kafkaPrincipal === 'crosscare-projector-ccr') return 'projector-ccr';
  if (kafkaPrincipal === 'crosscare-projector-ohc') return 'projector-ohc';
  if (kafkaPrincipal === 'crosscare-sde-publisher') return 'sde-publisher';
  return REGISTRY_TOOLS;
}

/**
 * `tsx libs/local-stack/src/as-principal.ts <principal> <script> [args...]`: runs a tool script in this process
 * with the local stack's Kafka credentials for that principal (see localToolEnvironment) and the matching schema
 * registry user (registryPrincipalFor), so each npm script states whose rights its tool uses and none needs the
 * admin's unless it administers.
 */
async function main(): Promise<void> {
  const [template, script, ...args] = process.argv.slice(2);
  if (!template || !script) {
    process.stderr.write('usage: as-principal <principal> <script> [args...]\n');
    process.exit(64);
  }
  const principal = principalFor(template, args);
  // A child process, not an import: the tool runs exactly as it would on its own (its require.main guard, its exit
  // code), under the same loader this process has (tsx's, for a TypeScript tool).
  const child = spawn(process.execPath, [...process.execArgv, path.resolve(script), ...args], {
    env: envWithRegistryCredentials(
      localToolEnvironment(principal),
      stackPaths(),
      registryPrincipalFor(principal),
    ),
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) =>
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 + 2 : 1))),
  );
  process.exit(code);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
