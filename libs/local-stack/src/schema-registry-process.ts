import { envValue } from './env';
import { LocalApp } from './local-app';
import type { StackPaths } from './paths';
import { ensureRegistryUsersFile, localRegistryAuthUsers } from './registry-credentials';

export const DEFAULT_REGISTRY_PORT = 8081;

export const SCHEMA_REGISTRY_APP = new LocalApp({
  name: 'schema-registry',
  label: 'schema registry',
  sources: [
    'apps/schema-registry/src',
    'libs/config/src',
    'libs/database/src',
    'libs/errors/src',
    'libs/governance/src',
    'libs/logging/src',
    'libs/metrics/src',
  ],
  healthPath: '/health',
  portFlag: '--registry-port',
});

/**
 * The registry's variables: its tables live in the stack's database, schema `schema_registry` unless overridden.
 * It authenticates like any other: the local principals' users (registry-credentials.ts), and readers granted at
 * run time from its users file.
 */
export function registryEnvironment(
  port: number,
  databaseUrl: string,
  paths: StackPaths,
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    SCHEMA_REGISTRY_HOST: '127.0.0.1',
    SCHEMA_REGISTRY_PORT: String(port),
    SCHEMA_REGISTRY_DATABASE_SCHEMA: envValue('SCHEMA_REGISTRY_DATABASE_SCHEMA') ?? 'schema_registry',
    SCHEMA_REGISTRY_AUTH_USERS: localRegistryAuthUsers(paths),
    SCHEMA_REGISTRY_AUTH_USERS_FILE: ensureRegistryUsersFile(paths),
    // A shell's own setting must not switch authentication off for the stack.
    SCHEMA_REGISTRY_ALLOW_ANONYMOUS: 'false',
  };
}
