import {
  INGEST_APP,
  LOCAL_KAFKA_ADMIN,
  PROJECTOR_APPS,
  RECORD_API_APP,
  SCHEMA_REGISTRY_APP,
  SDE_PUBLISHER_APP,
  STACK_DATABASES,
  clusterSpec,
  consoleProgress,
  databaseUrl,
  ensureStackDatabaseRoles,
  projectorEnvironment,
  isPortFree,
  localKafkaEnvironment,
  localKafkaStatus,
  localRegistryCredentials,
  stackDown,
  stackPaths,
  stackUp,
  type LocalApp,
  type RunningStack,
  type StackOptions,
  type StackPaths,
} from '@crosscare/local-stack';
import { servicePrincipalName } from '@crosscare/governance';
import { freePorts } from '@crosscare/testing';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PrivatePostgres } from './private-postgres';

/** The services the harness can kill by name; each is one process of the built app, as the stack runs it. */
export const SERVICES = {
  registry: SCHEMA_REGISTRY_APP,
  ingest: INGEST_APP,
  'projector-ccr': PROJECTOR_APPS.CCR,
  'projector-ohc': PROJECTOR_APPS.OHC,
  'record-api': RECORD_API_APP,
  'sde-publisher': SDE_PUBLISHER_APP,
} as const satisfies Record<string, LocalApp>;
export type ServiceName = keyof typeof SERVICES;

/**
 * A whole Crosscare stack of the harness's own: three KRaft brokers (replication 3, min.insync.replicas 2) on free
 * ports under a temporary CROSSCARE_HOME, a Postgres server of its own (PrivatePostgres), and every service, started
 * by the same `stackUp` as `npm run stack:up`. Nothing of the development stack (9092, the shared Postgres on 5432)
 * is touched: the brokers, topics, principals, secrets and every database live under the run's temporary
 * directories, which `close` stops and deletes.
 */
export class PrivateStack {
  private constructor(
    readonly runId: string,
    readonly paths: StackPaths,
    readonly options: StackOptions,
    /** The run's own server: the postgres-restart scenario crashes and restarts it. */
    readonly postgres: PrivatePostgres,
    private running: RunningStack,
  ) {}

