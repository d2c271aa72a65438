import { LocalApp } from './local-app';
import type { StackPaths } from './paths';
import { secretsDir } from './secrets';

export const DEFAULT_RECORD_API_PORT = 8085;

export const RECORD_API_APP = new LocalApp({
  name: 'record-api',
  label: 'record API',
  sources: [
    'apps/record-api/src',
    ...[
      'config',
      'errors',
      'metrics',
      'events',
      'kafka',
      'logging',
      'governance',
      'identity',
      'fhir',
      'hl7v2',
      'projection',
      'read-model',
      'database',
      'throttling',
    ].map((lib) => `libs/${lib}/src`),
  ],
  // Readiness (database up, the CCR projector's read model created), not mere liveness.
  healthPath: '/health',
  portFlag: '--record-api-port',
});

/**
 * Where the local stack's development issuer of readers' tokens lives, never a production one: its private key with
 * the stack's secrets (owner-only), its public JWKS and the record API's trusted-issuers file under
 * `<CROSSCARE_HOME>/identity`. Created at `stack:up` (ensureDevelopmentIssuer) and kept, so tokens minted by
 * `record-api:token` stay valid across restarts and no key is written in the repository.
 */
export const developmentIssuerDirectories = (paths: StackPaths) => ({
  secretsDir: secretsDir(paths),
  publicDir: paths.identity,
});

/** What the local record API is wired to: the rest of the stack, reading the CCR projector's read model. */
export interface RecordApiWiring {
  readonly port: number;
  /** KAFKA_* variables connecting as the service's own principal (localKafkaEnvironment). */
  readonly kafka: Readonly<Record<string, string>>;
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
  /** The development issuer's trusted-issuers file (ensureDevelopmentIssuer). */
  readonly trustedIssuersFile: string;
  readonly topicPrefix?: string;
  /** The CCR projector's read model schema, which it reads. */
  readonly readModelSchema: string;
}

export function recordApiEnvironment(wiring: RecordApiWiring): Record<string, string> {
  return {
    ...wiring.kafka,
    SCHEMA_REGISTRY_URL: wiring.schemaRegistryUrl,
    DATABASE_URL: wiring.databaseUrl,
    RECORD_API_HOST: '127.0.0.1',
    RECORD_API_PORT: String(wiring.port),
    RECORD_API_COLLABORATIVE: 'CCR',
    RECORD_API_DATABASE_SCHEMA: wiring.readModelSchema,
    RECORD_API_TRUSTED_ISSUERS_FILE: wiring.trustedIssuersFile,
    // The development issuer is refused anywhere else.
    CROSSCARE_ENVIRONMENT: 'development',
    ...(wiring.topicPrefix ? { RECORD_API_TOPIC_PREFIX: wiring.topicPrefix } : {}),
  };
}
