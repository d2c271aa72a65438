import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand } from './commands';
import { envValue } from './env';
import { checkJava } from './java';
import { ensureKafkaDistribution, type KafkaDistribution } from './kafka-distribution';
import {
  bootstrapServers,
  clusterSpec,
  renderServerProperties,
  type KafkaClusterSpec,
  type KafkaNodeSpec,
} from './kafka-layout';
import { KAFKA_LOG4J_CONFIG, stackPaths, type StackPaths } from './paths';
import { describePortOwner, isPortFree } from './ports';
import { isAlive, isOurProcess, stopProcess, tail } from './processes';
import { silentProgress, type Progress } from './progress';
import { ensureLocalTls, localTlsPaths } from './kafka-tls';
import { scramBootstrapArgument } from './kafka-scram';
import { describeCluster, waitForBrokers, type LocalKafkaAccess } from './readiness';
import { localSecret, secretFile } from './secrets';
import { StackError } from './stack-error';

export interface LocalKafkaOptions {
  readonly brokers?: 1 | 3;
  readonly basePort?: number;
  readonly paths?: StackPaths;
  readonly progress?: Progress;
  readonly readyTimeoutMs?: number;
}

/** What a running node leaves in the run folder, so later commands can find and stop it. */
export interface KafkaNodeRecord extends KafkaNodeSpec {
  readonly pid: number;
  readonly mode: KafkaClusterSpec['mode'];
  readonly basePort: number;
  readonly propertiesFile: string;
  readonly logFile: string;
}

export interface LocalKafka {
  readonly bootstrap: string[];
  /** The cluster's super user: for provisioning topics, users and ACLs, never for a service. */
  readonly admin: LocalKafkaAccess;
  /** The local CA's certificate, which clients verify the brokers against (KAFKA_SSL_CA_FILE). */
  readonly caFile: string;
  readonly version: string;
  /** Node ids this call started; empty when the cluster was already running (then the caller must not stop it). */
  readonly started: number[];
  readonly nodes: KafkaNodeRecord[];
}

export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<LocalKafka> {
  const paths = options.paths ?? stackPaths();
  const progress = options.progress ?? silentProgress;
  const basePort = options.basePort ?? 9092;
  const spec = clusterSpec(options.brokers ?? 1, basePort);
  const bootstrap = bootstrapServers(spec);

  const running = runningNodes(paths);
  const other = running.find((r) => r.mode !== spec.mode || r.basePort !== basePort);
  if (other) {
    throw new StackError(
      `a ${other.mode} Kafka is already running (node ${other.nodeId}, pid ${other.pid}, port ${other.clientPort}); ` +
        'run npm run stack:down first',
    );
  }

  const java = checkJava();
  const distribution = await ensureKafkaDistribution(paths, progress);
  const tls = await ensureLocalTls(paths, progress);
  const admin = localAdminAccess(paths, bootstrap);
  const security = {
    keystoreFile: tls.keystoreFile,
    keystorePassword: localSecret(paths, 'kafka-broker-keystore'),
    adminUser: admin.username,
    adminPassword: admin.password,
  };
  const clusterDir = path.join(paths.kafkaData, `${spec.mode}-${basePort}`);
  fs.mkdirSync(clusterDir, { recursive: true });
  fs.mkdirSync(paths.run, { recursive: true });
  fs.mkdirSync(paths.logs, { recursive: true });
  const clusterId = readOrCreateClusterId(clusterDir);

  const toStart = spec.nodes.filter((n) => !running.some((r) => r.nodeId === n.nodeId));
  for (const node of toStart) {
    for (const port of [node.clientPort, node.controllerPort]) {
      if (!(await isPortFree(port))) {
        throw new StackError(
          `${describePortOwner(port)}: stop it, or start the stack on other ports (--port)`,
        );
      }
    }
  }

  const started: KafkaNodeRecord[] = [];
  if (toStart.length > 0) {
    await progress.step(
      `Starting Kafka ${distribution.version} (${spec.nodes.length} broker${spec.nodes.length > 1 ? 's' : ''}, KRaft) on ${bootstrap.join(',')}`,
      async () => {
        for (const node of toStart) {
          const nodeDir = path.join(clusterDir, `node-${node.nodeId}`);
          const dataDir = path.join(nodeDir, 'data');
          const propertiesFile = path.join(nodeDir, 'server.properties');
          fs.mkdirSync(dataDir, { recursive: true });
          // Owner-only: it holds the keystore's and the admin's passwords.
          fs.writeFileSync(propertiesFile, renderServerProperties(spec, node, dataDir, security), {
            mode: 0o600,
          });
          fs.chmodSync(propertiesFile, 0o600);
          if (!fs.existsSync(path.join(dataDir, 'meta.properties'))) {
            await formatStorage(java, distribution, clusterId, propertiesFile, admin);
            fs.writeFileSync(path.join(nodeDir, 'secured'), 'SASL_SSL, SCRAM-SHA-512, StandardAuthorizer\n');
          } else if (!fs.existsSync(path.join(nodeDir, 'secured'))) {
            throw new StackError(
              `the local Kafka data in ${clusterDir} predates authentication (it has no admin user): ` +
                'run npm run stack:down -- --purge to start a fresh, secured cluster',
            );
          }
          started.push(launchNode(java, distribution, spec, basePort, node, propertiesFile, paths));
        }
      },
    );
  }

  const nodes = [...running, ...started].sort((a, b) => a.nodeId - b.nodeId);
  await progress.step(`Waiting for ${spec.nodes.length} broker(s) to accept requests`, (tick) =>
    waitForBrokers(admin, spec.nodes.length, {
      timeoutMs: options.readyTimeoutMs ?? 90_000,
      tick,
      check: () => {
        for (const node of nodes) {
          if (!isAlive(node.pid)) {
            removeRecord(paths, node);
            throw new StackError(
              `Kafka node ${node.nodeId} (pid ${node.pid}) exited while starting:\n${tail(node.logFile)}`,
            );
          }
        }
      },
    }),
  );

  return {
    bootstrap,
    admin,
    caFile: tls.caFile,
    version: distribution.version,
    started: started.map((n) => n.nodeId),
    nodes,
  };
}

