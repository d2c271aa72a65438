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
  trustedProxies,
} from '@crosscare/config';
import { DEFAULT_TOPIC_PREFIX } from '@crosscare/events';
import { COLLABORATIVE_CODES, type CollaborativeCode } from '@crosscare/governance';
import {
  CROSSCARE_ENVIRONMENTS,
  DEFAULT_AUDIENCE,
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_MAX_LIFETIME_SECONDS,
  type ReaderAuthConfig,
} from '@crosscare/identity';
import { z } from 'zod';
import type { AccessThrottleLimits } from './access/access-throttle';

export const DEFAULT_RECORD_API_PORT = 8085;
/** A reader's token lives minutes to an hour; a day is already far beyond what any identity provider issues. */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;
export const MAX_CLOCK_SKEW_SECONDS = 600;

/** What the reader token verifier needs: readers' tokens come from the issuers the file lists, by their JWKS. */
export type RecordApiAuthConfig = ReaderAuthConfig;

export interface RecordApiConfig {
  readonly host: string;
  readonly port: number;
  /** Whose read model this deployment reads: its own items, plus the other collaborative's records it holds. */
  readonly collaborative: CollaborativeCode;
  readonly kafka: KafkaConfig;
  readonly schemaRegistry: SchemaRegistryConfig;
  readonly database: DatabaseConfig;
  /**
   * The name of the collaborative's read model: its schema, until a projector rebuild switches it to another (the
   * projectors' control table says which). Read, never written.
   */
  readonly databaseSchema: string;
  /** The audit topic is `<prefix>.audit.record-access.v1`. */
  readonly topicPrefix: string;
  readonly auth: RecordApiAuthConfig;
  /** Rates per user, organisation and bad-token address, and when repeated refusals are alerted. */
  readonly throttle: AccessThrottleLimits;
  /** How long a read waits for the audit event's acknowledgement before answering 503 without the record. */
  readonly auditTimeoutMs: number;
  readonly logLevels: LogLevelName[];
  readonly logFormat: LogFormatName;
  /**
   * Proxies whose X-Forwarded-For names the client, as Express's 'trust proxy' takes them (a hop count or addresses
   * and subnets); undefined trusts none, so the audited client address is the socket's peer.
   */
  readonly trustedProxies: number | string[] | undefined;
  /**
   * The record API's address as callers reach it (behind a gateway, its public URL), without a trailing slash:
   * what paging and "the rest" links start with. Undefined: links relative to the API's root (/fhir/..., /patients/...).
   */
  readonly publicUrl: string | undefined;
}

