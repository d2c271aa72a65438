/**
 * npm run bench:latency   (needs the local stack: npm run stack:up; or KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL)
 *
 * How long a provider's new record takes to be served by the record APIs: the time from ingest's 202 to the first
 * answer of the CCR record API, and of the OHC record API (through its remote view of the CCR changelog), that shows
 * it, as p50 / p99 / max, with a synthetic region loading at a steady BENCH_LOAD_RATE (1,000 events/s) and, in the
 * same run, idle (no background load), for reference. The target is p99 ≤ 1 s.
 *
 * Everything runs as deployed, each service in a process of its own (the built apps, dist/apps/<app>/main.js) on
 * private topics (a unique prefix) and database schemas: ingest, the CCR and OHC projectors, and a CCR and an OHC
 * record API, configured by environment variables (docs/configuration.md). Authentication stays on: probes send a
 * provider API key, reads a reader JWT. This process only produces the background load, sends the probes and polls.
 *
 *  1. Preload: BENCH_PRELOAD_EVENTS of the region as fast as the broker takes them, and wait until both projectors
 *     have projected them and relayed their changelogs (so probes meet patients with histories).
 *  2. Idle: probes at BENCH_PROBE_RATE for BENCH_IDLE_SECONDS, no background load.
 *  3. Loaded: the region's next events at BENCH_LOAD_RATE, paced; probes during BENCH_WARMUP_SECONDS are not
 *     counted, then BENCH_SECONDS of probes are; the load runs on until the last of them is served.
 *
 * A probe is a FHIR Observation POSTed to ingest by a GP practice of a CCR ICS (a share BENCH_OHC_PROBE_SHARE by an
 * OHC ICS's instead) for a patient of the preloaded region. From its 202 on, each record API is asked for the
 * patient's record every BENCH_POLL_MS (or every 5% of the time waited so far, if longer), until the answer holds
 * the observation's id; a probe's latency is the arrival of that answer. A consumer of both changelogs notes when
 * the relay sent the first record holding the probe (the message's timestamp), to split the remote path.
 *
 * Projector settings under test go in BENCH_PROJECTOR_ENV ("PROJECTOR_RELAY_INTERVAL_MS=10 ..."), applied to both;
 * BENCH_LABEL names the run's results file (bench/results/latency-<label>.json, else latency.json).
 *
 * Options (defaults): BENCH_LOAD_RATE (1000 events/s), BENCH_SECONDS (120), BENCH_WARMUP_SECONDS (20),
 * BENCH_IDLE_SECONDS (30), BENCH_PROBE_RATE (3 a second), BENCH_OHC_PROBE_SHARE (0.25), BENCH_POLL_MS (50),
 * BENCH_POLL_CONCURRENCY (4 reads in flight per record API), BENCH_PROBE_TIMEOUT_SECONDS (60), BENCH_PRELOAD_EVENTS
 * (100000), BENCH_PORT_BASE (18082: ingest, the CCR and OHC projectors, the CCR and OHC record APIs on the next
 * five ports), BENCH_PROJECTOR_ENV, BENCH_RECORD_API_ENV (RECORD_API_* and DATABASE_POOL_SIZE), BENCH_LABEL.
 *
 * Besides the latencies it prints, per phase: the record APIs' reads (rate, duration), the projectors' lag and
 * outbox depth, CPU by process (and what the rest of the machine used: other users' work shows there), a profile
 * of Postgres (the busiest statements) and its commits/s; and checks the changelogs' sequences as a subscriber would.
 */
import {
  checkKafkaVariables,
  databaseVariables,
  kafkaVariables,
  loadConfig,
  schemaRegistryVariables,
  toDatabaseConfig,
  toKafkaConfig,
  toSchemaRegistryConfig,
} from '@crosscare/config';
import { errorMessage, errorStack } from '@crosscare/errors';
import {
  changelogTopic,
  createRecordChangeSerde,
  recordChangeTopic,
  registerContractSchemas,
  SchemaRegistryClient,
  type EventType,
  type RecordChangeEvent,
  type RecordChangeSerde,
} from '@crosscare/events';
import { fhirFixtures } from '@crosscare/fhir/testing';
import { loadProviderDirectory, type CollaborativeCode } from '@crosscare/governance';
import { createKafka, ensureTopics } from '@crosscare/kafka';
import {
  INGEST_APP,
  PROJECTOR_APPS,
  RECORD_API_APP,
  consoleProgress,
  envWithRegistryCredentials,
  stackPaths,
} from '@crosscare/local-stack';
import { progressBar } from '@crosscare/cli';
import { generateRegion } from '@crosscare/synthetic-region';
import { Partitioners, type Admin, type Kafka, type Message, type Producer } from 'kafkajs';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'pg';
import { TestIssuer } from '@crosscare/identity/testing';
import { CredentialStore } from '../../apps/ingest/src/storage/credential-store';
import { openIngestDatabase } from '../../apps/ingest/src/storage/data-source';
// Not in the package index: that keeps the test harness, which imports local-stack, free of the domain libs.
import { recordChangeTopicSpecs } from '../../libs/local-stack/src/record-change-topics';
import { writeResultsFile } from './results-file';
import { resultsFileName } from './results-record';

