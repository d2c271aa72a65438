import { LocalApp } from './local-app';

export const DEFAULT_SUBSCRIPTIONS_PORT = 8087;

export const SUBSCRIPTIONS_APP = new LocalApp({
  name: 'subscriptions',
  label: 'subscription service',
  sources: [
    'apps/subscriptions/src',
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
      'fhir-subscriptions',
      'hl7v2',
      'projection',
      'read-model',
      'database',
    ].map((lib) => `libs/${lib}/src`),
  ],
  // Readiness (its store and the CCR read model answer, the consumer runs): stack:up returns once it follows the ICS
  // topics.
  healthPath: '/health/ready',
  portFlag: '--subscriptions-port',
});

/** What the local subscription service is wired to: the rest of the stack, reading the CCR projector's read model. */
export interface SubscriptionsWiring {
  readonly port: number;
  /** KAFKA_* variables connecting as the service's own principal (localKafkaEnvironment). */
  readonly kafka: Readonly<Record<string, string>>;
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
  /** The development issuer's trusted-issuers file (ensureDevelopmentIssuer), as the record API's. */
  readonly trustedIssuersFile: string;
  /** The file of the key that seals subscribers' channel headers (ensureSubscriptionsHeaderKey). */
  readonly headerKeyFile: string;
  readonly readModelSchema: string;
  /** The schema its database role owns (SUBSCRIPTIONS_DATABASE_SCHEMA). */
  readonly databaseSchema: string;
  readonly topicPrefix?: string;
}

export function subscriptionsEnvironment(wiring: SubscriptionsWiring): Record<string, string> {
  return {
    ...wiring.kafka,
    SCHEMA_REGISTRY_URL: wiring.schemaRegistryUrl,
    DATABASE_URL: wiring.databaseUrl,
    SUBSCRIPTIONS_HOST: '127.0.0.1',
    SUBSCRIPTIONS_PORT: String(wiring.port),
    SUBSCRIPTIONS_INSTANCE_ID: 'subscriptions-local',
    SUBSCRIPTIONS_COLLABORATIVE: 'CCR',
    SUBSCRIPTIONS_READ_MODEL_SCHEMA: wiring.readModelSchema,
    SUBSCRIPTIONS_DATABASE_SCHEMA: wiring.databaseSchema,
    SUBSCRIPTIONS_TRUSTED_ISSUERS_FILE: wiring.trustedIssuersFile,
    SUBSCRIPTIONS_HEADER_KEY_FILE: wiring.headerKeyFile,
    // The development issuer is refused anywhere else, and a local receiver's http endpoint allowed only here.
    CROSSCARE_ENVIRONMENT: 'development',
    ...(wiring.topicPrefix ? { SUBSCRIPTIONS_TOPIC_PREFIX: wiring.topicPrefix } : {}),
  };
}
