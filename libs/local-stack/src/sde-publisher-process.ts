import { LocalApp } from './local-app';

export const DEFAULT_SDE_PUBLISHER_PORT = 8086;

export const SDE_PUBLISHER_APP = new LocalApp({
  name: 'sde-publisher',
  label: 'SDE publisher',
  sources: [
    'apps/sde-publisher/src',
    ...[
      'cli',
      'config',
      'errors',
      'events',
      'kafka',
      'logging',
      'governance',
      'database',
      'sde',
      'metrics',
      'subscribers',
    ].map((lib) => `libs/${lib}/src`),
  ],
  // Readiness (consuming, its store answers): stack:up returns once the publisher follows the ICS topics.
  healthPath: '/health/ready',
  portFlag: '--sde-publisher-port',
});

/** What the local SDE publisher is wired to: the rest of the stack, and the keys stack:up made. */
export interface SdePublisherWiring {
  readonly port: number;
  /** KAFKA_* variables connecting as the service's own principal (localKafkaEnvironment). */
  readonly kafka: Readonly<Record<string, string>>;
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
  /** The schema its database role owns (SDE_DATABASE_SCHEMA). */
  readonly databaseSchema: string;
  /** The folder of the approved projects' pseudonymisation keys (ensureSdeKeys). */
  readonly keysDir: string;
  /** INGEST_TOPIC_PREFIX, when set: it reads the ICS topics ingest writes, and names its own topics alike. */
  readonly topicPrefix?: string;
}

export function sdePublisherEnvironment(wiring: SdePublisherWiring): Record<string, string> {
  return {
    ...wiring.kafka,
    SCHEMA_REGISTRY_URL: wiring.schemaRegistryUrl,
    DATABASE_URL: wiring.databaseUrl,
    SDE_PUBLISHER_HOST: '127.0.0.1',
    SDE_PUBLISHER_PORT: String(wiring.port),
    SDE_PUBLISHER_INSTANCE_ID: 'sde-publisher-local',
    SDE_DATABASE_SCHEMA: wiring.databaseSchema,
    SDE_KEYS_DIR: wiring.keysDir,
    // The local broker's data can be purged (stack:down --purge) while Postgres keeps the store: start afresh.
    SDE_RESET_ON_NEW_CLUSTER: 'true',
    ...(wiring.topicPrefix ? { SDE_TOPIC_PREFIX: wiring.topicPrefix } : {}),
  };
}