  static async start(runId: string): Promise<PrivateStack> {
    const postgres = await PrivatePostgres.start(runId);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), `crosscare-${runId}-`));
    // The jars are shared (CROSSCARE_CACHE, else this checkout's cache); everything else is the run's.
    const paths = { ...stackPaths(home), cache: stackPaths().cache };
    // The harness's caller (heavy.sh) points these at the development stack; the services get the run's own. On
    // a server of its own the stack's usual database and role names cannot meet anyone else's.
    for (const name of [
      'KAFKA_BROKERS',
      'DATABASE_URL',
      'SCHEMA_REGISTRY_URL',
      'INGEST_TOPIC_PREFIX',
      'CROSSCARE_POSTGRES_ADMIN_URL',
      'CROSSCARE_DATABASE_ROLE_PREFIX',
    ])
      delete process.env[name];
    const [registryPort, ingestPort, mllpPort, ccr, ohc, recordApiPort, sdePublisherPort, subscriptionsPort] =
      await freePorts(8);
    const options: StackOptions = {
      brokers: 3,
      basePort: await freeKafkaBasePort(),
      registryPort,
      ingestPort,
      mllpPort,
      projectorPorts: { CCR: ccr, OHC: ohc },
      recordApiPort,
      sdePublisherPort,
      subscriptionsPort,
      paths,
      progress: consoleProgress(),
      postgresAdminUrl: postgres.adminUrl,
    };
    try {
      return new PrivateStack(runId, paths, options, postgres, await stackUp(options));
    } catch (error) {
      await new PrivateStack(runId, paths, options, postgres, undefined as never)
        .close()
        .catch(() => undefined);
      throw error;
    }
  }

  get stack(): RunningStack {
    return this.running;
  }

  /** KAFKA_* variables for the cluster's admin principal: the oracle reads every topic as it. */
  adminKafkaEnvironment(): Record<string, string> {
    return localKafkaEnvironment(this.running.kafka, this.paths, LOCAL_KAFKA_ADMIN);
  }

  /** The registry's URL and the admin's credentials (Basic), for the oracle's own schema look-ups. */
  registryAdmin(): { url: string; authorization: string } {
    const withCredentials = new URL(
      localRegistryCredentials(this.paths, this.running.schemaRegistryUrl).adminUrl,
    );
    const authorization = `Basic ${Buffer.from(
      `${decodeURIComponent(withCredentials.username)}:${decodeURIComponent(withCredentials.password)}`,
    ).toString('base64')}`;
    return { url: this.running.schemaRegistryUrl, authorization };
  }

  /** The stack's database on the run's server, as the Postgres administrator. */
  adminDatabaseUrl(): string {
    return databaseUrl(this.postgres.adminUrl, STACK_DATABASES[0]);
  }

  /**
   * The variables the stack starts a projector with (its principal, registry user and database role): what a
   * projector tool, such as the rebuild, runs with, as an operator would run it beside that projector.
   */
  async projectorEnvironment(collaborative: 'CCR' | 'OHC'): Promise<Record<string, string>> {
    const role = collaborative === 'CCR' ? 'projector-ccr' : 'projector-ohc';
    const serviceDatabaseUrl = await ensureStackDatabaseRoles(this.adminDatabaseUrl(), this.paths);
    return projectorEnvironment({
      collaborative,
      port: 0,
      kafka: localKafkaEnvironment(this.running.kafka, this.paths, servicePrincipalName(role)),
      schemaRegistryUrl: localRegistryCredentials(this.paths, this.running.schemaRegistryUrl).serviceUrl(
        role,
      ),
      databaseUrl: serviceDatabaseUrl(role),
    });
  }

  pidOf(service: ServiceName): number | undefined {
    return SERVICES[service].running(this.paths)?.pid;
  }

  async brokerPids(): Promise<Array<{ nodeId: number; pid: number; alive: boolean }>> {
    return (await localKafkaStatus(this.paths)).nodes.map((n) => ({
      nodeId: n.nodeId,
      pid: n.pid,
      alive: n.alive,
    }));
  }

  /** Starts whatever is not running (a killed broker or service), exactly as a second `stack:up` would. */
  async heal(): Promise<void> {
    this.running = await stackUp({ ...this.options, progress: consoleProgress() });
  }

  /**
   * Stops every process of the run, its Postgres last, and deletes its directories. `keepLogsIn`: first copy the
   * services' and brokers' logs there, so that a finding can be traced to what a service said at the time.
   */
  async close(keepLogsIn?: string): Promise<void> {
    await stackDown({ paths: this.paths, progress: consoleProgress() }).catch((error: unknown) =>
      console.error(`reliability: stopping the private stack: ${String(error)}`),
    );
    try {
      await this.postgres.stop();
      if (keepLogsIn && fs.existsSync(this.paths.logs)) {
        fs.cpSync(this.paths.logs, keepLogsIn, { recursive: true });
        console.error(`reliability: the stack's logs are kept in ${keepLogsIn}`);
      }
    } finally {
      fs.rmSync(this.paths.home, { recursive: true, force: true });
    }
  }
}

/** Linux hands ports from here up to outgoing sockets (the default net.ipv4.ip_local_port_range is 32768-60999). */
export const EPHEMERAL_PORTS_START = 32_768;

/**
 * The base ports the private cluster may take, each with the ports the stack derives from it (clusterSpec: client
 * ports base, base + 1, base + 2; each controller CONTROLLER_PORT_OFFSET above its client port). All below the
 * ephemeral range, so that no outgoing socket takes one between the check and a broker's restart after a kill: from
 * 13092 (its controllers 23092 to 23094) up, in steps of 100, while the highest controller port stays below 32768.
 */
export function kafkaBasePortCandidates(brokers: 1 | 3 = 3): Array<{ base: number; ports: number[] }> {
  const candidates: Array<{ base: number; ports: number[] }> = [];
  for (let base = 13_092; ; base += 100) {
    const ports = clusterSpec(brokers, base).nodes.flatMap((node) => [node.clientPort, node.controllerPort]);
    if (Math.max(...ports) >= EPHEMERAL_PORTS_START) return candidates;
    candidates.push({ base, ports });
  }
}

/** The first candidate base port whose every derived port is free now. */
async function freeKafkaBasePort(): Promise<number> {
  for (const { base, ports } of kafkaBasePortCandidates(3))
    if ((await Promise.all(ports.map(isPortFree))).every(Boolean)) return base;
  throw new Error('no free base port for the private Kafka cluster');
}
