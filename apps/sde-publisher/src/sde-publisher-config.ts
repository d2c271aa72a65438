import {
  booleanFlag,
  checkKafkaVariables,
  type DatabaseConfig,
  databaseVariables,
  enabledLogLevels,
  identifier,
  type KafkaConfig,
  kafkaVariables,
  listenHost,
  listenPort,
  loadConfig,
  loggingVariables,
  type LogFormatName,
  type LogLevelName,
  positiveInteger,
  type SchemaRegistryConfig,
  schemaRegistryVariables,
  toDatabaseConfig,
  toKafkaConfig,
  toSchemaRegistryConfig,
} from '@crosscare/config';
import { DEFAULT_TOPIC_PREFIX } from '@crosscare/events';
import { hostname } from 'node:os';
import { z } from 'zod';
import { DEFAULT_SDE_SCHEMA } from './store/sde-database';

export const DEFAULT_SDE_PUBLISHER_PORT = 8086;

export interface SdePublisherConfig {
  readonly host: string;
  readonly port: number;
  readonly kafka: KafkaConfig;
  readonly schemaRegistry: SchemaRegistryConfig;
  readonly database: DatabaseConfig;
  readonly databaseSchema: string;
  /** The approved projects' file (reviewed data); the repository's own by default. */
  readonly projectsFile?: string;
  /** Holds one file per pseudonymisation key, named as the projects name them; owner-only. */
  readonly keysDir: string;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly instanceId: string;
  readonly partitionsConsumedConcurrently: number;
  readonly relayIntervalMs: number;
  /**
   * A store whose offsets were consumed from another Kafka cluster is emptied and rebuilt from this one's topics,
   * rather than refused. For the local stack, whose broker data can be purged while Postgres keeps the store.
   */
  readonly resetOnNewCluster: boolean;
  readonly logLevels: LogLevelName[];
  readonly logFormat: LogFormatName;
}

export const sdePublisherVariables = {
  ...kafkaVariables,
  ...schemaRegistryVariables,
  ...databaseVariables,
  ...loggingVariables,
  SDE_PUBLISHER_HOST: listenHost(),
  SDE_PUBLISHER_PORT: listenPort(DEFAULT_SDE_PUBLISHER_PORT),
  SDE_DATABASE_SCHEMA: identifier(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'a lower-case Postgres identifier (letters, digits, _; at most 63)',
  ).default(DEFAULT_SDE_SCHEMA),
  SDE_PROJECTS_FILE: z.string().trim().min(1, 'must name a file').optional(),
  SDE_KEYS_DIR: z
    .string({ required_error: 'is required: the directory of the pseudonymisation keys' })
    .trim()
    .min(1),
  SDE_TOPIC_PREFIX: identifier(
    /^[a-z0-9][a-z0-9._-]{0,100}$/,
    'lower-case letters, digits, dot, dash, _',
  ).default(DEFAULT_TOPIC_PREFIX),
  SDE_PUBLISHER_GROUP_ID: identifier(
    /^[A-Za-z0-9._-]{1,200}$/,
    'letters, digits, dot, dash or underscore',
  ).optional(),
  SDE_PUBLISHER_INSTANCE_ID: identifier(
    /^[A-Za-z0-9._-]{1,100}$/,
    'letters, digits, dot, dash or underscore',
  ).optional(),
  SDE_PUBLISHER_PARTITIONS_CONCURRENTLY: positiveInteger(6, 64),
  SDE_PUBLISHER_RELAY_INTERVAL_MS: positiveInteger(100, 60_000),
  SDE_RESET_ON_NEW_CLUSTER: booleanFlag(false),
};

export function loadSdePublisherConfig(env: NodeJS.ProcessEnv = process.env): SdePublisherConfig {
  return loadConfig(
    sdePublisherVariables,
    (v) => ({
      host: v.SDE_PUBLISHER_HOST,
      port: v.SDE_PUBLISHER_PORT,
      kafka: toKafkaConfig(v),
      schemaRegistry: toSchemaRegistryConfig(v),
      database: toDatabaseConfig(v),
      databaseSchema: v.SDE_DATABASE_SCHEMA,
      projectsFile: v.SDE_PROJECTS_FILE,
      keysDir: v.SDE_KEYS_DIR,
      topicPrefix: v.SDE_TOPIC_PREFIX,
      groupId: v.SDE_PUBLISHER_GROUP_ID ?? 'crosscare-sde-publisher',
      instanceId: v.SDE_PUBLISHER_INSTANCE_ID ?? hostname(),
      partitionsConsumedConcurrently: v.SDE_PUBLISHER_PARTITIONS_CONCURRENTLY,
      relayIntervalMs: v.SDE_PUBLISHER_RELAY_INTERVAL_MS,
      resetOnNewCluster: v.SDE_RESET_ON_NEW_CLUSTER,
      logLevels: enabledLogLevels(v.LOG_LEVEL),
      logFormat: v.LOG_FORMAT,
    }),
    env,
    checkKafkaVariables,
  );
}