// It registers the schemas (and hands the URL to the services it starts): the local stack's admin by default.
const env = envWithRegistryCredentials(process.env, stackPaths());
const num = (name: string, fallback: number) => {
  const value = Number(env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a number ≥ 0 (got ${env[name]})`);
  return value;
};
const LOAD_RATE = num('BENCH_LOAD_RATE', 1000);
const MEASURE_SECONDS = num('BENCH_SECONDS', 120);
const WARMUP_SECONDS = num('BENCH_WARMUP_SECONDS', 20);
const IDLE_SECONDS = num('BENCH_IDLE_SECONDS', 30);
const PROBE_RATE = num('BENCH_PROBE_RATE', 3);
const POLL_MS = num('BENCH_POLL_MS', 50);
const POLL_CONCURRENCY = Math.max(1, num('BENCH_POLL_CONCURRENCY', 4));
const PRELOAD_EVENTS = num('BENCH_PRELOAD_EVENTS', 100_000);
const OHC_PROBE_SHARE = num('BENCH_OHC_PROBE_SHARE', 0.25);
const PROBE_TIMEOUT_MS = num('BENCH_PROBE_TIMEOUT_SECONDS', 60) * 1000;
const PORT_BASE = num('BENCH_PORT_BASE', 18082);
const LABEL = env.BENCH_LABEL?.trim() || undefined;
const RESULTS_NAME = LABEL ? `latency-${LABEL}` : 'latency';
// A label that cannot name a results file fails now, not after the run.
resultsFileName(RESULTS_NAME);
const SEED = 20261207;
const TARGET_P99_MS = 1000;
/** Events per patient the region has on average over its two years (about 50); more patients than needed is harmless. */
const EVENTS_PER_PATIENT = 40;
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const COLLABORATIVES: readonly CollaborativeCode[] = ['CCR', 'OHC'];
/** Where the services' output goes; the first ECHOED_LINES lines of each are shown as well. */
let LOG_DIR = os.tmpdir();
const ECHOED_LINES = 5;

type Phase = 'warm-up' | 'idle' | 'loaded';
const now = () => Date.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** One probe: an observation sent through ingest, and when each record API first served it. */
interface Probe {
  readonly n: number;
  readonly id: string;
  readonly origin: CollaborativeCode;
  readonly nhsNumber: string;
  readonly phase: Phase;
  readonly sentAt: number;
  acceptedAt?: number;
  refused?: string;
  readonly servedAt: Partial<Record<CollaborativeCode, number>>;
  /** The relay's send time (message timestamp) of the first changelog record of the origin that held it. */
  changelogAt?: number;
  settled: Promise<void>;
}

async function main(): Promise<void> {
  const config = loadConfig(
    { ...kafkaVariables, ...schemaRegistryVariables, ...databaseVariables },
    (v) => ({ kafka: toKafkaConfig(v), registry: toSchemaRegistryConfig(v), database: toDatabaseConfig(v) }),
    env,
    checkKafkaVariables,
  );
  const projectorOverrides = settingsOf('BENCH_PROJECTOR_ENV', /^(PROJECTOR_|DATABASE_POOL_SIZE$|KAFKA_)/);
  const recordApiOverrides = settingsOf('BENCH_RECORD_API_ENV', /^(RECORD_API_|DATABASE_POOL_SIZE$)/);
  const stamp = Date.now().toString(36);
  const runId = `bench-latency-${stamp}`;
  const prefix = runId;
  const schemaStem = runId.replace(/-/g, '_');
  const schemas = {
    ingest: `${schemaStem}_ingest`,
    CCR: `${schemaStem}_ccr`,
    OHC: `${schemaStem}_ohc`,
  } as const;
  const needed = PRELOAD_EVENTS + LOAD_RATE * (WARMUP_SECONDS + MEASURE_SECONDS + PROBE_TIMEOUT_MS / 1000);
  const patients = Math.max(10_000, Math.ceil(needed / EVENTS_PER_PATIENT));
  const started = now();
  LOG_DIR = fs.mkdtempSync(path.join(os.tmpdir(), `${runId}-`));
  process.stdout.write(
    `bench:latency ${runId}: ingest 202 → served by the CCR and OHC record APIs; background ${LOAD_RATE} events/s ` +
      `for ${WARMUP_SECONDS} s warm-up + ${MEASURE_SECONDS} s, idle ${IDLE_SECONDS} s; probes ${PROBE_RATE}/s ` +
      `(${Math.round(OHC_PROBE_SHARE * 100)}% from OHC), poll every ${POLL_MS} ms per API per outstanding probe, ` +
      `at most ${POLL_CONCURRENCY} reads in flight per API; ` +
      `preload ${PRELOAD_EVENTS} events of a ${patients}-patient region; brokers ${config.kafka.brokers.join(',')}\n` +
      `  projector settings: ${describeSettings(projectorOverrides)}; record API settings: ${describeSettings(recordApiOverrides)}\n` +
      `  machine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} before starting; ` +
      `services' logs in ${LOG_DIR}\n`,
  );

  const registry = new SchemaRegistryClient(config.registry);
  await registerContractSchemas(registry);
  const serde = createRecordChangeSerde(registry);
  const kafka = createKafka(config.kafka, { defaultClientId: 'crosscare-bench-latency' });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, recordChangeTopicSpecs(1, prefix));
  const pool = new Pool({ connectionString: config.database.url, max: 3 });
  const services: Service[] = [];
  const issuers: TestIssuer[] = [];
  const cleanup = async () => {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(issuers.map((i) => i.close()));
    for (const schema of Object.values(schemas))
      await pool.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
    await pool
      .query(`delete from projector_control.active_read_model where name like $1`, [`${schemaStem}%`])
      .catch(() => undefined);
    await pool.end().catch(() => undefined);
    const created = (await admin.listTopics().catch(() => [] as string[])).filter((t) =>
      t.startsWith(prefix),
    );
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
    const groups = (await admin.listGroups().catch(() => ({ groups: [] }))).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      process.stderr.write(`bench:latency: ${signal}, cleaning up\n`);
      void cleanup().finally(() => process.exit(130));
    });
  // However this process ends, no service it started outlives it.
  process.once('exit', () => {
    for (const service of services) if (service.pid) service.child.kill('SIGKILL');
  });

  try {
    // The apps as deployed: built bundles, each in its own process.
    for (const app of [INGEST_APP, PROJECTOR_APPS.CCR, RECORD_API_APP])
      await app.ensureBuilt(consoleProgress());
    const directory = loadProviderDirectory();
    const gp = {
      CCR: directory.providers({ ics: 'QHL', type: 'GP_PRACTICE' })[0],
      OHC: directory.providers({ ics: 'QUA', type: 'GP_PRACTICE' })[0],
    };
    const db = await openIngestDatabase(config.database, schemas.ingest);
    const credentials = new CredentialStore(db);
    const apiKeys = {
      CCR: (await credentials.issue(gp.CCR.odsCode, 'bench:latency')).token,
      OHC: (await credentials.issue(gp.OHC.odsCode, 'bench:latency')).token,
    };
    await db.destroy();
    // The record APIs trust one issuer of the bench's own: RS256 keys in memory, its JWKS in a temporary folder.
    const issuer = await TestIssuer.create({ issuer: 'crosscare-bench', algorithm: 'RS256' });
    issuers.push(issuer);
    const base = {
      KAFKA_BROKERS: config.kafka.brokers.join(','),
      SCHEMA_REGISTRY_URL: config.registry.url,
      DATABASE_URL: config.database.url,
      LOG_LEVEL: 'warn',
    };
    const ports = { ingest: PORT_BASE, CCR: PORT_BASE + 1, OHC: PORT_BASE + 2 };
    const apiPort = (c: CollaborativeCode) => (c === 'CCR' ? PORT_BASE + 3 : PORT_BASE + 4);

    const ingest = await Service.start(
      'ingest',
      INGEST_APP.entry,
      {
        ...base,
        INGEST_HOST: '127.0.0.1',
        INGEST_PORT: String(ports.ingest),
        INGEST_MLLP_PORT: 'off',
        INGEST_DATABASE_SCHEMA: schemas.ingest,
        INGEST_TOPIC_PREFIX: prefix,
        INGEST_RELAY_ID: `${runId}-ingest-relay`,
      },
      '/health',
      services,
    );
    const projectors = {} as Record<CollaborativeCode, Service>;
    for (const c of COLLABORATIVES)
      projectors[c] = await Service.start(
        `projector-${c.toLowerCase()}`,
        PROJECTOR_APPS[c].entry,
        {
          ...base,
          PROJECTOR_COLLABORATIVE: c,
          PROJECTOR_HOST: '127.0.0.1',
          PROJECTOR_PORT: String(ports[c]),
          PROJECTOR_DATABASE_SCHEMA: schemas[c],
          PROJECTOR_TOPIC_PREFIX: prefix,
          PROJECTOR_GROUP_ID: `${prefix}-projector-${c.toLowerCase()}`,
          PROJECTOR_INSTANCE_ID: `${runId}-${c.toLowerCase()}`,
          ...projectorOverrides,
        },
        '/health/ready',
        services,
      );
    const apis = {} as Record<CollaborativeCode, Service>;
    for (const c of COLLABORATIVES)
      apis[c] = await Service.start(
        `record-api-${c.toLowerCase()}`,
        RECORD_API_APP.entry,
        {
          ...base,
          RECORD_API_HOST: '127.0.0.1',
          RECORD_API_PORT: String(apiPort(c)),
          RECORD_API_COLLABORATIVE: c,
          RECORD_API_DATABASE_SCHEMA: schemas[c],
          RECORD_API_TOPIC_PREFIX: prefix,
          RECORD_API_TRUSTED_ISSUERS_FILE: issuer.trustedIssuersFile,
          // One token for the whole run, which may last hours.
          RECORD_API_TOKEN_MAX_LIFETIME_SECONDS: String(6 * 3600),
          // One bench reader polls for every probe: the rate limits are for people, not for this measurement.
          RECORD_API_USER_REQUESTS_PER_MINUTE: '100000',
          RECORD_API_USER_BURST: '100000',
          RECORD_API_ORGANISATION_REQUESTS_PER_MINUTE: '1000000',
          RECORD_API_ORGANISATION_BURST: '1000000',
          ...recordApiOverrides,
        },
        '/health',
        services,
      );
    const readerToken = issuer.token(
      {
        sub: 'bench-ed-clinician',
        name: 'Dr Bench, Emergency Department',
        role: 'clinician',
        org: directory.providers({ ics: 'QHL', type: 'ACUTE_TRUST' })[0].odsCode,
      },
      { now: now(), lifetimeSeconds: 6 * 3600 },
    );

    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const region = new RegionStream(producer, serde, prefix, patients, directory);
    const watch = new Watch(admin, pool, prefix, schemas);
    const postgres = new PostgresProfile(pool);
    const cpu = new CpuMeter(services);

    // 1. Preload, then wait until both read models and both remote views hold it.
    const bar = progressBar('Preloading the region (unpaced)', PRELOAD_EVENTS);
    while (region.sent < PRELOAD_EVENTS) {
      await region.send(Math.min(2000, PRELOAD_EVENTS - region.sent));
      bar.update(region.sent);
    }
    bar.done();
    const caughtUpIn = await watch.untilCaughtUp(300_000);
    process.stdout.write(`  projectors caught up ${round(caughtUpIn / 1000)} s after the preload\n`);
    const preloaded = [...region.patients];
    await region.prepare(Math.ceil(LOAD_RATE * (WARMUP_SECONDS + MEASURE_SECONDS + 30)));

    const probes = new Prober({
      ingestUrl: ingest.url,
      apiUrls: { CCR: apis.CCR.url, OHC: apis.OHC.url },
      apiKeys,
      readerToken,
      // The preloaded patients: idle and loaded probes meet the same histories.
      patients: preloaded,
      stamp,
    });
    const tracer = await ChangelogTracer.start(kafka, prefix, probes);
    watch.start();
    postgres.start();

    // 2. Idle: a few probes not counted (first requests, JIT), then the idle sample.
    process.stdout.write(`Warm-up: 6 probes, not counted\n`);
    await probes.run('warm-up', 6 / PROBE_RATE);
    await probes.settle('warm-up');
    const idle = await measure('idle', IDLE_SECONDS, probes, watch, cpu, postgres, async () => {
      await probes.run('idle', IDLE_SECONDS, (s) => progress('idle', s, IDLE_SECONDS, probes, watch));
      await probes.settle('idle');
    });

    // 3. Loaded: the region's next events, paced, until the last counted probe is served.
    const load = new PacedLoad(region, LOAD_RATE);
    load.start();
    process.stdout.write(
      `Background load ${LOAD_RATE} events/s: ${WARMUP_SECONDS} s warm-up (probes not counted)\n`,
    );
    await probes.run('warm-up', WARMUP_SECONDS, (s) =>
      progress('warm-up', s, WARMUP_SECONDS, probes, watch, load),
    );
    load.mark();
    const loaded = await measure('loaded', MEASURE_SECONDS, probes, watch, cpu, postgres, async () => {
      await probes.run('loaded', MEASURE_SECONDS, (s) =>
        progress('loaded', s, MEASURE_SECONDS, probes, watch, load),
      );
      await probes.settle('loaded');
    });
    const achieved = await load.stop();
    watch.stop();
    postgres.stop();
    await tracer.stop();
    await producer.disconnect();

    // Results.
    const rows = summarise(idle, loaded, probes.all(), achieved);
    const file = await writeResultsFile(RESULTS_NAME, rows);
    printReport(idle, loaded, probes.all(), achieved, projectorOverrides, recordApiOverrides);
    const reported = services.reduce((n, s) => n + s.reportedGaps, 0);
    process.stdout.write(
      `changelogs as published, from the probes' start: ${tracer.messages} messages ` +
        `(${round(tracer.bytes / 1e6)} MB, ${round(tracer.bytes / Math.max(1, tracer.messages) / 1000)} kB each on average); ` +
        `of ${tracer.records} carrying a patient's sequence, ${tracer.gaps} skipped ` +
        `sequence numbers (${tracer.missing} numbers missing), ${tracer.repeats} repeated; the projectors' remote ` +
        `views reported ${reported} messages as having skipped numbers (preload included)\n`,
    );
    const logged = services.filter((s) => s.lines > 0);
    if (logged.length > 0)
      process.stdout.write(
        `services' warnings and errors: ${logged.map((s) => `${s.name} ${s.lines} lines (${s.logFile})`).join('; ')}\n`,
      );
    process.stdout.write(`written to ${file}; run time ${round((now() - started) / 1000, 0)} s\n`);
  } finally {
    await cleanup();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Services as child processes

class Service {
  private exited = false;
  private readonly tail: string[] = [];
  /** Lines the service wrote (LOG_LEVEL=warn: warnings and errors); all go to its log file, the first few here too. */
  lines = 0;
  /** Records the projector reported as having skipped sequence numbers on the other side's changelog. */
  reportedGaps = 0;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly url: string,
    readonly logFile: string,
  ) {
    child.once('exit', () => (this.exited = true));
    const log = fs.createWriteStream(logFile);
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        log.write(`${line}\n`);
        const gap = /(\d+) (?:record|change)\(s\) on \S+ skipped sequence numbers/.exec(line);
        if (gap) this.reportedGaps += Number(gap[1]);
        this.tail.push(line);
        if (this.tail.length > 40) this.tail.shift();
        if (++this.lines <= ECHOED_LINES) process.stderr.write(`  [${name}] ${line}\n`);
        if (this.lines === ECHOED_LINES + 1) process.stderr.write(`  [${name}] (more in ${logFile})\n`);
      });
    }
  }

  get pid(): number | undefined {
    return this.exited ? undefined : this.child.pid;
  }

  static async start(
    name: string,
    entry: string,
    environment: Record<string, string>,
    healthPath: string,
    services: Service[],
  ): Promise<Service> {
    const port = Number(environment.INGEST_PORT ?? environment.PROJECTOR_PORT ?? environment.RECORD_API_PORT);
    const url = `http://127.0.0.1:${port}`;
    if (await answers(`${url}${healthPath}`))
      throw new Error(`port ${port} is taken (something answers ${url}); set BENCH_PORT_BASE`);
    const child = spawn(process.execPath, [entry], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new Service(name, child, url, path.join(LOG_DIR, `${name}.log`));
    services.push(service);
    const deadline = now() + 120_000;
    while (!(await answers(`${url}${healthPath}`))) {
      if (service.exited)
        throw new Error(`${name} exited while starting:\n${service.tail.slice(-15).join('\n')}`);
      if (now() > deadline) throw new Error(`${name} did not answer ${url}${healthPath} within 2 minutes`);
      await sleep(250);
    }
    process.stdout.write(`  ${name} ready on ${url} (pid ${child.pid})\n`);
    return service;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** `NAME=value` pairs from a variable (space or comma separated), each name matching `allowed`. */
function settingsOf(variable: string, allowed: RegExp): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const pair of (env[variable] ?? '').split(/[\s,]+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    if (at < 1 || !allowed.test(name))
      throw new Error(`${variable}: "${pair}" is not NAME=value with ${allowed}`);
    settings[name] = pair.slice(at + 1);
  }
  return settings;
}

function describeSettings(settings: Record<string, string>): string {
  const pairs = Object.entries(settings).map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? pairs.join(' ') : 'defaults';
}

// ---------------------------------------------------------------------------------------------------------------
// The background load

/**
 * The seeded region, event after event, onto the private ICS topics as the region loader sends it (Avro, keyed by
 * NHS number, ingest's headers), through an idempotent acks=all producer with the Java-compatible partitioner, so a
 * patient's events land where ingest would put them. One produce request per call, whatever the topics: the load
 * must not be limited by this process's round trips.
 */
class RegionStream {
  private readonly events: Generator<RecordChangeEvent, void, undefined>;
  private readonly seen = new Set<string>();
  /** Events encoded ahead of time (prepare), sent before any new one is generated. */
  private readonly ready: { topic: string; message: Message }[] = [];
  private readyAt = 0;
  /** NHS numbers of the patients sent so far, in order of first appearance: the probes' patients. */
  readonly patients: string[] = [];
  sent = 0;

  constructor(
    private readonly producer: Producer,
    private readonly serde: RecordChangeSerde,
    private readonly prefix: string,
    patients: number,
    directory: ReturnType<typeof loadProviderDirectory>,
  ) {
    this.events = generateRegion({ seed: SEED, patients, directory, correlationPrefix: 'bench-latency' });
  }

  /**
   * Generates and encodes the next `count` events now, so that sending them later costs this process (which shares
   * the machine with the services measured) only the produce requests.
   */
  async prepare(count: number): Promise<void> {
    const bar = progressBar('Encoding the background load ahead of time', count);
    for (let i = 0; i < count; i++) {
      this.ready.push(await this.encodeNext());
      if (i % 5000 === 0) bar.update(i);
    }
    bar.done();
  }

  /** Sends the next `count` events and resolves when the broker has them all. */
  async send(count: number): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (let i = 0; i < count; i++) {
      const { topic, message } =
        this.readyAt < this.ready.length ? this.ready[this.readyAt++] : await this.encodeNext();
      const list = byTopic.get(topic) ?? [];
      list.push(message);
      byTopic.set(topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    this.sent += count;
  }

  private async encodeNext(): Promise<{ topic: string; message: Message }> {
    const next = this.events.next();
    if (next.done) throw new Error(`the region ran out after ${this.sent} events; raise its patient count`);
    const event = next.value;
    const { header } = event;
    if (!this.seen.has(header.nhsNumber)) {
      this.seen.add(header.nhsNumber);
      this.patients.push(header.nhsNumber);
    }
    return {
      topic: recordChangeTopic(header.ics, this.prefix),
      message: {
        key: header.nhsNumber,
        value: await this.serde.encode(header.eventType as EventType, event),
        headers: {
          'crosscare-event-type': header.eventType,
          'crosscare-event-id': header.eventId,
          'crosscare-correlation-id': header.correlationId,
        },
      },
    };
  }
}

/** Sends the region at a steady rate: every tick, what is due by then (a send at a time, so no reordering). */
class PacedLoad {
  private running = false;
  private loop?: Promise<void>;
  private startedAt = 0;
  private sentAtStart = 0;
  private markAt = 0;
  private markSent = 0;

  constructor(
    private readonly region: RegionStream,
    private readonly rate: number,
  ) {}

  start(): void {
    this.running = true;
    this.startedAt = now();
    this.sentAtStart = this.region.sent;
    this.loop = (async () => {
      while (this.running) {
        const due =
          Math.floor((this.rate * (now() - this.startedAt)) / 1000) - (this.region.sent - this.sentAtStart);
        // What is due, up to a second's worth: while the broker is slow to answer, each send carries more.
        if (due > 0) await this.region.send(Math.min(due, Math.ceil(this.rate)));
        await sleep(20);
      }
    })();
  }

  /** Starts the window over which the achieved rate is measured. */
  mark(): void {
    this.markAt = now();
    this.markSent = this.region.sent;
  }

  /** Events per second since the mark (or the start). */
  rateSinceMark(): number {
    const from = this.markAt || this.startedAt;
    const sent = this.region.sent - (this.markAt ? this.markSent : this.sentAtStart);
    return (sent * 1000) / Math.max(1, now() - from);
  }

  async stop(): Promise<number> {
    const rate = this.rateSinceMark();
    this.running = false;
    await this.loop;
    return rate;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Probes

interface ProberOptions {
  readonly ingestUrl: string;
  readonly apiUrls: Record<CollaborativeCode, string>;
  readonly apiKeys: Record<CollaborativeCode, string>;
  readonly readerToken: string;
  readonly patients: readonly string[];
  readonly stamp: string;
}

interface Reads {
  count: number;
  /** Time from a GET's start to its answer, ms. */
  readonly durations: number[];
  failures: number;
}

class Prober {
  private readonly probes: Probe[] = [];
  private readonly random = mulberry32(SEED);
  private readonly reads = new Map<Phase, Record<CollaborativeCode, Reads>>();
  /** The observation ids all start with this, so the changelog tracer can find them in Avro bytes. */
  readonly marker: string;
  private warned = 0;
  private readonly gates = { CCR: new Gate(POLL_CONCURRENCY), OHC: new Gate(POLL_CONCURRENCY) };

  constructor(private readonly options: ProberOptions) {
    this.marker = `latency-${options.stamp}-`;
  }

  all(): readonly Probe[] {
    return this.probes;
  }

  byNumber(n: number): Probe | undefined {
    return this.probes[n];
  }

  readsOf(phase: Phase): Record<CollaborativeCode, Reads> {
    let reads = this.reads.get(phase);
    if (!reads) {
      reads = {
        CCR: { count: 0, durations: [], failures: 0 },
        OHC: { count: 0, durations: [], failures: 0 },
      };
      this.reads.set(phase, reads);
    }
    return reads;
  }

  /** Sends probes at BENCH_PROBE_RATE for `seconds`; each then polls on its own. */
  async run(phase: Phase, seconds: number, tick?: (elapsed: number) => void): Promise<void> {
    const started = now();
    const count = Math.max(1, Math.round(seconds * PROBE_RATE));
    let lastTick = started;
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1000) / PROBE_RATE;
      while (now() < due) {
        await sleep(Math.min(50, due - now()));
        if (tick && now() - lastTick >= 5000) {
          lastTick = now();
          tick((lastTick - started) / 1000);
        }
      }
      this.send(phase);
    }
    await sleep(Math.max(0, started + seconds * 1000 - now()));
  }

  /** Waits until every probe of the phase is served by both APIs or timed out. */
  async settle(phase: Phase): Promise<void> {
    await Promise.all(this.probes.filter((p) => p.phase === phase).map((p) => p.settled));
  }

  outstanding(): number {
    return this.probes.filter(
      (p) => p.acceptedAt === undefined || COLLABORATIVES.some((c) => p.servedAt[c] === undefined),
    ).length;
  }

  private send(phase: Phase): void {
    const n = this.probes.length;
    const origin: CollaborativeCode = this.random() < OHC_PROBE_SHARE ? 'OHC' : 'CCR';
    const { patients } = this.options;
    const probe: Probe = {
      n,
      // Ends in a letter: in Avro bytes the next field's length may be a digit's byte.
      id: `${this.marker}${n}x`,
      origin,
      nhsNumber: patients[Math.floor(this.random() * patients.length)],
      phase,
      sentAt: now(),
      servedAt: {},
      settled: Promise.resolve(),
    };
    this.probes.push(probe);
    probe.settled = this.follow(probe);
  }

  private async follow(probe: Probe): Promise<void> {
    const observation = fhirFixtures.careHomeWeight(probe.nhsNumber);
    const at = new Date().toISOString();
    observation.id = probe.id;
    observation.meta = { ...observation.meta, versionId: '1', lastUpdated: at };
    observation.effectiveDateTime = at;
    observation.valueQuantity = { ...observation.valueQuantity, value: 50 + (probe.n % 40) };
    try {
      const post = () =>
        fetch(`${this.options.ingestUrl}/fhir/Observation`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.options.apiKeys[probe.origin]}`,
            'content-type': 'application/fhir+json',
            'x-correlation-id': probe.id,
          },
          body: JSON.stringify(observation),
        });
      // A kept-alive connection the server has just closed fails before the request is sent: send once more (ingest's
      // ledger would answer a true re-send as a duplicate anyway). The clock starts at the 202 either way.
      const response = await post().catch(() => post());
      const text = await response.text();
      if (response.status !== 202)
        throw new Error(`ingest answered ${response.status}: ${text.slice(0, 300)}`);
      probe.acceptedAt = now();
    } catch (error) {
      probe.refused = errorMessage(error);
      this.warn(`probe ${probe.n} not accepted: ${probe.refused}`);
      return;
    }
    await Promise.all(COLLABORATIVES.map((c) => this.poll(probe, c)));
  }

  /** Asks one record API for the patient's record until the answer holds the probe, or the probe times out. */
  private async poll(probe: Probe, api: CollaborativeCode): Promise<void> {
    const accepted = probe.acceptedAt!;
    const reads = this.readsOf(probe.phase)[api];
    for (;;) {
      if (now() - accepted > PROBE_TIMEOUT_MS) return;
      // At most BENCH_POLL_CONCURRENCY reads in flight per API, whatever the number of probes outstanding: when the
      // services fall behind, the probes' polling must not become the load that keeps them behind.
      const release = await this.gates[api].enter();
      const asked = now();
      try {
        const response = await fetch(`${this.options.apiUrls[api]}/patients/${probe.nhsNumber}/record`, {
          headers: {
            authorization: `Bearer ${this.options.readerToken}`,
            'x-purpose-of-use': 'EMERGENCY_CARE',
            // An emergency department reading a patient it has no record of: each read breaks the glass, so it
            // also waits for its alert to be acknowledged, which is what such a read costs.
            'x-break-glass-reason': 'Emergency department: patient arrived with no records held here',
            'x-correlation-id': `${probe.id}-${api}`,
          },
        });
        const text = await response.text();
        release();
        const answered = now();
        reads.count++;
        reads.durations.push(answered - asked);
        if (response.status === 200 && text.includes(`${probe.id}"`)) {
          probe.servedAt[api] = answered;
          return;
        }
        if (response.status !== 200 && response.status !== 404) {
          reads.failures++;
          this.warn(`${api} record API answered ${response.status}: ${text.slice(0, 200)}`);
        }
      } catch (error) {
        release();
        reads.failures++;
        this.warn(`${api} record API read failed: ${errorMessage(error)}`);
      }
      // Every POLL_MS from the last ask, or every 5% of the wait so far if longer: resolution within 5% at worst.
      const interval = Math.max(POLL_MS, 0.05 * (now() - accepted));
      await sleep(Math.max(0, asked + interval - now()));
    }
  }

  private warn(message: string): void {
    if (this.warned++ < 20) process.stderr.write(`  warning: ${message}\n`);
  }
}

