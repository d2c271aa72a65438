import {
  checkKafkaVariables,
  type ConfigProblem,
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
  urlWithProtocols,
  wholeNumber,
} from '@crosscare/config';
import { DEFAULT_TOPIC_PREFIX } from '@crosscare/events';
import { COLLABORATIVE_CODES, type CollaborativeCode } from '@crosscare/governance';
import {
  CROSSCARE_ENVIRONMENTS,
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_MAX_LIFETIME_SECONDS,
  type ReaderAuthConfig,
} from '@crosscare/identity';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { HEADER_KEY_BYTES, parseHeaderKey } from './access/header-secrets';
import { DEFAULT_EVENT_CACHE_SIZE } from './delivery/source-events';
import { DEFAULT_SUBSCRIPTIONS_SCHEMA } from './store/subscriptions-database';

export const DEFAULT_SUBSCRIPTIONS_PORT = 8087;
/** What a subscriber system's token must name in `aud`: a token for the record API is not one for subscriptions. */
export const DEFAULT_SUBSCRIPTIONS_AUDIENCE = 'crosscare-subscriptions';
const MAX_TOKEN_LIFETIME_SECONDS = 86_400;

export interface DeliveryConfig {
  /** Subscriptions whose notifications are in flight at once, across this instance. */
  readonly concurrency: number;
  /** How long a subscriber's endpoint has to answer a POST. */
  readonly timeoutMs: number;
  /** How often the worker looks for due deliveries when nothing woke it. */
  readonly pollMs: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** Consecutive failures that move a subscription to `error`. */
  readonly failuresBeforeError: number;
  /** How often a subscription in `error` is tried again. */
  readonly errorRetryMs: number;
  /**
   * Plain http endpoints, and endpoints on this host or a private network: only in development (a local receiver);
   * production posts to https endpoints elsewhere only.
   */
  readonly allowLocalEndpoints: boolean;
}

export interface SubscriptionsConfig {
  readonly host: string;
  readonly port: number;
  /** How subscribers reach this service: subscriptions' and notifications' references are under it. */
  readonly baseUrl: string;
  /** Whose read model answers who cares for a patient (it holds both collaboratives' records). */
  readonly collaborative: CollaborativeCode;
  readonly readModelSchema: string;
  readonly kafka: KafkaConfig;
  readonly schemaRegistry: SchemaRegistryConfig;
  readonly database: DatabaseConfig;
  /** The schema this service owns: subscriptions, their numbered events, consumed positions. */
  readonly databaseSchema: string;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly instanceId: string;
  readonly partitionsConsumedConcurrently: number;
  readonly auth: ReaderAuthConfig;
  /** Seals subscribers' channel headers (their secrets) at rest. */
  readonly headerKey: Buffer;
  /** How long each subscription's numbered events are kept for $events. */
  readonly eventRetentionDays: number;
  /**
   * Record changes just consumed kept in memory for full-resource notifications; past it (or at 0) a notification's
   * resource is read from its ICS topic by offset.
   */
  readonly eventCacheSize: number;
  readonly delivery: DeliveryConfig;
  readonly logLevels: LogLevelName[];
  readonly logFormat: LogFormatName;
}

