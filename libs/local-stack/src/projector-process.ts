import { LocalApp } from './local-app';

/** The projector's sources: the app and every lib its bundle contains. */
const PROJECTOR_SOURCES = [
  'apps/projector/src',
  ...[
    'config',
    'errors',
    'events',
    'kafka',
    'logging',
    'governance',
    'database',
    'projection',
    'read-model',
    // The read model's writes compute each item's search index (searchIndexOf).
    'fhir',
    'cli',
    'metrics',
  ].map((lib) => `libs/${lib}/src`),
];

/** One local projector per collaborative, both running the one projector bundle. */
export const PROJECTOR_APPS = {
  CCR: new LocalApp({
    name: 'projector-ccr',
    project: 'projector',
    label: 'CCR projector',
    sources: PROJECTOR_SOURCES,
    healthPath: '/health/ready',
    portFlag: '--projector-ccr-port',
  }),
  OHC: new LocalApp({
    name: 'projector-ohc',
    project: 'projector',
    label: 'OHC projector',
    sources: PROJECTOR_SOURCES,
    healthPath: '/health/ready',
    portFlag: '--projector-ohc-port',
  }),
} as const;

export const DEFAULT_PROJECTOR_PORTS = { CCR: 8083, OHC: 8084 } as const;

export interface ProjectorWiring {
  readonly collaborative: 'CCR' | 'OHC';
  readonly port: number;
  /** KAFKA_* variables connecting as the service's own principal (localKafkaEnvironment). */
  readonly kafka: Readonly<Record<string, string>>;
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
  readonly topicPrefix?: string;
  /** Read model schemas are `<prefix>_ccr` / `<prefix>_ohc` (default `projector`), so a second stack can keep apart. */
  readonly schemaPrefix?: string;
}

export function projectorSchema(collaborative: 'CCR' | 'OHC', schemaPrefix = 'projector'): string {
  return `${schemaPrefix}_${collaborative.toLowerCase()}`;
}

export function projectorEnvironment(wiring: ProjectorWiring): Record<string, string> {
  return {
    ...wiring.kafka,
    SCHEMA_REGISTRY_URL: wiring.schemaRegistryUrl,
    DATABASE_URL: wiring.databaseUrl,
    PROJECTOR_COLLABORATIVE: wiring.collaborative,
    PROJECTOR_HOST: '127.0.0.1',
    PROJECTOR_PORT: String(wiring.port),
    PROJECTOR_INSTANCE_ID: `projector-${wiring.collaborative.toLowerCase()}-local`,
    PROJECTOR_DATABASE_SCHEMA: projectorSchema(wiring.collaborative, wiring.schemaPrefix),
    // The local broker's data can be purged (stack:down --purge) while Postgres keeps the read models: start afresh.
    PROJECTOR_RESET_ON_NEW_CLUSTER: 'true',
    ...(wiring.topicPrefix ? { PROJECTOR_TOPIC_PREFIX: wiring.topicPrefix } : {}),
  };
}