/** At most `limit` holders at once; the others wait in line. */
class Gate {
  private inside = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves with the function that lets the next one in; call it exactly once. */
  async enter(): Promise<() => void> {
    if (this.inside >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inside++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.inside--;
    };
  }
}

/** The observation as the relay published it: the first changelog record of the probe's origin that holds it. */
class ChangelogTracer {
  /** Records read, and per patient the last sequence number seen (from the record's crosscare-sequence header). */
  records = 0;
  /** Messages read (every key), and the bytes of their values. */
  messages = 0;
  bytes = 0;
  private readonly last = new Map<string, number>();
  /** Records whose sequence skipped numbers after the last one seen for the patient, and how many numbers in all. */
  gaps = 0;
  missing = 0;
  /** Records whose sequence was not above the last one seen (a re-send). */
  repeats = 0;
  private consumer!: ReturnType<Kafka['consumer']>;

  /** Checks each record's sequence against the last one seen for its patient, as a subscriber would. */
  private checkSequence(topic: string, key: Buffer | null, header: unknown): void {
    const sequence = Number(Buffer.isBuffer(header) ? header.toString() : header);
    if (!key || !Number.isFinite(sequence)) return;
    this.records++;
    const id = `${topic}|${key.toString()}`;
    const last = this.last.get(id);
    if (last !== undefined && sequence > last + 1) {
      this.gaps++;
      this.missing += sequence - last - 1;
    } else if (last !== undefined && sequence <= last) this.repeats++;
    if (last === undefined || sequence > last) this.last.set(id, sequence);
  }

