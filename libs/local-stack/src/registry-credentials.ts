import { ensureSubscriptionsHeaderKey } from './subscriptions-header-key';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { databasePasswordSecret } from './database-access';
import { composePasswordVariable, type DatabaseService } from './database-roles';
import type { StackPaths } from './paths';
import { localSecret, secretFile, secretsDir } from './secrets';
import { sdeKeyComposeEnv } from './sde-keys';

/**
 * Who calls the local stack's schema registry, each with a password of its own (under .crosscare/secrets, made on
 * first use). The registry authenticates every caller: `writer` may register, delete and change compatibility and
 * mode; `reader` may read, look up and test compatibility.
 */
export type RegistryRole = 'reader' | 'writer';

/** The admin/CI principal: schemas:register and schemas:check, CI, and tests that register. */
export const REGISTRY_ADMIN = 'crosscare-admin';
/** Read-only tools: the smoke app, the region loader, the demo scripts, the DLQ CLI, the benches. */
export const REGISTRY_TOOLS = 'crosscare-tools';

export const LOCAL_REGISTRY_PRINCIPALS = {
  [REGISTRY_ADMIN]: 'writer',
  ingest: 'reader',
  'projector-ccr': 'reader',
  'projector-ohc': 'reader',
  'record-api': 'reader',
  'sde-publisher': 'reader',
  subscriptions: 'reader',
  [REGISTRY_TOOLS]: 'reader',
} as const satisfies Record<string, RegistryRole>;

export type LocalRegistryPrincipal = keyof typeof LOCAL_REGISTRY_PRINCIPALS;

/** The secret holding a principal's password. */
export function registrySecretName(principal: string): string {
  return `registry-${principal}`;
}

const sha256 = (password: string) => createHash('sha256').update(password, 'utf8').digest('hex');

/** A `name:role:sha256hex` entry, as SCHEMA_REGISTRY_AUTH_USERS and its users file take. */
export function registryUserEntry(name: string, role: RegistryRole, password: string): string {
  return `${name}:${role}:${sha256(password)}`;
}

/** SCHEMA_REGISTRY_AUTH_USERS for the local registry: every local principal, generating missing passwords. */
export function localRegistryAuthUsers(paths: StackPaths): string {
  return Object.entries(LOCAL_REGISTRY_PRINCIPALS)
    .map(([name, role]) => registryUserEntry(name, role, localSecret(paths, registrySecretName(name))))
    .join(',');
}

/** The URL with a user's credentials as user info (percent-encoded); any user info it had is replaced. */
export function withRegistryCredentials(url: string, name: string, password: string): string {
  const withUser = new URL(url);
  withUser.username = encodeURIComponent(name);
  withUser.password = encodeURIComponent(password);
  return withUser.toString().replace(/\/$/, '');
}

export interface LocalRegistryCredentials {
  /** The admin/CI principal's URL: may register. */
  readonly adminUrl: string;
  /** A service's own URL (ingest, projector-ccr, ...), with the role LOCAL_REGISTRY_PRINCIPALS gives it. */
  serviceUrl(service: LocalRegistryPrincipal): string;
}

/** URLs with each local principal's credentials, from the registry's base URL; generates missing passwords. */
export function localRegistryCredentials(paths: StackPaths, baseUrl: string): LocalRegistryCredentials {
  const urlFor = (name: LocalRegistryPrincipal) =>
    withRegistryCredentials(baseUrl, name, localSecret(paths, registrySecretName(name)));
  return { adminUrl: urlFor(REGISTRY_ADMIN), serviceUrl: urlFor };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * For tools run against the local stack: SCHEMA_REGISTRY_URL as given when it carries credentials, or points
 * anywhere but this machine (a local password is never sent elsewhere), or when the local stack has no password
 * for the principal yet; otherwise the URL with the principal's local credentials (the admin's by default).
 * A registry that still refuses answers 401, which SchemaRegistryClient's error explains.
 */
export function registryUrlWithCredentials(
  url: string,
  paths: StackPaths,
  principal: LocalRegistryPrincipal = REGISTRY_ADMIN,
): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // the config check reports it
  }
  if (parsed.username !== '' || parsed.password !== '') return url;
  if (!LOOPBACK_HOSTS.has(parsed.hostname.toLowerCase())) return url;
  const file = secretFile(paths, registrySecretName(principal));
  if (!fs.existsSync(file)) return url;
  return withRegistryCredentials(url, principal, fs.readFileSync(file, 'utf8').trim());
}

/** The same for an environment: SCHEMA_REGISTRY_URL (default the local stack's) with local credentials. */
export function envWithRegistryCredentials(
  env: NodeJS.ProcessEnv,
  paths: StackPaths,
  principal: LocalRegistryPrincipal = REGISTRY_ADMIN,
): NodeJS.ProcessEnv {
  const given = env.SCHEMA_REGISTRY_URL?.trim() || 'http://127.0.0.1:8081';
  const url = registryUrlWithCredentials(given, paths, principal);
  return url === given ? env : { ...env, SCHEMA_REGISTRY_URL: url };
}

/**
 * SCHEMA_REGISTRY_AUTH_USERS_FILE of the local registry: readers added while it runs (subscriber grants), one
 * `name:reader:sha256hex` line each. The registry sees a change within a second or so, without a restart.
 */
export function registryUsersFile(paths: StackPaths): string {
  return secretFile(paths, 'registry-users');
}

const HEADER = '# Schema registry readers granted at run time: name:reader:sha256hex, one per line.\n';
const USER_NAME = /^[A-Za-z0-9._@-]{1,100}$/;

