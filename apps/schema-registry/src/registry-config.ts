import {
  type DatabaseConfig,
  databaseVariables,
  enabledLogLevels,
  identifier,
  listenHost,
  loadConfig,
  loggingVariables,
  type LogFormatName,
  type LogLevelName,
  positiveInteger,
  toDatabaseConfig,
} from '@crosscare/config';
import { checkRegistryAuth, registryAuthVariables, toRegistryUsers } from './auth/registry-auth-config';
import type { RegistryUsers } from './auth/registry-users';

export interface RegistryConfig {
  readonly host: string;
  readonly port: number;
  readonly database: DatabaseConfig;
  /** The Postgres schema holding the registry's tables; replicas that share it are one registry. */
  readonly databaseSchema: string;
  /** Largest request body accepted, in bytes: a schema bigger than this is refused with 413. */
  readonly maxBodyBytes: number;
  readonly logLevels: LogLevelName[];
  readonly logFormat: LogFormatName;
  /** Who may read and who may write, from SCHEMA_REGISTRY_AUTH_USERS. */
  readonly users?: RegistryUsers;
  /** More users, one entry per line, re-read while the registry runs (SCHEMA_REGISTRY_AUTH_USERS_FILE). */
  readonly usersFile?: string;
  /** No users at all: anyone may do anything. Only with SCHEMA_REGISTRY_ALLOW_ANONYMOUS=true, for debugging. */
  readonly anonymous: boolean;
}

export const registryVariables = {
  ...databaseVariables,
  ...loggingVariables,
  SCHEMA_REGISTRY_HOST: listenHost(),
  SCHEMA_REGISTRY_PORT: positiveInteger(8081, 65535),
  SCHEMA_REGISTRY_DATABASE_SCHEMA: identifier(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'a lower-case Postgres identifier (letters, digits, _; at most 63)',
  ).default('schema_registry'),
  SCHEMA_REGISTRY_MAX_BODY_BYTES: positiveInteger(4 * 1024 * 1024, 64 * 1024 * 1024),
  ...registryAuthVariables,
};

export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  return loadConfig(
    registryVariables,
    (v) => ({
      host: v.SCHEMA_REGISTRY_HOST,
      port: v.SCHEMA_REGISTRY_PORT,
      database: toDatabaseConfig(v),
      databaseSchema: v.SCHEMA_REGISTRY_DATABASE_SCHEMA,
      maxBodyBytes: v.SCHEMA_REGISTRY_MAX_BODY_BYTES,
      logLevels: enabledLogLevels(v.LOG_LEVEL),
      logFormat: v.LOG_FORMAT,
      users: toRegistryUsers(v),
      usersFile: v.SCHEMA_REGISTRY_AUTH_USERS_FILE,
      anonymous: v.SCHEMA_REGISTRY_ALLOW_ANONYMOUS,
    }),
    env,
    checkRegistryAuth,
  );
}