  static async start(kafka: Kafka, prefix: string, probes: Prober): Promise<ChangelogTracer> {
    const tracer = new ChangelogTracer();
    const consumer = kafka.consumer({ groupId: `${prefix}-tracer`, maxBytesPerPartition: 4 * 1024 * 1024 });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    const topics = COLLABORATIVES.map((c) => changelogTopic(c, prefix));
    await consumer.subscribe({ topics, fromBeginning: false });
    const marker = Buffer.from(probes.marker);
    await consumer.run({
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        const collaborative: CollaborativeCode = batch.topic === topics[0] ? 'CCR' : 'OHC';
        for (const message of batch.messages) {
          // Sequences are per patient, carried by heads (keyed by the NHS number alone); item keys skip numbers.
          if (!message.key?.includes(0x7c))
            // '|'
            tracer.checkSequence(batch.topic, message.key, message.headers?.['crosscare-sequence']);
          const value = message.value;
          if (!value) continue;
          tracer.messages++;
          tracer.bytes += value.length;
          for (let at = value.indexOf(marker); at >= 0; at = value.indexOf(marker, at + 1)) {
            let end = at + marker.length;
            while (end < value.length && value[end] >= 0x30 && value[end] <= 0x39) end++;
            if (value[end] !== 0x78) continue; // 'x'
            const probe = probes.byNumber(Number(value.subarray(at + marker.length, end).toString()));
            if (probe && probe.origin === collaborative && probe.changelogAt === undefined)
              probe.changelogAt = Number(message.timestamp);
          }
        }
        await Promise.resolve();
      },
    });
    await joined;
    tracer.consumer = consumer;
    return tracer;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Watching the projectors: lag and outbox depth from their read models and the broker

interface WatchSample {
  /** Offsets of the collaborative's ICS topics not yet in its read model. */
  readonly lag: Record<CollaborativeCode, number>;
  /** Offsets of the other side's changelog not yet in its remote view. */
  readonly remoteLag: Record<CollaborativeCode, number>;
  /** Changelog records committed and not yet relayed. */
  readonly outbox: Record<CollaborativeCode, number>;
}

/**
 * What Postgres is doing, sampled ten times a second from pg_stat_activity: each active statement (and each session
 * idle inside a transaction, where Node works while holding the transaction's locks), by application. The share of
 * samples a statement is seen in is how many backends run it on average: where the database's time goes.
 */
class PostgresProfile {
  /** Per sample, what each busy backend was doing. */
  readonly samples: string[][] = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly pool: Pool) {}