/** The principal that administers the local cluster; its password is generated once, in the stack's secrets. */
export const LOCAL_KAFKA_ADMIN = 'crosscare-admin';

/** The secret file of a local Kafka principal's password. */
export function kafkaPasswordFile(paths: StackPaths, principal: string): string {
  return secretFile(paths, `kafka-${principal}`);
}

/** The local stack's admin principal, with its password (created on first use). */
export function localAdminAccess(paths: StackPaths, bootstrap: readonly string[]): LocalKafkaAccess {
  return {
    bootstrap,
    caFile: localTlsPaths(paths).caFile,
    username: LOCAL_KAFKA_ADMIN,
    password: localSecret(paths, `kafka-${LOCAL_KAFKA_ADMIN}`),
  };
}

/** Stops every local Kafka node this checkout started, whichever mode; returns what it stopped. */
export async function stopLocalKafka(
  options: { paths?: StackPaths; progress?: Progress } = {},
): Promise<KafkaNodeRecord[]> {
  const paths = options.paths ?? stackPaths();
  const progress = options.progress ?? silentProgress;
  const nodes = runningNodes(paths);
  if (nodes.length === 0) return [];
  await progress.step(`Stopping ${nodes.length} Kafka node(s)`, async () => {
    // In parallel: a KRaft node that outlives its quorum peers waits for them and needs the kill.
    await Promise.all(
      nodes.map(async (node) => {
        await stopProcess(node.pid, 30_000);
        removeRecord(paths, node);
      }),
    );
  });
  return nodes;
}

export interface KafkaStatus {
  readonly nodes: Array<KafkaNodeRecord & { alive: boolean }>;
  /** Brokers the cluster reports as registered, or undefined when it does not answer. */
  readonly registeredBrokers?: number;
  readonly healthy: boolean;
}

export async function localKafkaStatus(paths: StackPaths = stackPaths()): Promise<KafkaStatus> {
  const nodes = readRecords(paths).map((r) => ({ ...r, alive: isOurProcess(r.pid, r.propertiesFile) }));
  const alive = nodes.filter((n) => n.alive);
  if (alive.length === 0) return { nodes, healthy: false };
  const view = await describeCluster(
    localAdminAccess(
      paths,
      alive.map((n) => `127.0.0.1:${n.clientPort}`),
    ),
  );
  return {
    nodes,
    registeredBrokers: view?.brokers,
    healthy: view !== undefined && view.brokers === nodes.length && alive.length === nodes.length,
  };
}

