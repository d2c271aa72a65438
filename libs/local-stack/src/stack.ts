import type { ServiceRole } from '@crosscare/governance';
import { ensureStackDatabaseRoles } from './database-access';
import { envValue } from './env';
import {
  DEFAULT_INGEST_MLLP_PORT,
  DEFAULT_INGEST_PORT,
  INGEST_APP,
  ingestEnvironment,
} from './ingest-process';
import {
  startLocalKafka,
  stopLocalKafka,
  localKafkaStatus,
  purgeLocalKafkaData,
  type LocalKafka,
} from './kafka-cluster';
import { clusterSpec } from './kafka-layout';
import { ensureServicePrincipals, localKafkaEnvironment } from './kafka-principals';
import { registerCheckoutSchemas } from './stack-schemas';
import type { LocalApp } from './local-app';
import { stackPaths, type StackPaths } from './paths';
import {
  DEFAULT_POSTGRES_ADMIN_URL,
  canConnect,
  databaseUrl,
  ensurePostgres,
  stopPostgresIfStartedByUs,
} from './postgres';
import { consoleProgress, type Progress } from './progress';
import {
  DEFAULT_PROJECTOR_PORTS,
  PROJECTOR_APPS,
  projectorEnvironment,
  projectorSchema,
} from './projector-process';
import {
  DEFAULT_RECORD_API_PORT,
  developmentIssuerDirectories,
  RECORD_API_APP,
  recordApiEnvironment,
} from './record-api-process';
import { localRegistryCredentials } from './registry-credentials';
import { DEFAULT_REGISTRY_PORT, registryEnvironment, SCHEMA_REGISTRY_APP } from './schema-registry-process';
import { ensureSdeKeys } from './sde-keys';
import {
  DEFAULT_SDE_PUBLISHER_PORT,
  SDE_PUBLISHER_APP,
  sdePublisherEnvironment,
} from './sde-publisher-process';
import { ensureSubscriptionsHeaderKey } from './subscriptions-header-key';
import {
  DEFAULT_SUBSCRIPTIONS_PORT,
  SUBSCRIPTIONS_APP,
  subscriptionsEnvironment,
} from './subscriptions-process';

/** Databases the running services use; each later service adds its own here. */
export const STACK_DATABASES = ['crosscare'] as const;

export interface StackOptions {
  readonly brokers?: 1 | 3;
  readonly basePort?: number;
  /** The schema registry's port (default 8081). */
  readonly registryPort?: number;
  /** Ingest's HTTP port (default 8082) and its MLLP port for HL7 v2 (default 2575). */
  readonly ingestPort?: number;
  readonly mllpPort?: number;
  /** The projectors' ports (health, metrics): CCR 8083, OHC 8084 by default. */
  readonly projectorPorts?: { readonly CCR?: number; readonly OHC?: number };
  /** The record API's port (default 8085). */
  readonly recordApiPort?: number;
  /** The SDE publisher's port (health, metrics; default 8086). */
  readonly sdePublisherPort?: number;
  /** The subscription service's port (FHIR API, health, metrics; default 8087). */
  readonly subscriptionsPort?: number;
  readonly paths?: StackPaths;
  readonly progress?: Progress;
  readonly postgresAdminUrl?: string;
  /**
   * The database the services use (default `crosscare`). A private stack (the reliability harness) names its own,
   * so that its roles' grants and the shared `projector_control` schema never touch the development stack's.
   */
  readonly database?: string;
}