  start(): void {
    const tick = () => {
      void this.pool
        .query<{ what: string }>(
          `select application_name || ': ' || case when state = 'active'
             then coalesce(wait_event_type || '/' || wait_event || ' ', '') ||
               left(regexp_replace(query, '\\s+', ' ', 'g'), 70)
             else '(idle in transaction: the client works inside its transaction)' end as what
           from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid()
             and state in ('active', 'idle in transaction')`,
        )
        .then((r) => this.samples.push(r.rows.map((row) => row.what)))
        .catch(() => undefined)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, 100);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Transactions committed in the database so far, by every client. */
  async commits(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `select xact_commit as n from pg_stat_database where datname = current_database()`,
    );
    return Number(rows[0].n);
  }

  /** The busiest statements among samples[from...]: average backends running each. */
  busiest(from: number, top = 10): { what: string; backends: number }[] {
    const slice = this.samples.slice(from);
    const counts = new Map<string, number>();
    for (const sample of slice) for (const what of sample) counts.set(what, (counts.get(what) ?? 0) + 1);
    return [...counts]
      .map(([what, n]) => ({ what, backends: n / Math.max(1, slice.length) }))
      .sort((a, b) => b.backends - a.backends)
      .slice(0, top);
  }
}

class Watch {
  private readonly directory = loadProviderDirectory();
  /** Once a second from start() to stop(). */
  readonly samples: WatchSample[] = [];
  private timer?: NodeJS.Timeout;
  latest?: WatchSample;

