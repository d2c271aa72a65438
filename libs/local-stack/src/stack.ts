import { envValue } from './env';
import {
  startLocalKafka,
  stopLocalKafka,
  localKafkaStatus,
  purgeLocalKafkaData,
  type LocalKafka,
} from './kafka-cluster';
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
  registryHealthy,
  runningRegistry,
  startLocalRegistry,
  stopLocalRegistry,
} from './schema-registry-process';

/** Databases the running services use; each later service adds its own here. */
export const STACK_DATABASES = ['crosscare'] as const;

export interface StackOptions {
  readonly brokers?: 1 | 3;
  readonly basePort?: number;
  /** The schema registry's port (default 8081). */
  readonly registryPort?: number;
  readonly paths?: StackPaths;
  readonly progress?: Progress;
  readonly postgresAdminUrl?: string;
}

export interface RunningStack {
  readonly kafka: LocalKafka;
  readonly databaseUrl: string;
  readonly schemaRegistryUrl: string;
  /** Whether this call started (or restarted) the registry. */
  readonly schemaRegistryStarted: boolean;
}

function adminUrl(options: StackOptions): string {
  return options.postgresAdminUrl ?? envValue('CROSSCARE_POSTGRES_ADMIN_URL') ?? DEFAULT_POSTGRES_ADMIN_URL;
}

/** Idempotent: what already runs is checked and kept, what is missing is started. */
export async function stackUp(options: StackOptions = {}): Promise<RunningStack> {
  const paths = options.paths ?? stackPaths();
  const progress = options.progress ?? consoleProgress();
  await progress.step('Checking PostgreSQL and Crosscare databases', () =>
    ensurePostgres({ adminUrl: adminUrl(options), databases: STACK_DATABASES, paths, progress }),
  );
  const kafka = await startLocalKafka({
    brokers: options.brokers,
    basePort: options.basePort,
    paths,
    progress,
  });
  const url = databaseUrl(adminUrl(options), STACK_DATABASES[0]);
  const registry = await startLocalRegistry({
    port: options.registryPort ?? 8081,
    databaseUrl: url,
    paths,
    progress,
  });
  return {
    kafka,
    databaseUrl: url,
    schemaRegistryUrl: registry.url,
    schemaRegistryStarted: registry.started,
  };
}

export async function stackDown(options: StackOptions & { purge?: boolean } = {}): Promise<void> {
  const paths = options.paths ?? stackPaths();
  const progress = options.progress ?? consoleProgress();
  if (!(await stopLocalRegistry(paths, progress))) progress.info('Schema registry: not running');
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
  const registry = runningRegistry(paths);
  const registryUp = registry !== undefined && (await registryHealthy(registry.url));
  lines.push(
    registry
      ? `registry   pid ${registry.pid}  ${registry.url}  ${registryUp ? 'healthy' : 'NOT ANSWERING'}  log ${registry.logFile}`
      : 'registry   stopped',
  );
  const url = databaseUrl(adminUrl(options), STACK_DATABASES[0]);
  const postgresUp = await canConnect(url);
  lines.push(`postgres   ${postgresUp ? 'accepting connections' : 'NOT REACHABLE'} at ${new URL(url).host}`);
  return { healthy: kafka.healthy && postgresUp && registryUp, lines };
}