export interface RunningStack {
  readonly kafka: LocalKafka;
  /** The administrator's URL of the stack's database, for tools and tests; the services each use their own role. */
  readonly databaseUrl: string;
  readonly schemaRegistryUrl: string;
  /** Whether this call started (or restarted) the registry. */
  readonly schemaRegistryStarted: boolean;
  readonly ingestUrl: string;
  readonly ingestMllpPort: number;
  /** Whether this call started (or restarted) ingest. */
  readonly ingestStarted: boolean;
  readonly projectorUrls: { readonly CCR: string; readonly OHC: string };
  readonly recordApiUrl: string;
  readonly sdePublisherUrl: string;
  /** The subscription service (FHIR subscriptions at <url>/fhir). */
  readonly subscriptionsUrl: string;
  /** Where the SDE publisher's pseudonymisation keys are (SDE_KEYS_DIR), one per approved project. */
  readonly sdeKeysDir: string;
}

function adminUrl(options: StackOptions): string {
  return options.postgresAdminUrl ?? envValue('CROSSCARE_POSTGRES_ADMIN_URL') ?? DEFAULT_POSTGRES_ADMIN_URL;
}

/** Idempotent: what already runs is checked and kept, what is missing is started. */
export async function stackUp(options: StackOptions = {}): Promise<RunningStack> {
  const paths = options.paths ?? stackPaths();
  const progress = options.progress ?? consoleProgress();
  const database = options.database ?? STACK_DATABASES[0];
  await progress.step('Checking PostgreSQL and Crosscare databases', () =>
    ensurePostgres({ adminUrl: adminUrl(options), databases: [database], paths, progress }),
  );
  // Each service logs in as its own role (docs/security.md, Postgres); the admin URL stays for tools and tests.
  const serviceDatabaseUrl = await progress.step("Provisioning the services' database roles", () =>
    ensureStackDatabaseRoles(databaseUrl(adminUrl(options), database), paths),
  );
  const kafka = await startLocalKafka({
    brokers: options.brokers,
    basePort: options.basePort,
    paths,
    progress,
  });
  const url = databaseUrl(adminUrl(options), database);
  const registryPort = options.registryPort ?? DEFAULT_REGISTRY_PORT;
  const registry = await SCHEMA_REGISTRY_APP.start({
    port: registryPort,
    env: registryEnvironment(registryPort, serviceDatabaseUrl('registry'), paths),
    paths,
    progress,
  });
  const registryAuth = localRegistryCredentials(paths, registry.url);
  await registerCheckoutSchemas(registryAuth.adminUrl, progress);

  // Loaded here, not at the top: @crosscare/testing imports this library for Kafka and Postgres alone, and should
  // not load the event, governance and Kafka client libraries with it.
  const { ensureRecordChangeTopics } = await import('./record-change-topics');
  await ensureRecordChangeTopics({
    access: kafka.admin,
    replicationFactor: clusterSpec(options.brokers ?? 1).replicationFactor,
    prefix: envValue('INGEST_TOPIC_PREFIX'),
    progress,
  });
  await ensureServicePrincipals(kafka, paths, envValue('INGEST_TOPIC_PREFIX'), progress);
  const { servicePrincipalName } = await import('@crosscare/governance');
  const kafkaAs = (role: ServiceRole) => localKafkaEnvironment(kafka, paths, servicePrincipalName(role));
  const ingestPort = options.ingestPort ?? DEFAULT_INGEST_PORT;
  const mllpPort = options.mllpPort ?? DEFAULT_INGEST_MLLP_PORT;
  const ingest = await INGEST_APP.start({
    port: ingestPort,
    otherPorts: [{ name: 'mllp', port: mllpPort, flag: '--mllp-port' }],
    env: ingestEnvironment({
      port: ingestPort,
      mllpPort,
      kafka: kafkaAs('ingest'),
      schemaRegistryUrl: registryAuth.serviceUrl('ingest'),
      databaseUrl: serviceDatabaseUrl('ingest'),
    }),
    paths,
    progress,
  });
  const projectorUrls = { CCR: '', OHC: '' };
  for (const collaborative of ['CCR', 'OHC'] as const) {
    const port = options.projectorPorts?.[collaborative] ?? DEFAULT_PROJECTOR_PORTS[collaborative];
    const projector = await PROJECTOR_APPS[collaborative].start({
      port,
      env: projectorEnvironment({
        collaborative,
        port,
        kafka: kafkaAs(collaborative === 'CCR' ? 'projector-ccr' : 'projector-ohc'),
        schemaRegistryUrl: registryAuth.serviceUrl(
          collaborative === 'CCR' ? 'projector-ccr' : 'projector-ohc',
        ),
        databaseUrl: serviceDatabaseUrl(collaborative === 'CCR' ? 'projector-ccr' : 'projector-ohc'),
        topicPrefix: envValue('INGEST_TOPIC_PREFIX'),
        schemaPrefix: envValue('CROSSCARE_PROJECTOR_SCHEMA_PREFIX'),
      }),
      paths,
      progress,
    });
    projectorUrls[collaborative] = projector.url;
  }
  const recordApiPort = options.recordApiPort ?? DEFAULT_RECORD_API_PORT;
  // Loaded here, as governance is: the test harness imports this library and needs no token signing.
  const { ensureDevelopmentIssuer } = await import('@crosscare/identity');
  const developmentIssuer = await ensureDevelopmentIssuer(developmentIssuerDirectories(paths));
  const recordApi = await RECORD_API_APP.start({
    port: recordApiPort,
    env: recordApiEnvironment({
      port: recordApiPort,
      kafka: kafkaAs('record-api'),
      schemaRegistryUrl: registryAuth.serviceUrl('record-api'),
      databaseUrl: serviceDatabaseUrl('record-api-ccr'),
      trustedIssuersFile: developmentIssuer.trustedIssuersFile,
      topicPrefix: envValue('INGEST_TOPIC_PREFIX'),
      readModelSchema: projectorSchema('CCR', envValue('CROSSCARE_PROJECTOR_SCHEMA_PREFIX')),
    }),
    paths,
    progress,
  });
  // Loaded here, as governance is. The projects file is the publisher's (SDE_PROJECTS_FILE, else the repository's).
  const { loadSdeProjects } = await import('@crosscare/sde');
  const projects = loadSdeProjects({ file: envValue('SDE_PROJECTS_FILE') });
  const sdeKeysDir = ensureSdeKeys(
    paths,
    projects.map((p) => p.pseudonymisationKey),
  );
  const sdePublisherPort = options.sdePublisherPort ?? DEFAULT_SDE_PUBLISHER_PORT;
  const sdePublisher = await SDE_PUBLISHER_APP.start({
    port: sdePublisherPort,
    env: sdePublisherEnvironment({
      port: sdePublisherPort,
      kafka: kafkaAs('sde-publisher'),
      schemaRegistryUrl: registryAuth.serviceUrl('sde-publisher'),
      databaseUrl: serviceDatabaseUrl('sde-publisher'),
      databaseSchema: envValue('SDE_DATABASE_SCHEMA') ?? 'sde',
      keysDir: sdeKeysDir,
      topicPrefix: envValue('INGEST_TOPIC_PREFIX'),
    }),
    paths,
    progress,
  });
  const subscriptionsPort = options.subscriptionsPort ?? DEFAULT_SUBSCRIPTIONS_PORT;
  const subscriptions = await SUBSCRIPTIONS_APP.start({
    port: subscriptionsPort,
    env: subscriptionsEnvironment({
      port: subscriptionsPort,
      kafka: kafkaAs('subscriptions'),
      schemaRegistryUrl: registryAuth.serviceUrl('subscriptions'),
      databaseUrl: serviceDatabaseUrl('subscriptions'),
      trustedIssuersFile: developmentIssuer.trustedIssuersFile,
      headerKeyFile: ensureSubscriptionsHeaderKey(paths),
      readModelSchema: projectorSchema('CCR', envValue('CROSSCARE_PROJECTOR_SCHEMA_PREFIX')),
      databaseSchema: envValue('SUBSCRIPTIONS_DATABASE_SCHEMA') ?? 'subscriptions',
      topicPrefix: envValue('INGEST_TOPIC_PREFIX'),
    }),
    paths,
    progress,
  });
  return {
    kafka,
    databaseUrl: url,
    schemaRegistryUrl: registry.url,
    schemaRegistryStarted: registry.started,
    ingestUrl: ingest.url,
    ingestMllpPort: mllpPort,
    ingestStarted: ingest.started,
    projectorUrls,
    recordApiUrl: recordApi.url,
    sdePublisherUrl: sdePublisher.url,
    sdeKeysDir,
    subscriptionsUrl: subscriptions.url,
  };
}

