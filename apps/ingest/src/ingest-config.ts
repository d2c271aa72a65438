import {
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

export interface IngestLimits {
  /** Largest request body, in bytes (413 above it). */
  readonly maxBodyBytes: number;
  /** Most entries in one FHIR Bundle and records in one social care extract (413 above it). */
  readonly maxEntries: number;
  /** Sustained requests per minute per provider, and the burst a provider may use at once (429 beyond them). */
  readonly requestsPerMinute: number;
  readonly burst: number;
}

export interface IngestConfig {
  readonly host: string;
  readonly port: number;
  /** MLLP listener for HL7 v2; undefined when INGEST_MLLP_PORT=off. */
  readonly mllpPort?: number;
  /** An MLLP connection with nothing sent and nothing being answered for this long is closed. */
  readonly mllpIdleTimeoutMs: number;
  /** An MLLP frame must end this long after it began, or it is answered AR and its connection closed. */
  readonly mllpFrameTimeoutMs: number;
  readonly kafka: KafkaConfig;
  readonly schemaRegistry: SchemaRegistryConfig;
  readonly database: DatabaseConfig;
  readonly databaseSchema: string;
  /** Topics are `<prefix>.<ics>.record-changes.v1`; tests use a private prefix. */
  readonly topicPrefix: string;
  /** Kafka transactional id of this instance: stable across restarts, unique across instances. */
  readonly transactionalId: string;
  /** Kafka transactions in flight at once, each on its own transactional producer. */
  readonly publishLanes: number;
  /** How long a request waits for the broker's acknowledgement before answering 503. */
  readonly publishTimeoutMs: number;
  /** Retry-After on 503 responses, in seconds (a 429's Retry-After is when the provider's next token is due). */
  readonly retryAfterSeconds: number;
  readonly limits: IngestLimits;
  /** How long a verified API key is trusted before the database is asked again (also the revocation delay). */
  readonly credentialCacheMs: number;
  /** Provider directory data, and extra onboarding directories (community pharmacy waves). */
  readonly directoryDataDir?: string;
  readonly onboardingDirs: string[];
  readonly logLevels: LogLevelName[];
}

const portOrOff = (defaultValue: string) =>
  z
    .string()
    .default(defaultValue)
    .refine((v) => v === 'off' || (/^\d+$/.test(v) && Number(v) <= 65535), {
      message: 'must be a port number (0 for any free port) or off',
    })
    .transform((v) => (v === 'off' ? undefined : Number(v)));

export const ingestVariables = {
  ...kafkaVariables,
  ...schemaRegistryVariables,
  ...databaseVariables,
  ...loggingVariables,
  INGEST_HOST: listenHost(),
  INGEST_PORT: listenPort(8082),
  INGEST_MLLP_PORT: portOrOff('2575'),
  INGEST_MLLP_IDLE_TIMEOUT_SECONDS: positiveInteger(600, 86_400),
  INGEST_MLLP_FRAME_TIMEOUT_SECONDS: positiveInteger(30, 3600),
  INGEST_DATABASE_SCHEMA: identifier(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'a lower-case Postgres identifier (letters, digits, _; at most 63)',
  ).default('ingest'),
  INGEST_TOPIC_PREFIX: identifier(
    /^[a-z0-9][a-z0-9._-]{0,100}$/,
    'lower-case letters, digits, dot, dash, _',
  ).default(DEFAULT_TOPIC_PREFIX),
  INGEST_TRANSACTIONAL_ID: identifier(
    /^[A-Za-z0-9._-]{1,200}$/,
    'letters, digits, dot, dash or underscore',
  ).optional(),
  INGEST_PUBLISH_TIMEOUT_MS: positiveInteger(10_000, 120_000),
  INGEST_PUBLISH_LANES: positiveInteger(4, 64),
  INGEST_RETRY_AFTER_SECONDS: positiveInteger(10, 3600),
  INGEST_MAX_BODY_BYTES: positiveInteger(5 * 1024 * 1024, 100 * 1024 * 1024),
  INGEST_MAX_ENTRIES: positiveInteger(1000, 100_000),
  INGEST_RATE_LIMIT_PER_MINUTE: positiveInteger(1200, 1_000_000),
  INGEST_RATE_LIMIT_BURST: positiveInteger(200, 1_000_000),
  INGEST_CREDENTIAL_CACHE_SECONDS: positiveInteger(30, 3600),
  INGEST_DIRECTORY_DIR: z.string().optional(),
  INGEST_ONBOARDING_DIRS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    ),
};

export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  return loadConfig(
    ingestVariables,
    (v) => ({
      host: v.INGEST_HOST,
      port: v.INGEST_PORT,
      mllpPort: v.INGEST_MLLP_PORT,
      mllpIdleTimeoutMs: v.INGEST_MLLP_IDLE_TIMEOUT_SECONDS * 1000,
      mllpFrameTimeoutMs: v.INGEST_MLLP_FRAME_TIMEOUT_SECONDS * 1000,
      kafka: toKafkaConfig(v),
      schemaRegistry: toSchemaRegistryConfig(v),
      database: toDatabaseConfig(v),
      databaseSchema: v.INGEST_DATABASE_SCHEMA,
      topicPrefix: v.INGEST_TOPIC_PREFIX,
      transactionalId: v.INGEST_TRANSACTIONAL_ID ?? `crosscare-ingest-${hostname()}`,
      publishTimeoutMs: v.INGEST_PUBLISH_TIMEOUT_MS,
      publishLanes: v.INGEST_PUBLISH_LANES,
      retryAfterSeconds: v.INGEST_RETRY_AFTER_SECONDS,
      limits: {
        maxBodyBytes: v.INGEST_MAX_BODY_BYTES,
        maxEntries: v.INGEST_MAX_ENTRIES,
        requestsPerMinute: v.INGEST_RATE_LIMIT_PER_MINUTE,
        burst: v.INGEST_RATE_LIMIT_BURST,
      },
      credentialCacheMs: v.INGEST_CREDENTIAL_CACHE_SECONDS * 1000,
      directoryDataDir: v.INGEST_DIRECTORY_DIR,
      onboardingDirs: v.INGEST_ONBOARDING_DIRS,
      logLevels: enabledLogLevels(v.LOG_LEVEL),
    }),
    env,
    checkKafkaVariables,
  );
}
