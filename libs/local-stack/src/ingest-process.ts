import { LocalApp } from './local-app';

export const DEFAULT_INGEST_PORT = 8082;
export const DEFAULT_INGEST_MLLP_PORT = 2575;

export const INGEST_APP = new LocalApp({
  name: 'ingest',
  label: 'ingest service',
  sources: [
    'apps/ingest/src',
    ...[
      'config',
      'errors',
      'metrics',
      'events',
      'kafka',
      'logging',
      'governance',
      'fhir',
      'hl7v2',
      'social-care',
      'database',
      'throttling',
      'opt-outs',
      'cli',
    ].map((lib) => `libs/${lib}/src`),
  ],
  // Readiness (database up, directory loaded), not mere liveness: stack:up returns once ingest can take requests.
  healthPath: '/health',
  portFlag: '--ingest-port',
});

/** What the local ingest is wired to: the rest of the stack. */
export interface IngestWiring {
  readonly port: number;
  readonly mllpPort: number;
  /** KAFKA_* variables connecting as the service's own principal (localKafkaEnvironment). */
  readonly kafka: Readonly<Record<string, string>>;
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
}

export function ingestEnvironment(wiring: IngestWiring): Record<string, string> {
  return {
    ...wiring.kafka,
    SCHEMA_REGISTRY_URL: wiring.schemaRegistryUrl,
    DATABASE_URL: wiring.databaseUrl,
    INGEST_HOST: '127.0.0.1',
    INGEST_PORT: String(wiring.port),
    INGEST_MLLP_PORT: String(wiring.mllpPort),
    // The outbox relay's transactional id and group (the default, spelt out): every instance the same, so whichever
    // relays fences the one before it.
    INGEST_RELAY_ID: 'crosscare-ingest-relay',
  };
}