/** The apps in the order they start; they stop in reverse, each before what it depends on. */
const LOCAL_APPS: ReadonlyArray<{ column: string; app: LocalApp }> = [
  { column: 'registry', app: SCHEMA_REGISTRY_APP },
  { column: 'ingest', app: INGEST_APP },
  { column: 'proj-ccr', app: PROJECTOR_APPS.CCR },
  { column: 'proj-ohc', app: PROJECTOR_APPS.OHC },
  { column: 'record-api', app: RECORD_API_APP },
  { column: 'sde-pub', app: SDE_PUBLISHER_APP },
  { column: 'subs', app: SUBSCRIPTIONS_APP },
];

export async function stackDown(options: StackOptions & { purge?: boolean } = {}): Promise<void> {
  const paths = options.paths ?? stackPaths();
  const progress = options.progress ?? consoleProgress();
  for (const { app } of [...LOCAL_APPS].reverse()) {
    if (!(await app.stop(paths, progress))) progress.info(`${app.title}: not running`);
  }
  const stopped = await stopLocalKafka({ paths, progress });
  if (stopped.length === 0) progress.info('Kafka: not running');
  await stopPostgresIfStartedByUs(paths, progress);
  if (options.purge) {
    purgeLocalKafkaData(paths);
    progress.info(`Kafka data deleted from ${paths.kafkaData}`);
  }
}

