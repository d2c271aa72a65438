/**
 * npm run bench:kafka-security   (needs Java and the Kafka jars, as npm run stack:up does; not the running stack)
 *
 * What the secured client listener costs (TLS, SCRAM-SHA-512, the StandardAuthorizer), measured in one run on two
 * throwaway single-node brokers started here from the stack's jars, on ports of their own, side by side:
 *  - secured: exactly the stack's configuration (renderServerProperties), with its own CA, admin and one ordinary
 *    principal holding only the ACLs the workload needs (so the authorizer really checks, as for a service);
 *  - plaintext: the same rendered configuration with every security line removed and the listeners PLAINTEXT
 *    (plaintextBenchProperties below: a bench-only opt-in; the stack itself never starts one).
 * Both brokers run with the same JVM flags, data in a temporary folder, and are stopped at the end, also on failure.
 *
 * The workload, through @crosscare/kafka's clients as the services use them: connection setup (a new client's
 * producer connect: TCP, TLS handshake, SCRAM exchange, metadata), producing BENCH_MESSAGES messages of about
 * BENCH_MESSAGE_BYTES (batches of BENCH_BATCH, BENCH_CONCURRENCY in flight, the idempotent acks=-1 producer), and
 * consuming them back. A first round warms both brokers and this process up (JIT, page cache) and is not counted;
 * then rounds alternate which broker goes first (A B, B A, ...) so drift cancels; each metric is the median over
 * BENCH_ROUNDS rounds, and the secured/plaintext ratio is what the benchmark reports. CPU used by the
 * client (this process) and by each broker's JVM is measured for the produce and consume steps.
 * Writes bench/results/kafka-security.json.
 */
import type { KafkaConfig } from '@crosscare/config';
import { errorStack } from '@crosscare/errors';
import { syntheticRecordChanges } from '@crosscare/events/synthetic';
import { applyAcls, createKafka, createRecordProducer } from '@crosscare/kafka';
import {
  changeScramUsers,
  checkJava,
  consoleProgress,
  clusterSpec,
  ensureKafkaDistribution,
  ensureLocalTls,
  formatStorage,
  isAlive,
  isPortFree,
  KAFKA_LOG4J_CONFIG,
  localSecret,
  newClusterId,
  renderServerProperties,
  stackPaths,
  stopProcess,
  tail,
  withLocalAdmin,
  type KafkaDistribution,
  type StackPaths,
} from '@crosscare/local-stack';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { writeResultsFile } from './results-file';
import { median, roundOrder, roundsFromEnvironment } from './rounds';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const MESSAGE_BYTES = Number(process.env.BENCH_MESSAGE_BYTES ?? 1536);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ROUNDS = roundsFromEnvironment(process.env, 5);
const CONNECTS = Number(process.env.BENCH_CONNECTS ?? 20);
/** The secured broker listens here, the plaintext one on the next port; controllers 10,000 above. */
const BASE_PORT = Number(process.env.BENCH_BASE_PORT ?? 29300);
const PARTITIONS = 6;
const HEAP = process.env.CROSSCARE_KAFKA_HEAP ?? '1g';
const BENCH_PRINCIPAL = 'crosscare-bench';

type Kind = 'secured' | 'plaintext';

interface BenchBroker {
  readonly kind: Kind;
  readonly pid: number;
  readonly logFile: string;
  /** The workload's client configuration: an ordinary principal on the secured broker. */
  readonly client: KafkaConfig;
  /** Topic creation: the admin (super user) on the secured broker. */
  readonly admin: KafkaConfig;
}

const SECURITY_PROPERTY =
  /^(sasl\.|ssl\.|listener\.name\.|authorizer\.class\.name=|allow\.everyone\.if\.no\.acl\.found=|super\.users=)/;

/**
 * Bench only: the secured server.properties with TLS, SASL and the authorizer taken out and every listener
 * PLAINTEXT. Everything else (partitions, replication, timeouts, KRaft layout) stays as rendered, so the two
 * brokers differ only in security.
 */