/** Deletes broker data (topics, offsets) so the next start is a fresh cluster. The jar cache is kept. */
export function purgeLocalKafkaData(paths: StackPaths = stackPaths()): void {
  if (runningNodes(paths).length > 0)
    throw new StackError('Kafka is running: stop it before purging its data');
  fs.rmSync(paths.kafkaData, { recursive: true, force: true });
}

function runningNodes(paths: StackPaths): KafkaNodeRecord[] {
  return readRecords(paths).filter((record) => {
    if (isOurProcess(record.pid, record.propertiesFile)) return true;
    removeRecord(paths, record); // stale: the broker died or the machine restarted
    return false;
  });
}

function readRecords(paths: StackPaths): KafkaNodeRecord[] {
  if (!fs.existsSync(paths.run)) return [];
  return fs
    .readdirSync(paths.run)
    .filter((f) => /^kafka-.*\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(paths.run, f), 'utf8')) as KafkaNodeRecord);
}

function recordFile(paths: StackPaths, node: Pick<KafkaNodeRecord, 'mode' | 'basePort' | 'nodeId'>): string {
  return path.join(paths.run, `kafka-${node.mode}-${node.basePort}-node-${node.nodeId}.json`);
}

function removeRecord(paths: StackPaths, node: KafkaNodeRecord): void {
  fs.rmSync(recordFile(paths, node), { force: true });
}

function readOrCreateClusterId(clusterDir: string): string {
  const file = path.join(clusterDir, 'cluster.id');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const id = newClusterId();
  fs.writeFileSync(file, `${id}\n`);
  return id;
}

/**
 * A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, like Kafka's Uuid. One that starts
 * with '-' is drawn again, as Kafka's own Uuid.randomUuid does, because kafka-storage's argument parser reads
 * it as an option (one id in 64 would otherwise fail to format).
 */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Formats a node's storage for a new cluster. The admin is put in the bootstrap metadata when given (a secured
 * cluster; only a benchmark's plaintext twin has none).
 */
export function formatStorage(
  java: string,
  distribution: KafkaDistribution,
  clusterId: string,
  propertiesFile: string,
  admin?: Pick<LocalKafkaAccess, 'username' | 'password'>,
) {
  return runCommand(java, [
    '-cp',
    `${distribution.libs}/*`,
    `-Dlog4j2.configurationFile=${KAFKA_LOG4J_CONFIG}`,
    '-Dkafka.logs.dir=/tmp',
    'kafka.tools.StorageTool',
    'format',
    '--ignore-formatted',
    '-t',
    clusterId,
    '-c',
    propertiesFile,
    // The admin exists from the first start: every other principal is created by it, over the authenticated listener.
    ...(admin ? ['--add-scram', scramBootstrapArgument(admin.username, admin.password)] : []),
  ]);
}

function launchNode(
  java: string,
  distribution: KafkaDistribution,
  spec: KafkaClusterSpec,
  basePort: number,
  node: KafkaNodeSpec,
  propertiesFile: string,
  paths: StackPaths,
): KafkaNodeRecord {
  const name = `kafka-${spec.mode}-${basePort}-node-${node.nodeId}`;
  const logFile = path.join(paths.logs, `${name}.out`);
  const out = fs.openSync(logFile, 'a');
  const heap = envValue('CROSSCARE_KAFKA_HEAP') ?? (spec.nodes.length > 1 ? '512m' : '1g');
  const child = spawn(
    java,
    [
      `-Xms256m`,
      `-Xmx${heap}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${KAFKA_LOG4J_CONFIG}`,
      `-Dkafka.logs.dir=${path.join(paths.logs, name)}`,
      '-cp',
      `${distribution.libs}/*`,
      'kafka.Kafka',
      propertiesFile,
    ],
    // Detached into its own process group: the broker outlives the npm script (or test run) that started it.
    { detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  if (child.pid === undefined) throw new StackError(`could not start ${java} for Kafka node ${node.nodeId}`);
  child.unref();
  const record: KafkaNodeRecord = {
    ...node,
    pid: child.pid,
    mode: spec.mode,
    basePort,
    propertiesFile,
    logFile,
  };
  fs.writeFileSync(recordFile(paths, record), JSON.stringify(record, null, 2));
  return record;
}