export const subscriptionsVariables = {
  ...kafkaVariables,
  ...schemaRegistryVariables,
  ...databaseVariables,
  ...loggingVariables,
  SUBSCRIPTIONS_HOST: listenHost(),
  SUBSCRIPTIONS_PORT: listenPort(DEFAULT_SUBSCRIPTIONS_PORT),
  SUBSCRIPTIONS_BASE_URL: urlWithProtocols(['http', 'https']).optional(),
  SUBSCRIPTIONS_COLLABORATIVE: z
    .enum(COLLABORATIVE_CODES, {
      errorMap: () => ({ message: `must be one of ${COLLABORATIVE_CODES.join(', ')}` }),
    })
    .default('CCR'),
  SUBSCRIPTIONS_READ_MODEL_SCHEMA: identifier(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'a lower-case Postgres identifier (letters, digits, _; at most 63)',
  ).optional(),
  SUBSCRIPTIONS_DATABASE_SCHEMA: identifier(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'a lower-case Postgres identifier (letters, digits, _; at most 63)',
  ).default(DEFAULT_SUBSCRIPTIONS_SCHEMA),
  SUBSCRIPTIONS_TOPIC_PREFIX: identifier(
    /^[a-z0-9][a-z0-9._-]{0,100}$/,
    'lower-case letters, digits, dot, dash, _',
  ).default(DEFAULT_TOPIC_PREFIX),
  SUBSCRIPTIONS_GROUP_ID: identifier(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, dot, dash, _').default(
    'crosscare-subscriptions',
  ),
  SUBSCRIPTIONS_INSTANCE_ID: identifier(
    /^[A-Za-z0-9._-]{1,100}$/,
    'letters, digits, dot, dash, _',
  ).optional(),
  SUBSCRIPTIONS_PARTITIONS_CONSUMED_CONCURRENTLY: positiveInteger(3, 64),
  SUBSCRIPTIONS_TRUSTED_ISSUERS_FILE: z
    .string({
      required_error:
        'is required: the JSON file of trusted token issuers and their JWKS (see docs/security.md, Reader identity)',
    })
    .min(1),
  SUBSCRIPTIONS_AUDIENCE: z
    .string()
    .max(500, 'must be at most 500 characters')
    .default(DEFAULT_SUBSCRIPTIONS_AUDIENCE),
  SUBSCRIPTIONS_TOKEN_MAX_LIFETIME_SECONDS: positiveInteger(
    DEFAULT_MAX_LIFETIME_SECONDS,
    MAX_TOKEN_LIFETIME_SECONDS,
  ),
  SUBSCRIPTIONS_CLOCK_SKEW_SECONDS: wholeNumber(DEFAULT_CLOCK_SKEW_SECONDS, 600),
  SUBSCRIPTIONS_HEADER_KEY_FILE: z
    .string({
      required_error: `is required: a file holding ${HEADER_KEY_BYTES} random bytes, base64, that seals subscribers' channel headers`,
    })
    .min(1),
  SUBSCRIPTIONS_EVENT_RETENTION_DAYS: positiveInteger(30, 3650),
  SUBSCRIPTIONS_EVENT_CACHE_SIZE: wholeNumber(DEFAULT_EVENT_CACHE_SIZE, 1_000_000),
  SUBSCRIPTIONS_DELIVERY_CONCURRENCY: positiveInteger(64, 4096),
  SUBSCRIPTIONS_DELIVERY_TIMEOUT_MS: positiveInteger(10_000, 120_000),
  SUBSCRIPTIONS_DELIVERY_POLL_MS: positiveInteger(250, 60_000),
  SUBSCRIPTIONS_RETRY_INITIAL_MS: positiveInteger(1000, 600_000),
  SUBSCRIPTIONS_RETRY_MAX_MS: positiveInteger(60_000, 3_600_000),
  SUBSCRIPTIONS_FAILURES_BEFORE_ERROR: positiveInteger(6, 1000),
  SUBSCRIPTIONS_ERROR_RETRY_SECONDS: positiveInteger(300, 86_400),
  CROSSCARE_ENVIRONMENT: z
    .enum(CROSSCARE_ENVIRONMENTS, {
      errorMap: () => ({ message: `must be one of ${CROSSCARE_ENVIRONMENTS.join(', ')}` }),
    })
    .default('production'),
};

type SubscriptionsValues = z.infer<z.ZodObject<typeof subscriptionsVariables>>;

function checkSubscriptionsVariables(v: SubscriptionsValues): ConfigProblem[] {
  const problems = checkKafkaVariables(v);
  const key = headerKeyProblem(v.SUBSCRIPTIONS_HEADER_KEY_FILE);
  if (key) problems.push({ variable: 'SUBSCRIPTIONS_HEADER_KEY_FILE', reason: key });
  if (v.SUBSCRIPTIONS_RETRY_INITIAL_MS > v.SUBSCRIPTIONS_RETRY_MAX_MS)
    problems.push({
      variable: 'SUBSCRIPTIONS_RETRY_INITIAL_MS',
      reason: `must not exceed SUBSCRIPTIONS_RETRY_MAX_MS (${v.SUBSCRIPTIONS_RETRY_MAX_MS})`,
    });
  // Subscribers are given URLs under it (their subscriptions', focus references, the websocket): in production it is
  // the gateway's https address, which the service cannot guess from its own listening address.
  if (v.CROSSCARE_ENVIRONMENT === 'production' && v.SUBSCRIPTIONS_BASE_URL === undefined)
    problems.push({
      variable: 'SUBSCRIPTIONS_BASE_URL',
      reason: 'is required in production: the https URL subscribers reach the FHIR API at',
    });
  else if (v.CROSSCARE_ENVIRONMENT === 'production' && /^http:/i.test(v.SUBSCRIPTIONS_BASE_URL ?? ''))
    problems.push({ variable: 'SUBSCRIPTIONS_BASE_URL', reason: 'must be https in production' });
  return problems;
}