export function plaintextBenchProperties(secured: string): string {
  const lines = secured
    .split('\n')
    .filter((line) => !SECURITY_PROPERTY.test(line))
    .map((line) =>
      line.startsWith('listener.security.protocol.map=') ? line.replace(/:SASL_SSL/g, ':PLAINTEXT') : line,
    );
  return [
    '# BENCH ONLY (test/bench/kafka-security.bench.ts): unencrypted and unauthenticated, on a throwaway broker.',
    ...lines,
  ].join('\n');
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const say = (line: string) => process.stdout.write(`${line}\n`);
const quiet = { error: () => undefined, warn: () => undefined, log: () => undefined };

/** CPU seconds (user + system) a process has used: /proc on Linux, 0 elsewhere. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

function selfCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

async function startBroker(
  kind: Kind,
  port: number,
  home: string,
  java: string,
  distribution: KafkaDistribution,
): Promise<BenchBroker> {
  const paths: StackPaths = stackPaths(home);
  const spec = clusterSpec(1, port);
  const node = spec.nodes[0];
  for (const p of [node.clientPort, node.controllerPort]) {
    if (!(await isPortFree(p))) throw new Error(`port ${p} is taken: set BENCH_BASE_PORT to free ports`);
  }
  const nodeDir = path.join(home, 'kafka');
  const dataDir = path.join(nodeDir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.mkdirSync(paths.logs, { recursive: true });
  const tls = await ensureLocalTls(paths);
  const adminPassword = localSecret(paths, 'kafka-crosscare-admin');
  const secured = renderServerProperties(spec, node, dataDir, {
    keystoreFile: tls.keystoreFile,
    keystorePassword: localSecret(paths, 'kafka-broker-keystore'),
    adminUser: 'crosscare-admin',
    adminPassword,
  });
  const propertiesFile = path.join(nodeDir, 'server.properties');
  fs.writeFileSync(propertiesFile, kind === 'secured' ? secured : plaintextBenchProperties(secured), {
    mode: 0o600,
  });
  await formatStorage(
    java,
    distribution,
    newClusterId(),
    propertiesFile,
    kind === 'secured' ? { username: 'crosscare-admin', password: adminPassword } : undefined,
  );
  const logFile = path.join(paths.logs, `kafka-bench-${kind}.out`);
  const out = fs.openSync(logFile, 'a');
  // The JVM flags of the stack's brokers (libs/local-stack/src/kafka-cluster.ts), for both.
  const child = spawn(
    java,
    [
      '-Xms256m',
      `-Xmx${HEAP}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${KAFKA_LOG4J_CONFIG}`,
      `-Dkafka.logs.dir=${path.join(paths.logs, `kafka-bench-${kind}`)}`,
      '-cp',
      `${distribution.libs}/*`,
      'kafka.Kafka',
      propertiesFile,
    ],
    { stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start the ${kind} broker`);
  const bootstrap = [`127.0.0.1:${port}`];
  const common = { brokers: bootstrap, connectionTimeoutMs: 3000, requestTimeoutMs: 30_000 };
  const ca = fs.readFileSync(tls.caFile, 'utf8');
  const as = (username: string, password: string): KafkaConfig =>
    kind === 'secured'
      ? { ...common, tls: { ca }, sasl: { mechanism: 'scram-sha-512', username, password } }
      : common;
  const broker: BenchBroker = {
    kind,
    pid: child.pid,
    logFile,
    admin: as('crosscare-admin', adminPassword),
    client: as(BENCH_PRINCIPAL, localSecret(paths, `kafka-${BENCH_PRINCIPAL}`)),
  };
  running.push(broker);

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (!isAlive(child.pid)) throw new Error(`the ${kind} broker exited while starting:\n${tail(logFile)}`);
    const ready = await withAdmin(broker.admin, async (admin) => {
      const cluster = await admin.describeCluster();
      return cluster.brokers.length === 1 && cluster.controller !== null;
    }).catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`the ${kind} broker was not ready in 90 s:\n${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 500));
  }

  if (kind === 'secured') {
    // An ordinary principal, as a service is: a SCRAM user with only its ACLs, so every request is authorized.
    const connection = { bootstrap, caFile: tls.caFile, adminUser: 'crosscare-admin', adminPassword };
    await changeScramUsers(java, distribution.libs, connection, [
      { upsert: BENCH_PRINCIPAL, password: localSecret(paths, `kafka-${BENCH_PRINCIPAL}`) },
    ]);
    await withLocalAdmin(
      { bootstrap, caFile: tls.caFile, username: 'crosscare-admin', password: adminPassword },
      { timeoutMs: 30_000, retries: 5 },
      (admin) =>
        applyAcls(admin, {
          name: BENCH_PRINCIPAL,
          grants: [
            { resourceType: 'TOPIC', patternType: 'PREFIXED', resourceName: 'bench.', operation: 'WRITE' },
            { resourceType: 'TOPIC', patternType: 'PREFIXED', resourceName: 'bench.', operation: 'READ' },
            { resourceType: 'GROUP', patternType: 'PREFIXED', resourceName: 'bench-', operation: 'READ' },
          ],
        }),
    );
  }
  return broker;
}

const running: BenchBroker[] = [];

async function stopBrokers(): Promise<void> {
  await Promise.all(running.splice(0).map((b) => stopProcess(b.pid, 30_000)));
}

function kafkaFor(config: KafkaConfig, clientId: string): Kafka {
  return createKafka(config, { defaultClientId: clientId, logger: quiet });
}

async function withAdmin<T>(config: KafkaConfig, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaFor(config, 'bench-admin').admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** About MESSAGE_BYTES each: a Confluent wire header and a synthetic record-change event's text, repeated. */
function payloads(): { key: string; value: Buffer }[] {
  const events = syntheticRecordChanges(1000, 'bench-kafka-security');
  return Array.from({ length: MESSAGES }, (_, i) => {
    const event = events[i % events.length];
    const text = JSON.stringify(event);
    const body = Buffer.from(text.repeat(Math.ceil(MESSAGE_BYTES / text.length))).subarray(
      0,
      MESSAGE_BYTES - 5,
    );
    const header = Buffer.from([0, 0, 0, 0, 1 + (i % 6)]);
    return { key: event.header.nhsNumber, value: Buffer.concat([header, body]) };
  });
}

interface RoundFigures {
  connectMedianMs: number;
  connectP90Ms: number;
  produceMessagesPerSecond: number;
  produceSendP50Ms: number;
  produceSendP99Ms: number;
  consumeMessagesPerSecond: number;
  produceClientCpuMsPer1000: number;
  produceBrokerCpuMsPer1000: number;
  consumeClientCpuMsPer1000: number;
  consumeBrokerCpuMsPer1000: number;
}

async function measureConnects(broker: BenchBroker, label: string): Promise<[number, number]> {
  const times: number[] = [];
  for (let i = 0; i < CONNECTS; i++) {
    const producer = kafkaFor(broker.client, `bench-connect-${i}`).producer();
    const started = performance.now();
    await producer.connect();
    times.push(performance.now() - started);
    await producer.disconnect();
  }
  times.sort((a, b) => a - b);
  say(`  ${label}: ${CONNECTS} connects, median ${round(median(times))} ms`);
  return [median(times), percentile(times, 90)];
}

async function measureRound(
  broker: BenchBroker,
  roundNo: number,
  messages: { key: string; value: Buffer }[],
): Promise<RoundFigures> {
  const label = roundNo === 0 ? `warm-up ${broker.kind}` : `round ${roundNo}/${ROUNDS} ${broker.kind}`;
  const topic = `bench.security.r${roundNo}.${broker.kind}`;
  await withAdmin(broker.admin, (admin) =>
    admin.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    }),
  );
  const [connectMedianMs, connectP90Ms] = await measureConnects(broker, label);

  const kafka = kafkaFor(broker.client, 'bench-security');
  const producer = createRecordProducer(kafka);
  await producer.connect();
  await producer.send({ topic, messages: [messages[0]] }); // warm: metadata, producer id, one request each way
  const batches = Math.ceil(MESSAGES / BATCH);
  const latencies: number[] = [];
  let next = 0;
  let done = 0;
  const [cpu0, broker0] = [selfCpuSeconds(), processCpuSeconds(broker.pid)];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches) {
        const b = next++;
        const t0 = performance.now();
        await producer.send({ topic, messages: messages.slice(b * BATCH, (b + 1) * BATCH) });
        latencies.push(performance.now() - t0);
        if (++done % Math.max(1, Math.floor(batches / 4)) === 0)
          say(`  ${label}: produced ${Math.min(done * BATCH, MESSAGES)}/${MESSAGES}`);
      }
    }),
  );
  const produceSeconds = (performance.now() - started) / 1000;
  const [cpu1, broker1] = [selfCpuSeconds(), processCpuSeconds(broker.pid)];
  await producer.disconnect();
  latencies.sort((a, b) => a - b);

  const consumer = kafka.consumer({ groupId: `bench-security-r${roundNo}-${broker.kind}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let first = 0;
  let [cpu2, broker2] = [0, 0];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await consumer.run({
    eachBatch: ({ batch }) => {
      if (first === 0) {
        // The clock starts at the first batch: the group join is not throughput.
        first = performance.now();
        [cpu2, broker2] = [selfCpuSeconds(), processCpuSeconds(broker.pid)];
      }
      const before = seen;
      seen += batch.messages.filter((m) => m.value !== null).length;
      const step = Math.max(1, Math.floor(MESSAGES / 4));
      if (Math.floor(seen / step) > Math.floor(before / step) && seen < MESSAGES)
        say(`  ${label}: consumed ${seen}/${MESSAGES}`);
      if (seen >= MESSAGES + 1) finish(); // the warm-up message too
      return Promise.resolve();
    },
  });
  await finished;
  const consumeSeconds = (performance.now() - first) / 1000;
  const [cpu3, broker3] = [selfCpuSeconds(), processCpuSeconds(broker.pid)];
  await consumer.disconnect();
  await withAdmin(broker.admin, (admin) => admin.deleteTopics({ topics: [topic] })).catch(() => undefined);

  const perThousand = (seconds: number) => (seconds * 1e6) / MESSAGES;
  const figures: RoundFigures = {
    connectMedianMs,
    connectP90Ms,
    produceMessagesPerSecond: MESSAGES / produceSeconds,
    produceSendP50Ms: percentile(latencies, 50),
    produceSendP99Ms: percentile(latencies, 99),
    consumeMessagesPerSecond: seen / consumeSeconds,
    produceClientCpuMsPer1000: perThousand(cpu1 - cpu0),
    produceBrokerCpuMsPer1000: perThousand(broker1 - broker0),
    consumeClientCpuMsPer1000: perThousand(cpu3 - cpu2),
    consumeBrokerCpuMsPer1000: perThousand(broker3 - broker2),
  };
  say(
    `  ${label}: produce ${round(figures.produceMessagesPerSecond)} msg/s, consume ${round(figures.consumeMessagesPerSecond)} msg/s`,
  );
  return figures;
}

const METRICS: Array<{ key: keyof RoundFigures; metric: string; unit: string }> = [
  { key: 'connectMedianMs', metric: 'connect_producer_median', unit: 'ms' },
  { key: 'connectP90Ms', metric: 'connect_producer_p90', unit: 'ms' },
  { key: 'produceMessagesPerSecond', metric: 'produce_throughput', unit: 'msg/s' },
  { key: 'produceSendP50Ms', metric: 'produce_send_latency_p50', unit: 'ms' },
  { key: 'produceSendP99Ms', metric: 'produce_send_latency_p99', unit: 'ms' },
  { key: 'consumeMessagesPerSecond', metric: 'consume_throughput', unit: 'msg/s' },
  { key: 'produceClientCpuMsPer1000', metric: 'produce_client_cpu_per_1000', unit: 'ms' },
  { key: 'produceBrokerCpuMsPer1000', metric: 'produce_broker_cpu_per_1000', unit: 'ms' },
  { key: 'consumeClientCpuMsPer1000', metric: 'consume_client_cpu_per_1000', unit: 'ms' },
  { key: 'consumeBrokerCpuMsPer1000', metric: 'consume_broker_cpu_per_1000', unit: 'ms' },
];

async function main(): Promise<void> {
  const messages = payloads();
  const meanBytes = messages.reduce((n, m) => n + m.value.length, 0) / messages.length;
  say(
    `bench:kafka-security: ${ROUNDS} rounds × (${CONNECTS} connects, ${MESSAGES} messages of ${Math.round(meanBytes)} B ` +
      `in batches of ${BATCH}, ${CONCURRENCY} in flight, acks=-1, produced then consumed), secured vs plaintext broker`,
  );
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-bench-kafka-'));
  const java = checkJava();
  // The jars of the stack's cache (CROSSCARE_CACHE), shared by every home.
  const distribution = await ensureKafkaDistribution(stackPaths(home), consoleProgress());
  const onSignal = () => void stopBrokers().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    say(
      `  starting a secured broker on 127.0.0.1:${BASE_PORT} and a plaintext one on 127.0.0.1:${BASE_PORT + 1}`,
    );
    const [secured, plaintext] = await Promise.all([
      startBroker('secured', BASE_PORT, path.join(home, 'secured'), java, distribution),
      startBroker('plaintext', BASE_PORT + 1, path.join(home, 'plaintext'), java, distribution),
    ]);
    say(`  Kafka ${distribution.version}: both brokers ready`);

    const figures: Record<Kind, RoundFigures[]> = { secured: [], plaintext: [] };
    for (const broker of [secured, plaintext]) await measureRound(broker, 0, messages);
    for (let r = 1; r <= ROUNDS; r++) {
      const order = roundOrder([secured, plaintext], r);
      for (const broker of order) figures[broker.kind].push(await measureRound(broker, r, messages));
    }

    const results = METRICS.map(({ key, metric, unit }) => {
      const value = median(figures.secured.map((f) => f[key]));
      const baseline = median(figures.plaintext.map((f) => f[key]));
      return {
        metric,
        value: round(value, 2),
        unit,
        baseline:
          'the same workload on a plaintext broker (same jars and config, no TLS, SASL or ACLs), same run',
        baseline_value: round(baseline, 2),
        ratio: round(value / baseline, 3),
      };
    });
    const file = await writeResultsFile('kafka-security', results);
    console.table(
      results.map((r) => ({
        metric: r.metric,
        secured: `${r.value} ${r.unit}`,
        plaintext: `${r.baseline_value} ${r.unit}`,
        'secured/plaintext': r.ratio,
      })),
    );
    say(`medians of ${ROUNDS} interleaved rounds; written to ${file}`);
  } finally {
    await stopBrokers();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:kafka-security failed: ${errorStack(error)}\n`);
  void stopBrokers().finally(() => process.exit(1));
});