  constructor(
    private readonly admin: Admin,
    private readonly pool: Pool,
    private readonly prefix: string,
    private readonly schemas: Record<CollaborativeCode, string>,
  ) {}

  async sample(): Promise<WatchSample> {
    const lag = { CCR: 0, OHC: 0 };
    const remoteLag = { CCR: 0, OHC: 0 };
    const outbox = { CCR: 0, OHC: 0 };
    for (const c of COLLABORATIVES) {
      const positions = new Map<string, bigint>();
      const rows = (
        await this.pool.query<{ topic: string; partition: number; next_offset: string }>(
          `select topic, partition, next_offset from "${this.schemas[c]}".consumed_offset`,
        )
      ).rows;
      for (const row of rows) positions.set(`${row.topic}|${row.partition}`, BigInt(row.next_offset));
      const own = this.directory.collaboratives().find((x) => x.code === c)!.ics;
      const remote = changelogTopic(c === 'CCR' ? 'OHC' : 'CCR', this.prefix);
      for (const topic of [...own.map((ics) => recordChangeTopic(ics, this.prefix)), remote]) {
        for (const p of await this.admin.fetchTopicOffsets(topic)) {
          const position = positions.get(`${topic}|${p.partition}`) ?? BigInt(p.low);
          const behind = Math.max(0, Number(BigInt(p.high) - position));
          if (topic === remote) remoteLag[c] += behind;
          else lag[c] += behind;
        }
      }
      outbox[c] = Number(
        (
          await this.pool.query<{ n: string }>(
            `select count(*) as n from "${this.schemas[c]}".changelog_outbox`,
          )
        ).rows[0].n,
      );
    }
    this.latest = { lag, remoteLag, outbox };
    return this.latest;
  }

  /** Waits until both read models hold every event sent so far (no transactions yet) and relayed everything. */
  async untilCaughtUp(timeoutMs: number): Promise<number> {
    const started = now();
    let calm = 0;
    while (calm < 2) {
      const s = await this.sample();
      const done = COLLABORATIVES.every((c) => s.lag[c] === 0 && s.outbox[c] === 0 && s.remoteLag[c] === 0);
      calm = done ? calm + 1 : 0;
      if (now() - started > timeoutMs)
        throw new Error(`the projectors did not catch up: ${JSON.stringify(s)}`);
      if (calm < 2) await sleep(500);
    }
    return now() - started;
  }

  start(): void {
    const tick = () => {
      void this.sample()
        .then((s) => this.samples.push(s))
        .catch(() => undefined)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, 1000);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// CPU: where the two cores went in each phase

interface CpuReading {
  readonly at: number;
  readonly machineBusy: number;
  readonly machineTotal: number;
  readonly byName: Record<string, number>;
  /** Every other process: CPU seconds and its command line, by pid. */
  readonly others: Map<number, { seconds: number; command: string }>;
}

class CpuMeter {
  constructor(private readonly services: readonly Service[]) {}

  read(): CpuReading {
    const byName: Record<string, number> = {};
    for (const s of this.services) if (s.pid) byName[s.name] = processSeconds(s.pid);
    const usage = process.cpuUsage();
    byName['bench (load, probes, polls)'] = (usage.user + usage.system) / 1e6;
    byName.postgres = 0;
    byName['kafka broker'] = 0;
    const mine = new Set([process.pid, ...this.services.map((s) => s.pid)]);
    const others = new Map<number, { seconds: number; command: string }>();
    for (const pid of fs.existsSync('/proc') ? fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)) : []) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const command = () => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        if (stat.includes('(postgres)')) byName.postgres += processSeconds(Number(pid), stat);
        else if (stat.includes('(java)') && command().includes('kafka.Kafka'))
          byName['kafka broker'] += processSeconds(Number(pid), stat);
        else if (!mine.has(Number(pid)))
          others.set(Number(pid), { seconds: processSeconds(Number(pid), stat), command: command() });
      } catch {
        // The process ended meanwhile.
      }
    }
    let machineBusy = 0;
    let machineTotal = 0;
    try {
      const fields = fs
        .readFileSync('/proc/stat', 'utf8')
        .split('\n')[0]
        .trim()
        .split(/\s+/)
        .slice(1)
        .map(Number);
      machineTotal = fields.slice(0, 8).reduce((a, b) => a + b, 0) / 100;
      machineBusy = machineTotal - (fields[3] + fields[4]) / 100; // idle, iowait
    } catch {
      // Not Linux.
    }
    return { at: now(), machineBusy, machineTotal, byName, others };
  }
}