function headerKeyProblem(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return `cannot read ${file}`;
  }
  return parseHeaderKey(text) === undefined
    ? `${file} must hold ${HEADER_KEY_BYTES} bytes, base64 (openssl rand -base64 ${HEADER_KEY_BYTES})`
    : undefined;
}

export function loadSubscriptionsConfig(env: NodeJS.ProcessEnv = process.env): SubscriptionsConfig {
  return loadConfig(
    subscriptionsVariables,
    (v) => ({
      host: v.SUBSCRIPTIONS_HOST,
      port: v.SUBSCRIPTIONS_PORT,
      baseUrl: (
        v.SUBSCRIPTIONS_BASE_URL ?? `http://${v.SUBSCRIPTIONS_HOST}:${v.SUBSCRIPTIONS_PORT}/fhir`
      ).replace(/\/+$/, ''),
      collaborative: v.SUBSCRIPTIONS_COLLABORATIVE,
      readModelSchema:
        v.SUBSCRIPTIONS_READ_MODEL_SCHEMA ?? `projector_${v.SUBSCRIPTIONS_COLLABORATIVE.toLowerCase()}`,
      kafka: toKafkaConfig(v),
      schemaRegistry: toSchemaRegistryConfig(v),
      database: toDatabaseConfig(v),
      databaseSchema: v.SUBSCRIPTIONS_DATABASE_SCHEMA,
      topicPrefix: v.SUBSCRIPTIONS_TOPIC_PREFIX,
      groupId: v.SUBSCRIPTIONS_GROUP_ID,
      instanceId: v.SUBSCRIPTIONS_INSTANCE_ID ?? hostname(),
      partitionsConsumedConcurrently: v.SUBSCRIPTIONS_PARTITIONS_CONSUMED_CONCURRENTLY,
      auth: {
        trustedIssuersFile: v.SUBSCRIPTIONS_TRUSTED_ISSUERS_FILE,
        environment: v.CROSSCARE_ENVIRONMENT,
        audience: v.SUBSCRIPTIONS_AUDIENCE,
        maxLifetimeSeconds: v.SUBSCRIPTIONS_TOKEN_MAX_LIFETIME_SECONDS,
        clockSkewSeconds: v.SUBSCRIPTIONS_CLOCK_SKEW_SECONDS,
      },
      headerKey: parseHeaderKey(readFileSync(v.SUBSCRIPTIONS_HEADER_KEY_FILE, 'utf8'))!,
      eventRetentionDays: v.SUBSCRIPTIONS_EVENT_RETENTION_DAYS,
      eventCacheSize: v.SUBSCRIPTIONS_EVENT_CACHE_SIZE,
      delivery: {
        concurrency: v.SUBSCRIPTIONS_DELIVERY_CONCURRENCY,
        timeoutMs: v.SUBSCRIPTIONS_DELIVERY_TIMEOUT_MS,
        pollMs: v.SUBSCRIPTIONS_DELIVERY_POLL_MS,
        retryInitialMs: v.SUBSCRIPTIONS_RETRY_INITIAL_MS,
        retryMaxMs: v.SUBSCRIPTIONS_RETRY_MAX_MS,
        failuresBeforeError: v.SUBSCRIPTIONS_FAILURES_BEFORE_ERROR,
        errorRetryMs: v.SUBSCRIPTIONS_ERROR_RETRY_SECONDS * 1000,
        allowLocalEndpoints: v.CROSSCARE_ENVIRONMENT === 'development',
      },
      logLevels: enabledLogLevels(v.LOG_LEVEL),
      logFormat: v.LOG_FORMAT,
    }),
    env,
    checkSubscriptionsVariables,
  );
}