export const recordApiVariables = {
  ...kafkaVariables,
  ...schemaRegistryVariables,
  ...databaseVariables,
  ...loggingVariables,
  RECORD_API_HOST: listenHost(),
  RECORD_API_PORT: listenPort(DEFAULT_RECORD_API_PORT),
  RECORD_API_COLLABORATIVE: z
    .enum(COLLABORATIVE_CODES, {
      errorMap: () => ({ message: `must be one of ${COLLABORATIVE_CODES.join(', ')}` }),
    })
    .default('CCR'),
  RECORD_API_DATABASE_SCHEMA: identifier(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'a lower-case Postgres identifier (letters, digits, _; at most 63)',
  ).optional(),
  RECORD_API_TOPIC_PREFIX: identifier(
    /^[a-z0-9][a-z0-9._-]{0,100}$/,
    'lower-case letters, digits, dot, dash, _',
  ).default(DEFAULT_TOPIC_PREFIX),
  RECORD_API_TRUSTED_ISSUERS_FILE: z
    .string({
      required_error:
        'is required: the JSON file of trusted token issuers and their JWKS (see docs/security.md, Reader identity)',
    })
    .min(1),
  RECORD_API_AUDIENCE: z.string().max(500, 'must be at most 500 characters').default(DEFAULT_AUDIENCE),
  RECORD_API_TOKEN_MAX_LIFETIME_SECONDS: positiveInteger(
    DEFAULT_MAX_LIFETIME_SECONDS,
    MAX_TOKEN_LIFETIME_SECONDS,
  ),
  RECORD_API_CLOCK_SKEW_SECONDS: z
    .string()
    .default(String(DEFAULT_CLOCK_SKEW_SECONDS))
    .refine((v) => /^\d+$/.test(v) && Number(v) <= MAX_CLOCK_SKEW_SECONDS, {
      message: `must be a whole number from 0 to ${MAX_CLOCK_SKEW_SECONDS}`,
    })
    .transform(Number),
  CROSSCARE_ENVIRONMENT: z
    .enum(CROSSCARE_ENVIRONMENTS, {
      errorMap: () => ({ message: `must be one of ${CROSSCARE_ENVIRONMENTS.join(', ')}` }),
    })
    .default('production'),
  RECORD_API_AUDIT_TIMEOUT_MS: positiveInteger(5000, 60_000),
  RECORD_API_TRUSTED_PROXIES: trustedProxies(),
  RECORD_API_PUBLIC_URL: z
    .string()
    .refine(isPublicBaseUrl, {
      message:
        'must be an http or https URL with no query or fragment, e.g. https://records.example.nhs.uk/api',
    })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  // A clinician opening records one after another in clinic reads a few a minute; 120 covers a ward round's bursts.
  RECORD_API_USER_REQUESTS_PER_MINUTE: positiveInteger(120, 100_000),
  RECORD_API_USER_BURST: positiveInteger(30, 100_000),
  // A large acute trust's staff together: well above its busiest hour, still a ceiling on a stolen system account.
  RECORD_API_ORGANISATION_REQUESTS_PER_MINUTE: positiveInteger(6000, 1_000_000),
  RECORD_API_ORGANISATION_BURST: positiveInteger(600, 1_000_000),
  RECORD_API_BAD_TOKENS_PER_MINUTE: positiveInteger(30, 100_000),
  RECORD_API_BAD_TOKENS_BURST: positiveInteger(20, 100_000),
  RECORD_API_REFUSAL_ALERT_THRESHOLD: positiveInteger(10, 100_000),
  RECORD_API_REFUSAL_ALERT_WINDOW_SECONDS: positiveInteger(300, 86_400),
};

export function loadRecordApiConfig(env: NodeJS.ProcessEnv = process.env): RecordApiConfig {
  return loadConfig(
    recordApiVariables,
    (v) => ({
      host: v.RECORD_API_HOST,
      port: v.RECORD_API_PORT,
      collaborative: v.RECORD_API_COLLABORATIVE,
      kafka: toKafkaConfig(v),
      schemaRegistry: toSchemaRegistryConfig(v),
      database: toDatabaseConfig(v),
      databaseSchema: v.RECORD_API_DATABASE_SCHEMA ?? `projector_${v.RECORD_API_COLLABORATIVE.toLowerCase()}`,
      topicPrefix: v.RECORD_API_TOPIC_PREFIX,
      auth: {
        trustedIssuersFile: v.RECORD_API_TRUSTED_ISSUERS_FILE,
        environment: v.CROSSCARE_ENVIRONMENT,
        audience: v.RECORD_API_AUDIENCE,
        maxLifetimeSeconds: v.RECORD_API_TOKEN_MAX_LIFETIME_SECONDS,
        clockSkewSeconds: v.RECORD_API_CLOCK_SKEW_SECONDS,
      },
      throttle: {
        user: { perMinute: v.RECORD_API_USER_REQUESTS_PER_MINUTE, burst: v.RECORD_API_USER_BURST },
        organisation: {
          perMinute: v.RECORD_API_ORGANISATION_REQUESTS_PER_MINUTE,
          burst: v.RECORD_API_ORGANISATION_BURST,
        },
        badTokens: { perMinute: v.RECORD_API_BAD_TOKENS_PER_MINUTE, burst: v.RECORD_API_BAD_TOKENS_BURST },
        alertAfter: {
          refusals: v.RECORD_API_REFUSAL_ALERT_THRESHOLD,
          windowMs: v.RECORD_API_REFUSAL_ALERT_WINDOW_SECONDS * 1000,
        },
      },
      auditTimeoutMs: v.RECORD_API_AUDIT_TIMEOUT_MS,
      logLevels: enabledLogLevels(v.LOG_LEVEL),
      logFormat: v.LOG_FORMAT,
      trustedProxies: v.RECORD_API_TRUSTED_PROXIES,
      publicUrl: v.RECORD_API_PUBLIC_URL,
    }),
    env,
    checkKafkaVariables,
  );
}

function isPublicBaseUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}
