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
import { z } from 'zod';

export interface IngestLimits {
  /** Largest request body, in bytes (413 above it). */
  readonly maxBodyBytes: number;
  /**
   * Largest event (key, value and headers), in bytes: a larger one is refused (413) when it arrives, because the
   * record-change topics would refuse it after it was accepted, and the relay, which keeps order, could not move past it.
   */
  readonly maxEventBytes: number;
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
  /**
   * The outbox relay's Kafka transactional id and consumer group: the same on every instance of one deployment, so
   * that whichever instance relays fences the one that relayed before (docs/ingest.md, "Accepted, then published").
   */
  readonly relayId: string;
  /** How often an idle relay looks for events accepted by other instances (its own it publishes at once). */
  readonly relayIntervalMs: number;
  /** Longest a relay round's Kafka transaction may take; the broker aborts it after twice this. */
  readonly relayTimeoutMs: number;
  /** Accepted events waiting to be published at which ingest answers 503 (the broker gone or behind). */
  readonly outboxMaxPending: number;
  /** Retry-After on 503 responses, in seconds (a 429's Retry-After is when the provider's next token is due). */
  readonly retryAfterSeconds: number;
  readonly limits: IngestLimits;
  /** How long a verified API key is trusted before the database is asked again (also the revocation delay). */
  readonly credentialCacheMs: number;
  /** Provider directory data, and extra onboarding directories (community pharmacy waves). */
  readonly directoryDataDir?: string;
  readonly onboardingDirs: string[];
  readonly logLevels: LogLevelName[];
  readonly logFormat: LogFormatName;
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
  INGEST_RELAY_ID: identifier(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, dot, dash or underscore').default(
    'crosscare-ingest-relay',
  ),
  INGEST_RELAY_INTERVAL_MS: positiveInteger(200, 60_000),
  INGEST_RELAY_TIMEOUT_MS: positiveInteger(30_000, 300_000),
  INGEST_OUTBOX_MAX_PENDING: positiveInteger(100_000, 100_000_000),
  // Gone with the outbox: refused, so that a deployment still setting them learns what replaced them.
  INGEST_TRANSACTIONAL_ID: z.string().optional(),
  INGEST_PUBLISH_LANES: z.string().optional(),
  INGEST_PUBLISH_TIMEOUT_MS: z.string().optional(),
  INGEST_RETRY_AFTER_SECONDS: positiveInteger(10, 3600),
  INGEST_MAX_BODY_BYTES: positiveInteger(5 * 1024 * 1024, 100 * 1024 * 1024),
  // The broker's default max.message.bytes (1,048,588) less room for the record batch; raise it only with the
  // record-change and opt-out topics' max.message.bytes.
  INGEST_MAX_EVENT_BYTES: positiveInteger(1_000_000, 64 * 1024 * 1024),
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
      relayId: v.INGEST_RELAY_ID,
      relayIntervalMs: v.INGEST_RELAY_INTERVAL_MS,
      relayTimeoutMs: v.INGEST_RELAY_TIMEOUT_MS,
      outboxMaxPending: v.INGEST_OUTBOX_MAX_PENDING,
      retryAfterSeconds: v.INGEST_RETRY_AFTER_SECONDS,
      limits: {
        maxBodyBytes: v.INGEST_MAX_BODY_BYTES,
        maxEventBytes: v.INGEST_MAX_EVENT_BYTES,
        maxEntries: v.INGEST_MAX_ENTRIES,
        requestsPerMinute: v.INGEST_RATE_LIMIT_PER_MINUTE,
        burst: v.INGEST_RATE_LIMIT_BURST,
      },
      credentialCacheMs: v.INGEST_CREDENTIAL_CACHE_SECONDS * 1000,
      directoryDataDir: v.INGEST_DIRECTORY_DIR,
      onboardingDirs: v.INGEST_ONBOARDING_DIRS,
      logLevels: enabledLogLevels(v.LOG_LEVEL),
      logFormat: v.LOG_FORMAT,
    }),
    env,
    (v) => [...checkKafkaVariables(v), ...retiredVariables(v)],
  );
}

/** Variables of the per-request Kafka transactions that the outbox replaced (December 2026). */
function retiredVariables(v: Record<string, unknown>): { variable: string; reason: string }[] {
  const replaced: Record<string, string> = {
    INGEST_TRANSACTIONAL_ID:
      'is no longer used: requests are kept in the outbox and published by its relay, whose transactional id is ' +
      'INGEST_RELAY_ID, the same on every instance',
    INGEST_PUBLISH_LANES: 'is no longer used: the outbox relay publishes in one transaction per round',
    INGEST_PUBLISH_TIMEOUT_MS:
      "is no longer used: requests no longer wait for the broker; the relay's transactions take INGEST_RELAY_TIMEOUT_MS",
  };
  return Object.entries(replaced)
    .filter(([variable]) => v[variable] !== undefined)
    .map(([variable, reason]) => ({ variable, reason }));
}