function processSeconds(pid: number, stat?: string): number {
  try {
    const text = stat ?? fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Phases and figures

interface PhaseResult {
  readonly phase: Phase;
  readonly seconds: number;
  readonly watch: WatchSample[];
  /** Share of one core, per process, over the phase. */
  readonly cpu: Record<string, number>;
  /** Share of the whole machine (all cores) busy. */
  readonly machineBusy: number;
  /** The busiest processes outside the run (the stack's own services, other users), share of one core each. */
  readonly busiestOthers: { command: string; share: number }[];
  readonly reads: Record<CollaborativeCode, Reads>;
  /** The busiest statements in Postgres, as average backends running each. */
  readonly postgres: { what: string; backends: number }[];
  /** Transactions committed per second in the database, by every client (the stack's services too). */
  readonly commitsPerSecond: number;
}

async function measure(
  phase: Phase,
  seconds: number,
  probes: Prober,
  watch: Watch,
  cpu: CpuMeter,
  postgres: PostgresProfile,
  work: () => Promise<void>,
): Promise<PhaseResult> {
  process.stdout.write(
    `${phase === 'idle' ? 'Idle' : 'Loaded'}: ${seconds} s of probes at ${PROBE_RATE}/s\n`,
  );
  const before = cpu.read();
  const from = watch.samples.length;
  const profiledFrom = postgres.samples.length;
  const commitsBefore = await postgres.commits();
  await work();
  const commits = (await postgres.commits()) - commitsBefore;
  const samples = watch.samples.slice(from);
  const after = cpu.read();
  const wall = (after.at - before.at) / 1000;
  const shares: Record<string, number> = {};
  for (const [name, value] of Object.entries(after.byName))
    shares[name] = (value - (before.byName[name] ?? value)) / wall;
  const machineBusy =
    (after.machineBusy - before.machineBusy) / Math.max(0.001, after.machineTotal - before.machineTotal);
  // What the machine spent beyond the processes named: the stack's own services, the kernel, anything else running.
  const accounted = Object.values(shares).reduce((a, b) => a + b, 0);
  shares['everything else'] = Math.max(0, machineBusy * os.cpus().length - accounted);
  const busiestOthers = [...after.others]
    .map(([pid, { seconds, command }]) => ({
      command: command.slice(0, 90) || `pid ${pid}`,
      share: (seconds - (before.others.get(pid)?.seconds ?? 0)) / wall,
    }))
    .filter((o) => o.share >= 0.02)
    .sort((a, b) => b.share - a.share)
    .slice(0, 4);
  return {
    phase,
    seconds: wall,
    watch: samples,
    cpu: shares,
    machineBusy,
    busiestOthers,
    reads: probes.readsOf(phase),
    postgres: postgres.busiest(profiledFrom),
    commitsPerSecond: commits / wall,
  };
}

function progress(
  phase: Phase,
  elapsed: number,
  total: number,
  probes: Prober,
  watch: Watch,
  load?: PacedLoad,
): void {
  const done = probes.all().filter((p) => p.phase === phase);
  const figure = (c: CollaborativeCode) => {
    const l = latencies(done, c);
    return l.length > 0 ? `${c} p50 ${ms(percentile(l, 50))} p99 ${ms(percentile(l, 99))}` : `${c} -`;
  };
  const w = watch.latest;
  process.stdout.write(
    `  ${phase} ${Math.round(elapsed)}/${total} s: ${done.length} probes, ${probes.outstanding()} outstanding; ` +
      `${figure('CCR')}; ${figure('OHC')}` +
      (load ? `; load ${Math.round(load.rateSinceMark())} events/s` : '') +
      (w
        ? `; lag CCR ${w.lag.CCR} OHC ${w.lag.OHC}, outbox CCR ${w.outbox.CCR} OHC ${w.outbox.OHC}, ` +
          `remote lag CCR ${w.remoteLag.CCR} OHC ${w.remoteLag.OHC}`
        : '') +
      '\n',
  );
}

/** Latency from the 202 to the record API's answer that showed it; a probe never served counts as Infinity. */
function latencies(probes: readonly Probe[], api: CollaborativeCode, path?: 'local' | 'remote'): number[] {
  return probes
    .filter((p) => p.acceptedAt !== undefined)
    .filter((p) => path === undefined || (path === 'local') === (p.origin === api))
    .filter((p) => p.servedAt[api] !== undefined || now() - p.acceptedAt! > PROBE_TIMEOUT_MS)
    .map((p) => (p.servedAt[api] ?? Infinity) - p.acceptedAt!)
    .sort((a, b) => a - b);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function ms(value: number): string {
  if (Number.isNaN(value)) return '-';
  if (!Number.isFinite(value)) return `> ${PROBE_TIMEOUT_MS / 1000} s`;
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

interface Figures {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

function figures(values: readonly number[]): Figures {
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length > 0 ? values[values.length - 1] : NaN,
    count: values.length,
  };
}

/** The figures each row of the report and of the results file is made of, idle and loaded. */
function series(probes: readonly Probe[]) {
  const of = (phase: Phase) => probes.filter((p) => p.phase === phase);
  const stage = (phase: Phase) =>
    of(phase)
      .filter((p) => p.changelogAt !== undefined && p.acceptedAt !== undefined)
      .map((p) => p.changelogAt! - p.acceptedAt!)
      .sort((a, b) => a - b);
  const ingest = (phase: Phase) =>
    of(phase)
      .filter((p) => p.acceptedAt !== undefined)
      .map((p) => p.acceptedAt! - p.sentAt)
      .sort((a, b) => a - b);
  const rows: { key: string; label: string; idle: Figures; loaded: Figures }[] = [
    {
      key: 'ccr_record_api',
      label: 'CCR record API (all probes)',
      idle: figures(latencies(of('idle'), 'CCR')),
      loaded: figures(latencies(of('loaded'), 'CCR')),
    },
    {
      key: 'ohc_record_api',
      label: 'OHC record API (all probes)',
      idle: figures(latencies(of('idle'), 'OHC')),
      loaded: figures(latencies(of('loaded'), 'OHC')),
    },
    {
      key: 'local',
      label: "  own collaborative's API (read model)",
      idle: figures(
        [...latencies(of('idle'), 'CCR', 'local'), ...latencies(of('idle'), 'OHC', 'local')].sort(
          (a, b) => a - b,
        ),
      ),
      loaded: figures(
        [...latencies(of('loaded'), 'CCR', 'local'), ...latencies(of('loaded'), 'OHC', 'local')].sort(
          (a, b) => a - b,
        ),
      ),
    },
    {
      key: 'changelog',
      label: "  on the origin's changelog (relay sent)",
      idle: figures(stage('idle')),
      loaded: figures(stage('loaded')),
    },
    {
      key: 'remote',
      label: "  other collaborative's API (remote view)",
      idle: figures(
        [...latencies(of('idle'), 'CCR', 'remote'), ...latencies(of('idle'), 'OHC', 'remote')].sort(
          (a, b) => a - b,
        ),
      ),
      loaded: figures(
        [...latencies(of('loaded'), 'CCR', 'remote'), ...latencies(of('loaded'), 'OHC', 'remote')].sort(
          (a, b) => a - b,
        ),
      ),
    },
    {
      key: 'ingest_post',
      label: '  (ingest POST → 202, before the clock starts)',
      idle: figures(ingest('idle')),
      loaded: figures(ingest('loaded')),
    },
  ];
  return rows;
}

function summarise(idle: PhaseResult, loaded: PhaseResult, probes: readonly Probe[], achieved: number) {
  const results: {
    metric: string;
    value: number;
    unit: string;
    baseline: string;
    baseline_value: number;
    ratio: number;
  }[] = [];
  const finite = (n: number) => (Number.isFinite(n) ? round(n) : -1);
  for (const row of series(probes)) {
    for (const stat of ['p50', 'p99', 'max'] as const) {
      results.push({
        metric: `latency_${row.key}_${stat}_at_${LOAD_RATE}_events_per_s`,
        value: finite(row.loaded[stat]),
        unit: 'ms',
        baseline: 'same run, idle (no background load); -1 means a probe was not served within the timeout',
        baseline_value: finite(row.idle[stat]),
        ratio: finite(round(row.loaded[stat] / row.idle[stat], 2)),
      });
    }
  }
  results.push({
    metric: 'background_load_rate',
    value: round(achieved),
    unit: 'events/s',
    baseline: 'BENCH_LOAD_RATE, the rate asked for',
    baseline_value: LOAD_RATE,
    ratio: round(achieved / LOAD_RATE, 3),
  });
  const counted = (phase: PhaseResult) =>
    probes.filter((p) => p.phase === phase.phase && p.acceptedAt).length;
  results.push({
    metric: 'probes',
    value: counted(loaded),
    unit: 'probes',
    baseline: 'probes in the idle phase',
    baseline_value: counted(idle),
    ratio: round(counted(loaded) / Math.max(1, counted(idle)), 2),
  });
  return results;
}

function printReport(
  idle: PhaseResult,
  loaded: PhaseResult,
  probes: readonly Probe[],
  achieved: number,
  projectorOverrides: Record<string, string>,
  recordApiOverrides: Record<string, string>,
): void {
  const rows = series(probes);
  process.stdout.write(
    `\nLatency from ingest's 202 to the first answer that shows the observation (${os.cpus().length} cores; ` +
      `projector settings: ${describeSettings(projectorOverrides)}; record API: ${describeSettings(recordApiOverrides)})\n`,
  );
  console.table(
    rows.map((r) => ({
      path: r.label,
      'idle p50': ms(r.idle.p50),
      'idle p99': ms(r.idle.p99),
      'idle max': ms(r.idle.max),
      [`${Math.round(achieved)}/s p50`]: ms(r.loaded.p50),
      [`${Math.round(achieved)}/s p99`]: ms(r.loaded.p99),
      [`${Math.round(achieved)}/s max`]: ms(r.loaded.max),
      'n idle/loaded': `${r.idle.count}/${r.loaded.count}`,
    })),
  );
  for (const phase of [idle, loaded]) {
    const reads = COLLABORATIVES.map((c) => {
      const r = phase.reads[c];
      const d = [...r.durations].sort((a, b) => a - b);
      return `${c} ${round(r.count / phase.seconds)}/s (GET p50 ${ms(percentile(d, 50))}, p99 ${ms(percentile(d, 99))}${r.failures ? `, ${r.failures} failed` : ''})`;
    }).join('; ');
    const w = phase.watch;
    const stat = (pick: (s: WatchSample) => number) =>
      w.length === 0
        ? '-'
        : `max ${Math.max(...w.map(pick))} mean ${Math.round(w.map(pick).reduce((a, b) => a + b, 0) / w.length)}`;
    const cpu = Object.entries(phase.cpu)
      .filter(([, share]) => share >= 0.005)
      .sort((a, b) => b[1] - a[1])
      .map(([name, share]) => `${name} ${Math.round(share * 100)}%`)
      .join(', ');
    process.stdout.write(
      `${phase.phase} (${round(phase.seconds)} s): record API reads ${reads}\n` +
        `  lag (offsets) CCR ${stat((s) => s.lag.CCR)}, OHC ${stat((s) => s.lag.OHC)}; ` +
        `outbox CCR ${stat((s) => s.outbox.CCR)}, OHC ${stat((s) => s.outbox.OHC)}; ` +
        `remote view lag CCR ${stat((s) => s.remoteLag.CCR)}, OHC ${stat((s) => s.remoteLag.OHC)}\n` +
        `  CPU: machine ${Math.round(phase.machineBusy * 100)}% of ${os.cpus().length} cores busy; ` +
        `of one core: ${cpu}\n` +
        `  everything else, busiest: ${
          phase.busiestOthers.map((o) => `${Math.round(o.share * 100)}% ${o.command}`).join('; ') ||
          'none over 2%'
        }${phase.cpu['everything else'] > 0.5 ? ' (MORE THAN HALF A CORE: other work shared the machine)' : ''}\n` +
        `  Postgres: ${Math.round(phase.commitsPerSecond)} commits/s; busiest (average backends):\n` +
        phase.postgres.map((p) => `    ${p.backends.toFixed(2)} ${p.what}\n`).join(''),
    );
  }
  const unserved = probes.filter(
    (p) => p.phase === 'loaded' && p.acceptedAt && COLLABORATIVES.some((c) => !p.servedAt[c]),
  );
  const refused = probes.filter((p) => p.phase !== 'warm-up' && p.refused);
  process.stdout.write(
    `background load achieved ${round(achieved)} events/s (asked ${LOAD_RATE})` +
      `${unserved.length ? `; ${unserved.length} loaded probes not served within ${PROBE_TIMEOUT_MS / 1000} s` : ''}` +
      `${refused.length ? `; ${refused.length} probes refused by ingest` : ''}\n`,
  );
  for (const key of ['ccr_record_api', 'ohc_record_api']) {
    const row = rows.find((r) => r.key === key)!;
    const met = row.loaded.p99 <= TARGET_P99_MS;
    process.stdout.write(
      `${row.label.replace(' (all probes)', '')} p99 at ${Math.round(achieved)} events/s: ${ms(row.loaded.p99)} ` +
        `(target ≤ ${ms(TARGET_P99_MS)}): ${met ? 'met' : 'NOT met'}; idle p99 ${ms(row.idle.p99)}\n`,
    );
  }
}

/** A small seeded generator, so a run's choice of patients and origins is the same every time. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:latency: ${errorStack(error)}\n`);
  process.exit(1);
});
