import {
  databaseVariables,
  identifier,
  loadConfig,
  schemaRegistryVariables,
  toDatabaseConfig,
  toSchemaRegistryConfig,
  type DatabaseConfig,
  type SchemaRegistryConfig,
} from '@crosscare/config';
import { DEFAULT_SDE_SCHEMA } from '../store/sde-database';

/** What sde:export reads from the environment: the publisher's store and the registry, as the publisher does. */
export const exportVariables = {
  ...databaseVariables,
  ...schemaRegistryVariables,
  SDE_DATABASE_SCHEMA: identifier(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'a lower-case Postgres identifier (letters, digits, _; at most 63)',
  ).default(DEFAULT_SDE_SCHEMA),
};

export interface ExportConfig {
  readonly database: DatabaseConfig;
  readonly databaseSchema: string;
  readonly schemaRegistry: SchemaRegistryConfig;
}

/** Throws a ConfigError naming every bad variable. */
export function loadExportConfig(env: NodeJS.ProcessEnv = process.env): ExportConfig {
  return loadConfig(
    exportVariables,
    (v) => ({
      database: toDatabaseConfig(v),
      databaseSchema: v.SDE_DATABASE_SCHEMA,
      schemaRegistry: toSchemaRegistryConfig(v),
    }),
    env,
  );
}