export interface StackStatus {
  readonly healthy: boolean;
  readonly lines: string[];
}

export async function stackStatus(options: StackOptions = {}): Promise<StackStatus> {
  const paths = options.paths ?? stackPaths();
  const lines: string[] = [];
  const kafka = await localKafkaStatus(paths);
  if (kafka.nodes.length === 0) lines.push('kafka      stopped');
  for (const node of kafka.nodes) {
    lines.push(
      `kafka      node ${node.nodeId}  pid ${node.pid}  127.0.0.1:${node.clientPort}  ` +
        `${node.alive ? 'running' : 'dead'}  log ${node.logFile}`,
    );
  }
  if (kafka.nodes.length > 0) {
    lines.push(
      `kafka      cluster ${kafka.healthy ? 'healthy' : 'UNHEALTHY'} ` +
        `(${kafka.registeredBrokers ?? 0}/${kafka.nodes.length} brokers registered)`,
    );
  }
  let appsUp = true;
  for (const { column, app } of LOCAL_APPS) {
    const status = await app.status(paths);
    appsUp &&= status?.healthy ?? false;
    if (!status) {
      lines.push(`${column.padEnd(10)} stopped`);
      continue;
    }
    const { record } = status;
    const others = (record.otherPorts ?? []).map((p) => `  ${p.name} 127.0.0.1:${p.port}`).join('');
    lines.push(
      `${column.padEnd(10)} pid ${record.pid}  ${record.url}${others}  ` +
        `${status.healthy ? 'healthy' : 'NOT ANSWERING'}  log ${record.logFile}`,
    );
  }
  const url = databaseUrl(adminUrl(options), STACK_DATABASES[0]);
  const postgresUp = await canConnect(url);
  lines.push(`postgres   ${postgresUp ? 'accepting connections' : 'NOT REACHABLE'} at ${new URL(url).host}`);
  return { healthy: kafka.healthy && postgresUp && appsUp, lines };
}
