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
  loadConfig,
  loggingVariables,
  type LogFormatName,
  type LogLevelName,
  optionalListenPort,
  positiveInteger,
  type SchemaRegistryConfig,
  schemaRegistryVariables,
  toDatabaseConfig,
  toKafkaConfig,
  toSchemaRegistryConfig,
} from '@crosscare/config';
import { DEFAULT_TOPIC_PREFIX } from '@crosscare/events';
import { COLLABORATIVE_CODES, type CollaborativeCode } from '@crosscare/governance';
import { hostname } from 'node:os';
import { z } from 'zod';

/** Each collaborative's projector listens on its own port locally, so both run side by side. */
export const DEFAULT_PROJECTOR_PORTS: Readonly<Record<CollaborativeCode, number>> = { CCR: 8083, OHC: 8084 };

export interface ProjectorConfig {
  readonly collaborative: CollaborativeCode;
  readonly host: string;
  readonly port: number;
  readonly kafka: KafkaConfig;
  readonly schemaRegistry: SchemaRegistryConfig;
  readonly database: DatabaseConfig;
  /** The Postgres schema of this collaborative's read model (a rebuild fills a fresh one, then switches). */
  readonly databaseSchema: string;
  readonly topicPrefix: string;
  /** Every instance of one collaborative's projector shares this group, and so the partitions. */
  readonly groupId: string;
  readonly instanceId: string;
  /** Partitions whose batches this instance projects at once, each in its own database transaction. */
  readonly partitionsConsumedConcurrently: number;
  /** Upper bound of one fetch per partition, and so of one batch. */
  readonly maxBytesPerPartition: number;
  /** Bytes a fetch waits for before the broker answers (kafkajs minBytes): 1 answers as soon as anything is new. */
  readonly fetchMinBytes: number;
  /** Longest a fetch waits for fetchMinBytes (kafkajs maxWaitTimeInMs). */
  readonly fetchMaxWaitMs: number;
  /** How long the group waits for a silent instance before giving its partitions to the others. */
  readonly sessionTimeoutMs: number;
  /** How often the outbox relay looks for changelog records when it found none. */
  readonly relayIntervalMs: number;
  /** How often consumer lag is measured for the metrics endpoint. */
  readonly lagIntervalMs: number;
  /** Start the read model afresh when it was built from another Kafka cluster (local stacks), instead of stopping. */
  readonly resetOnNewCluster: boolean;
  readonly logLevels: LogLevelName[];
  readonly logFormat: LogFormatName;
}

export const projectorVariables = {
  ...kafkaVariables,
  ...schemaRegistryVariables,
  ...databaseVariables,
  ...loggingVariables,
  PROJECTOR_COLLABORATIVE: z.enum(COLLABORATIVE_CODES, {
    errorMap: () => ({ message: `is required: one of ${COLLABORATIVE_CODES.join(', ')}` }),
  }),
  PROJECTOR_HOST: listenHost(),
  PROJECTOR_PORT: optionalListenPort(),
  PROJECTOR_DATABASE_SCHEMA: identifier(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'a lower-case Postgres identifier (letters, digits, _; at most 63)',
  ).optional(),
  PROJECTOR_TOPIC_PREFIX: identifier(
    /^[a-z0-9][a-z0-9._-]{0,100}$/,
    'lower-case letters, digits, dot, dash, _',
  ).default(DEFAULT_TOPIC_PREFIX),
  PROJECTOR_GROUP_ID: identifier(
    /^[A-Za-z0-9._-]{1,200}$/,
    'letters, digits, dot, dash or underscore',
  ).optional(),
  PROJECTOR_INSTANCE_ID: identifier(
    /^[A-Za-z0-9._-]{1,100}$/,
    'letters, digits, dot, dash or underscore',
  ).optional(),
  PROJECTOR_PARTITIONS_CONCURRENTLY: positiveInteger(6, 64),
  PROJECTOR_MAX_BYTES_PER_PARTITION: positiveInteger(2 * 1024 * 1024, 64 * 1024 * 1024),
  PROJECTOR_FETCH_MIN_BYTES: positiveInteger(1, 64 * 1024 * 1024),
  PROJECTOR_FETCH_MAX_WAIT_MS: positiveInteger(5000, 60_000),
  PROJECTOR_SESSION_TIMEOUT_MS: positiveInteger(30_000, 300_000),
  PROJECTOR_RELAY_INTERVAL_MS: positiveInteger(100, 60_000),
  PROJECTOR_LAG_INTERVAL_SECONDS: positiveInteger(10, 3600),
  PROJECTOR_RESET_ON_NEW_CLUSTER: booleanFlag(false),
};

export function loadProjectorConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  return loadConfig(
    projectorVariables,
    (v) => {
      const collaborative = v.PROJECTOR_COLLABORATIVE;
      return {
        collaborative,
        host: v.PROJECTOR_HOST,
        port: v.PROJECTOR_PORT ?? DEFAULT_PROJECTOR_PORTS[collaborative],
        kafka: toKafkaConfig(v),
        schemaRegistry: toSchemaRegistryConfig(v),
        database: toDatabaseConfig(v),
        databaseSchema: v.PROJECTOR_DATABASE_SCHEMA ?? defaultProjectorSchema(collaborative),
        topicPrefix: v.PROJECTOR_TOPIC_PREFIX,
        groupId: v.PROJECTOR_GROUP_ID ?? `crosscare-projector-${collaborative.toLowerCase()}`,
        instanceId: v.PROJECTOR_INSTANCE_ID ?? hostname(),
        partitionsConsumedConcurrently: v.PROJECTOR_PARTITIONS_CONCURRENTLY,
        maxBytesPerPartition: v.PROJECTOR_MAX_BYTES_PER_PARTITION,
        fetchMinBytes: v.PROJECTOR_FETCH_MIN_BYTES,
        fetchMaxWaitMs: v.PROJECTOR_FETCH_MAX_WAIT_MS,
        sessionTimeoutMs: v.PROJECTOR_SESSION_TIMEOUT_MS,
        relayIntervalMs: v.PROJECTOR_RELAY_INTERVAL_MS,
        lagIntervalMs: v.PROJECTOR_LAG_INTERVAL_SECONDS * 1000,
        resetOnNewCluster: v.PROJECTOR_RESET_ON_NEW_CLUSTER,
        logLevels: enabledLogLevels(v.LOG_LEVEL),
        logFormat: v.LOG_FORMAT,
      };
    },
    env,
    checkKafkaVariables,
  );
}

export function defaultProjectorSchema(collaborative: string): string {
  return `projector_${collaborative.toLowerCase()}`;
}