/** Creates the users file (owner-only, with only its header) when missing; returns its path. */
export function ensureRegistryUsersFile(paths: StackPaths): string {
  const file = registryUsersFile(paths);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(secretsDir(paths), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, HEADER, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return file;
}

function entryName(line: string): string | undefined {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#') ? undefined : trimmed.split(':')[0];
}

/** Replaces the file in one step (write aside, rename), so the registry never reads it half-written. */
function replaceUsersFile(file: string, lines: string[]): void {
  const aside = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(aside, lines.join('\n') + '\n', { mode: 0o600 });
  fs.renameSync(aside, file);
}

function readLines(file: string): { file: string; lines: string[] } {
  if (!fs.existsSync(file)) fs.writeFileSync(file, HEADER, { mode: 0o600 });
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return { file, lines };
}

/**
 * Lets `name` read schemas from the local registry with `password` (stored hashed). Adding a name again changes
 * its password. The local stack's own principals cannot be replaced this way.
 */
export function addRegistryReader(paths: StackPaths, name: string, password: string): void {
  ensureRegistryUsersFile(paths);
  addRegistryReaderTo(registryUsersFile(paths), name, password);
}

/** The same, in the users file a registry reads (SCHEMA_REGISTRY_AUTH_USERS_FILE), wherever it is. */
export function addRegistryReaderTo(usersFile: string, name: string, password: string): void {
  if (!USER_NAME.test(name)) {
    throw new Error(`registry user name "${name}": use 1-100 letters, digits, '.', '_', '@' or '-'`);
  }
  if (name in LOCAL_REGISTRY_PRINCIPALS) {
    throw new Error(`"${name}" is one of the local stack's own registry users`);
  }
  if (password === '') throw new Error(`registry user ${name} needs a password`);
  const { file, lines } = readLines(usersFile);
  const kept = lines.filter((line) => entryName(line) !== name);
  replaceUsersFile(file, [...kept, registryUserEntry(name, 'reader', password)]);
}

/** Takes `name`'s registry access away (within a second or so); false when it had none. */
export function removeRegistryReader(paths: StackPaths, name: string): boolean {
  ensureRegistryUsersFile(paths);
  return removeRegistryReaderFrom(registryUsersFile(paths), name);
}

/** The same, from the users file a registry reads, wherever it is. */
export function removeRegistryReaderFrom(usersFile: string, name: string): boolean {
  const { file, lines } = readLines(usersFile);
  const kept = lines.filter((line) => entryName(line) !== name);
  if (kept.length === lines.length) return false;
  replaceUsersFile(file, kept);
  return true;
}

/**
 * What docker-compose.yml needs to run the registry and the services authenticated, from the local stack's own
 * secrets (so the npm tools' local credentials work against the compose registry too): the registry's users and
 * each service's password, as CROSSCARE_REGISTRY_<SERVICE>_PASSWORD.
 */
export function registryComposeEnv(paths: StackPaths): Record<string, string> {
  const env: Record<string, string> = { SCHEMA_REGISTRY_AUTH_USERS: localRegistryAuthUsers(paths) };
  for (const service of [
    'ingest',
    'projector-ccr',
    'projector-ohc',
    'record-api',
    'sde-publisher',
    'subscriptions',
  ] as const) {
    const variable = `CROSSCARE_REGISTRY_${service.toUpperCase().replace(/-/g, '_')}_PASSWORD`;
    env[variable] = localSecret(paths, registrySecretName(service));
  }
  return env;
}

/** Each compose service's database password, as CROSSCARE_DB_<SERVICE>_PASSWORD, from the local stack's secrets. */
export function databaseComposeEnv(paths: StackPaths): Record<string, string> {
  const services: DatabaseService[] = [
    'ingest',
    'registry',
    'projector-ccr',
    'projector-ohc',
    'record-api-ccr',
    'sde-publisher',
    'subscriptions',
  ];
  return Object.fromEntries(
    services.map((s) => [composePasswordVariable(s), localSecret(paths, databasePasswordSecret(s))]),
  );
}

/**
 * Writes what docker-compose.yml takes from the environment (registry users, the services' registry and database
 * passwords, the SDE publisher's keys named by `sdeKeyNames`, the subscription service's header key, Grafana's admin
 * password) to `<home>/compose.env`, owner-only, for
 * `docker compose --env-file`; returns its path.
 */
export function writeComposeEnv(paths: StackPaths, sdeKeyNames: readonly string[] = []): string {
  const file = `${paths.home}/compose.env`;
  const lines = Object.entries({
    ...registryComposeEnv(paths),
    ...databaseComposeEnv(paths),
    ...sdeKeyComposeEnv(paths, sdeKeyNames),
    // The subscription service's header key: compose copies it into the container as a secret.
    CROSSCARE_SUBSCRIPTIONS_HEADER_KEY: fs.readFileSync(ensureSubscriptionsHeaderKey(paths), 'utf8').trim(),
    // Grafana's admin: compose's Grafana has no default password and no anonymous access.
    CROSSCARE_GRAFANA_ADMIN_PASSWORD: localSecret(paths, 'grafana-admin'),
  }).map(([name, value]) => `${name}=${value}`);
  fs.mkdirSync(paths.home, { recursive: true });
  const aside = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(
    aside,
    `# From the local stack's secrets (${secretsDir(paths)}), by npm run compose:secrets. Never commit it.\n` +
      `${lines.join('\n')}\n`,
    { mode: 0o600 },
  );
  fs.renameSync(aside, file);
  return file;
}
