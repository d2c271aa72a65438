/**
 * npm run bench:ingest   (needs the local stack: npm run stack:up; or KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL)
 *
 * Events/s and latency through ingest's HTTP batch path, beside the ceiling: a raw kafkajs idempotent producer
 * sending the same Avro payloads, in the same batch sizes and concurrency, to the same broker in the same run. The
 * ratio is what the benchmark reports, because absolute figures on a shared two-core machine vary run to run.
 *
 * Ingest runs as deployed (the built app, its own process) and is measured twice: FHIR batch Bundles (the path the
 * issue names: authentication, FHIR validation, mapping, the idempotency ledger, Avro, the outbox, 202, and the
 * relay's Kafka transaction: a phase ends when its outbox is empty)
 * and social care extracts of the same size (the same pipeline without FHIR validation), so the cost of validation
 * shows on its own. Throughput counts the events on the topics (read_committed) after each phase, not the requests
 * answered: a batch answers 202 even when entries in it are refused. CPU milliseconds per published event are read
 * from /proc for ingest's process and the local broker's, phase by phase (the raw producer's phase gives the broker's
 * cost of the same events without ingest). Writes bench/results/ingest.json.
 *
 * On a secured cluster (SASL_SSL, the local stack's default) ingest runs with a service's rights, not the bench's:
 * a throwaway SCRAM principal with exactly ingest's grants for this run's topics and transactional ids (the raw
 * producer uses it too, with WRITE on its own topic), removed at the end; its own Postgres role (the stack's
 * `crosscare_ingest`) owning the run's ledger schema; the registry's ingest reader. The bench itself (topics, schemas,
 * the sample consumer) stays the admin.
 *
 * The three contenders (FHIR, social care, the raw producer) alternate for BENCH_ROUNDS rounds (default 3), in a
 * rotating order, each round with records of its own; each figure is the median of the rounds with the spread beside
 * it, and a target is judged on the median of the per-round ratios (test/bench/rounds.ts).
 * BENCH_INGEST_CPU_PROFILE=<dir> has ingest write a V8 CPU profile there when it exits.
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
import { errorStack } from '@crosscare/errors';
import {
  createRecordChangeSerde,
  recordChangeTopic,
  registerContractSchemas,
  SchemaRegistryClient,
} from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { fhirFixtures } from '@crosscare/fhir/testing';
import {
  ICS_CODES,
  ingestRelayId,
  loadProviderDirectory,
  servicePrincipalName,
  servicePrincipals,
  type AccessNaming,
} from '@crosscare/governance';
import {
  consoleProgress,
  envWithRegistryCredentials,
  INGEST_APP,
  localKafkaStatus,
  stackPaths,
} from '@crosscare/local-stack';
import { spawn, type ChildProcess } from 'node:child_process';
import { createKafka, createRecordProducer, ensureTopics, readFromStart } from '@crosscare/kafka';
import { freePort } from '@crosscare/testing';
import type { Kafka } from 'kafkajs';
import * as path from 'node:path';
import { Pool } from 'pg';
import { CredentialStore } from '../../apps/ingest/src/storage/credential-store';
import { openIngestDatabase } from '../../apps/ingest/src/storage/data-source';
import { createBenchPrincipal, serviceDatabase, serviceRegistryUrl } from './bench-principals';
import { totalCpuMillis } from './process-cpu';
import { roundsResult, writeResultsFile, type BenchResult } from './results-file';
import {
  alternateRounds,
  roundFigures,
  roundRatios,
  roundsFromEnvironment,
  type RoundFigures,
} from './rounds';
// Not in the package index: that keeps the test harness, which imports local-stack, free of the domain libs.
import {
  RECORD_CHANGE_PARTITIONS,
  recordChangeTopicSpecs,
} from '../../libs/local-stack/src/record-change-topics';

const ENTRIES_PER_BUNDLE = Number(process.env.BENCH_BUNDLE_ENTRIES ?? 100);
const BUNDLES = Number(process.env.BENCH_BUNDLES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = roundsFromEnvironment(process.env);

type Contender = 'fhir' | 'socialCare' | 'raw';
/** Targets as same-run ratios to the raw producer (issue 17): FHIR batch Bundles, and social care extracts. */
const FHIR_TARGET_RATIO = 0.25;
const SOCIAL_CARE_TARGET_RATIO = 0.5;
// A GP practice in Birmingham and Solihull from the provider directory: it may publish observations.
const PROVIDER_TYPE = 'GP_PRACTICE';

interface Run {
  /** Events on the topics after the phase that were not there before it, per second of the phase. */
  readonly eventsPerSecond: number;
  readonly sent: number;
  readonly published: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU time per published event; undefined where the process could not be read (a remote broker). */
  readonly ingestCpuMsPerEvent?: number;
  readonly brokerCpuMsPerEvent?: number;
}

/** What a phase is measured by, beside its clock: the topics it publishes to, and whose CPU it costs. */
interface Meter {
  readonly published: () => Promise<number>;
  /**
   * Resolves once everything answered is published: ingest answers when a request is kept in its outbox, and its
   * relay publishes it after, so the phase's clock stops when the outbox is empty, not at the last answer.
   */
  readonly settled?: () => Promise<void>;
  readonly ingestPid?: number;
  readonly brokerPids: readonly number[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Runs `count` jobs, `concurrency` at a time, timing each; returns throughput in events published per second,
 * latencies, and the CPU the phase cost ingest and the broker per published event.
 */
async function drive(
  label: string,
  count: number,
  events: number,
  meter: Meter,
  job: (i: number) => Promise<void>,
): Promise<Run> {
  const publishedBefore = await meter.published();
  const ingestCpuBefore = meter.ingestPid === undefined ? undefined : totalCpuMillis([meter.ingestPid]);
  const brokerCpuBefore = totalCpuMillis(meter.brokerPids);
  const latencies: number[] = [];
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await job(i);
      latencies.push(performance.now() - t0);
      done++;
      if (done % Math.max(1, Math.floor(count / 10)) === 0)
        process.stdout.write(`  ${label}: ${done}/${count} batches\n`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await meter.settled?.();
  const seconds = (performance.now() - started) / 1000;
  const ingestCpu = meter.ingestPid === undefined ? undefined : totalCpuMillis([meter.ingestPid]);
  const brokerCpu = totalCpuMillis(meter.brokerPids);
  const published = (await meter.published()) - publishedBefore;
  latencies.sort((a, b) => a - b);
  const perEvent = (after: number | undefined, before: number | undefined) =>
    after === undefined || before === undefined || published === 0 ? undefined : (after - before) / published;
  if (published !== events)
    process.stdout.write(`  ${label}: ${published} of ${events} events sent are on the topics\n`);
  return {
    eventsPerSecond: published / seconds,
    sent: events,
    published,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    ingestCpuMsPerEvent: perEvent(ingestCpu, ingestCpuBefore),
    brokerCpuMsPerEvent: perEvent(brokerCpu, brokerCpuBefore),
  };
}

/** Polls ingest's /metrics until its outbox holds nothing (crosscare_ingest_outbox_pending 0), for up to a minute. */
async function outboxEmpty(metricsUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const text = await (await fetch(metricsUrl)).text();
    const pending = /^crosscare_ingest_outbox_pending(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1];
    if (pending === '0') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`ingest's outbox was not empty a minute after the last answer (${metricsUrl})`);
}

/** Records on the topics as a read_committed consumer sees them: aborted transactions and markers left out. */
async function committedRecords(kafka: Kafka, topics: readonly string[]): Promise<number> {
  const seen = await readFromStart(kafka, {
    topics,
    reader: 'crosscare-bench-count',
    keep: () => true,
    until: 'end-offsets',
    timeoutMs: 120_000,
  });
  return seen.length;
}

/** One record of a council's social care extract (the JSON format of docs/ingest.md). */
function socialCareRecord(extract: number, record: number) {
  const n = extract * ENTRIES_PER_BUNDLE + record;
  return {
    id: `bench-sc-${n}`,
    version: 1,
    nhsNumber: testNhsNumber(1 + (n % 5000)),
    kind: 'service',
    status: 'open',
    startDate: '2026-11-01',
    type: 'adult',
    team: 'North Locality Adult Social Care Team',
    service: 'Home care, 14 hours a week',
    changedAt: '2026-11-25T09:30:00Z',
  };
}

/** A care home's body weight (the fixture), made a record of its own per entry. */
function observation(bundle: number, entry: number) {
  const n = bundle * ENTRIES_PER_BUNDLE + entry;
  const resource = fhirFixtures.careHomeWeight(testNhsNumber(1 + (n % 5000)));
  resource.id = `bench-obs-${n}`;
  resource.valueQuantity = { ...resource.valueQuantity, value: 50 + (n % 40) };
  return { resource, request: { method: 'PUT', url: `Observation/${resource.id}` } };
}

async function main(): Promise<void> {
  // It registers the schemas: the local stack's admin when SCHEMA_REGISTRY_URL has no credentials.
  const env = envWithRegistryCredentials(process.env, stackPaths());
  const kafkaConfig = loadConfig(kafkaVariables, toKafkaConfig, env, checkKafkaVariables);
  const registryConfig = loadConfig(schemaRegistryVariables, toSchemaRegistryConfig, env);
  const database = loadConfig(databaseVariables, toDatabaseConfig, env);
  const runId = `bench-${Date.now()}`;
  const prefix = `crosscare-${runId}`;
  const schema = `bench_ingest_${Date.now()}`;
  const events = ENTRIES_PER_BUNDLE * BUNDLES;
  process.stdout.write(
    `bench:ingest: ${BUNDLES} batch Bundles × ${ENTRIES_PER_BUNDLE} Observations = ${events} events, ` +
      `${CONCURRENCY} concurrent requests; brokers ${kafkaConfig.brokers.join(',')}\n`,
  );

  const registry = new SchemaRegistryClient(registryConfig);
  await registerContractSchemas(registry);
  const kafka = createKafka(kafkaConfig, { defaultClientId: 'crosscare-bench' });
  const admin = kafka.admin();
  await admin.connect();
  const topics = ICS_CODES.map((ics) => recordChangeTopic(ics, prefix));
  const rawTopic = `${prefix}.raw-baseline`;
  // The record-change topics as the stack provisions them; the raw baseline's topic has the same partitions.
  await ensureTopics(admin, [
    ...recordChangeTopicSpecs(1, prefix),
    { name: rawTopic, partitions: RECORD_CHANGE_PARTITIONS, replicationFactor: 1 },
  ]);

  // Ingest runs as deployed: the built app in a process of its own, so the benchmark's HTTP client does not take
  // its CPU, with a service's rights (see the header). Credentials are issued into its (fresh) ledger schema first.
  await INGEST_APP.ensureBuilt(consoleProgress());
  const paths = stackPaths();
  const directory = loadProviderDirectory();
  const naming: AccessNaming = { topicPrefix: prefix, idPrefix: prefix };
  const name = servicePrincipalName('ingest', naming);
  const definition = servicePrincipals(directory.collaboratives(), naming).find((p) => p.name === name);
  if (!definition) throw new Error(`no ${name} among the service principals`);
  const service = await createBenchPrincipal(
    kafkaConfig,
    admin,
    {
      ...definition,
      grants: [
        ...definition.grants,
        { resourceType: 'TOPIC', patternType: 'LITERAL', resourceName: rawTopic, operation: 'WRITE' },
      ],
    },
    paths,
  );
  const ingestDatabase = serviceDatabase(database, 'ingest', paths);
  if (ingestDatabase.role) {
    // The role owns the run's ledger schema, as it owns `ingest`; it may not create schemas itself.
    const pool = new Pool({ connectionString: database.url, max: 1 });
    await pool.query(`create schema "${schema}" authorization "${ingestDatabase.role}"`);
    await pool.end();
  }
  const serviceKafka = service?.kafka ?? kafkaConfig;
  process.stdout.write(
    `  ingest runs as Kafka principal ${serviceKafka.sasl?.username ?? '(none: PLAINTEXT)'}, ` +
      `Postgres role ${ingestDatabase.role ?? '(DATABASE_URL as given)'}\n`,
  );
  const db = await openIngestDatabase(ingestDatabase, schema);
  const credentials = new CredentialStore(db);
  const port = await freePort();
  // A V8 CPU profile of ingest, for finding where its time goes (open it in Chrome DevTools).
  const profileDir = process.env.BENCH_INGEST_CPU_PROFILE;
  const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];
  const ingest = spawn(process.execPath, [...profiling, INGEST_APP.entry], {
    env: {
      ...env,
      ...(service?.env ?? {}),
      DATABASE_URL: ingestDatabase.url,
      SCHEMA_REGISTRY_URL: serviceRegistryUrl(env, paths, 'ingest'),
      DATABASE_POOL_SIZE: String(CONCURRENCY + 4),
      INGEST_DATABASE_SCHEMA: schema,
      INGEST_TOPIC_PREFIX: prefix,
      INGEST_RELAY_ID: ingestRelayId(naming),
      INGEST_HOST: '127.0.0.1',
      INGEST_PORT: String(port),
      INGEST_MLLP_PORT: 'off',
      INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
      INGEST_RATE_LIMIT_BURST: '1000000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForHealth(`http://127.0.0.1:${port}/health`, ingest);
  const provider = directory.providers({ ics: 'QHL', type: PROVIDER_TYPE })[0];
  const token = (await credentials.issue(provider.odsCode, 'bench')).token;
  const council = directory.providers({ ics: 'QHL', type: 'LOCAL_AUTHORITY' })[0];
  const councilToken = (await credentials.issue(council.odsCode, 'bench')).token;

  const bundle = (b: number) =>
    JSON.stringify({
      resourceType: 'Bundle',
      type: 'batch',
      entry: Array.from({ length: ENTRIES_PER_BUNDLE }, (_, e) => observation(b, e)),
    });
  const extract = (x: number) =>
    JSON.stringify({
      council: council.councilCode,
      records: Array.from({ length: ENTRIES_PER_BUNDLE }, (_, r) => socialCareRecord(x, r)),
    });
  const post = async (path: string, key: string, contentType: string, body: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
      body,
    });
    const text = await response.text();
    if (response.status !== 202) throw new Error(`ingest answered ${response.status}: ${text.slice(0, 500)}`);
  };
  const postBundle = (body: string) => post('/fhir', token, 'application/fhir+json', body);
  const postExtract = (body: string) => post('/social-care/extracts', councilToken, 'application/json', body);

  // Warm-up: JIT, schema ids, the producer's transaction ids, the pool. Bundles 0–2; round r sends its own records
  // (a round sending an earlier round's would be answered from the idempotency ledger and publish nothing).
  process.stdout.write('  warming up\n');
  for (let i = 0; i < 3; i++) {
    await postBundle(bundle(i));
    await postExtract(extract(i));
  }
  const firstOfRound = (r: number) => 3 + (r - 1) * BUNDLES;

  // The local stack's broker processes, when the bench talks to them: their CPU is measured too.
  const brokerPids = (await localKafkaStatus(paths)).nodes
    .filter((n) => n.alive && kafkaConfig.brokers.includes(`127.0.0.1:${n.clientPort}`))
    .map((n) => n.pid);
  const ingestMeter: Meter = {
    published: () => committedRecords(kafka, topics),
    settled: () => outboxEmpty(`http://127.0.0.1:${port}/metrics`),
    ingestPid: ingest.pid,
    brokerPids,
  };

  // The ceiling's payloads: real events of this run (the warm-up's), Avro-encoded once, sent by a plain idempotent
  // acks=all producer with the same principal as ingest's, so both pay the same authorization.
  const serde = createRecordChangeSerde(registry);
  const sample = await new Promise<Buffer[]>((resolve, reject) => {
    const consumer = kafka.consumer({ groupId: `${runId}-sample` });
    const values: Buffer[] = [];
    void consumer
      .connect()
      .then(() => consumer.subscribe({ topic: recordChangeTopic('QHL', prefix), fromBeginning: true }))
      .then(() =>
        consumer.run({
          eachMessage: async ({ message }) => {
            if (values.length < ENTRIES_PER_BUNDLE) values.push(message.value!);
            if (values.length === ENTRIES_PER_BUNDLE) {
              await serde.decode(message.value!); // the payloads decode: they are real events
              setImmediate(() => void consumer.disconnect().then(() => resolve(values)));
            }
          },
        }),
      )
      .catch(reject);
  });
  const producer = createRecordProducer(createKafka(serviceKafka, { defaultClientId: 'crosscare-bench' }));
  await producer.connect();
  await producer.send({ topic: rawTopic, messages: [{ key: 'warm', value: sample[0] }] });
  const rawMeter: Meter = { published: () => committedRecords(kafka, [rawTopic]), brokerPids };

  // The three contenders alternate, round after round in a rotating order (test/bench/rounds.ts): on a shared
  // machine one run of the raw producer moved 25,000–54,000 events/s within the hour.
  const runs: Record<Contender, Run[]> = { fhir: [], socialCare: [], raw: [] };
  const prepared = new Map<number, { bundles: string[]; extracts: string[] }>();
  const bodiesOf = (r: number) => {
    let bodies = prepared.get(r);
    if (!bodies) {
      const first = firstOfRound(r);
      bodies = {
        bundles: Array.from({ length: BUNDLES }, (_, b) => bundle(first + b)),
        extracts: Array.from({ length: BUNDLES }, (_, x) => extract(first + x)),
      };
      prepared.set(r, bodies);
    }
    return bodies;
  };
  const say = (line: string) => process.stdout.write(`  ${line}\n`);
  await alternateRounds<Contender>({
    rounds: ROUNDS,
    say,
    format: (_, eventsPerSecond) => `${Math.round(eventsPerSecond)} events/s`,
    beforeRound: (r) => Promise.resolve(void bodiesOf(r)), // built before the clock starts
    contenders: {
      fhir: async (r) => {
        const run = await drive(`round ${r}: FHIR batch Bundles`, BUNDLES, events, ingestMeter, (i) =>
          postBundle(bodiesOf(r).bundles[i]),
        );
        runs.fhir.push(run);
        return run.eventsPerSecond;
      },
      socialCare: async (r) => {
        const run = await drive(`round ${r}: social care extracts`, BUNDLES, events, ingestMeter, (i) =>
          postExtract(bodiesOf(r).extracts[i]),
        );
        runs.socialCare.push(run);
        return run.eventsPerSecond;
      },
      raw: async (r) => {
        const run = await drive(`round ${r}: raw kafkajs producer`, BUNDLES, events, rawMeter, (i) =>
          producer
            .send({
              topic: rawTopic,
              messages: sample.map((value, e) => ({
                key: testNhsNumber(1 + ((i * ENTRIES_PER_BUNDLE + e) % 5000)),
                value,
              })),
            })
            .then(() => undefined),
        );
        runs.raw.push(run);
        return run.eventsPerSecond;
      },
    },
  });
  await producer.disconnect();

  const figure = (contender: Contender, of: (run: Run) => number | undefined): RoundFigures | undefined => {
    const values = runs[contender].map(of);
    return values.every((v): v is number => v !== undefined) ? roundFigures(values) : undefined;
  };
  const throughput = (c: Contender) => figure(c, (run) => run.eventsPerSecond)!;
  const perRound = (c: Contender, of: (run: Run) => number) => runs[c].map(of);
  const vsRaw = (c: Contender, of: (run: Run) => number) => roundRatios(perRound(c, of), perRound('raw', of));
  const THROUGHPUT_BASELINE =
    'raw kafkajs idempotent producer, acks=all, same Avro payloads, batch size and concurrency (median of the rounds)';
  const routes: [Contender, string, string][] = [
    ['fhir', 'fhir', 'FHIR Bundles'],
    ['socialCare', 'social_care', 'social care extracts'],
  ];
  const results: BenchResult[] = routes.flatMap(([c, route, what]) => [
    roundsResult({
      metric: `ingest_${route}_batch_throughput`,
      unit: 'events/s',
      baseline: THROUGHPUT_BASELINE,
      value: throughput(c),
      baselineValue: throughput('raw'),
      ratio: vsRaw(c, (run) => run.eventsPerSecond),
    }),
    ...(['p50Ms', 'p99Ms'] as const).map((p) =>
      roundsResult({
        metric: `ingest_${route}_batch_latency_${p.slice(0, 3)}`,
        unit: 'ms',
        baseline: `raw kafkajs producer send latency ${p.slice(0, 3)} (median of the rounds)`,
        value: figure(c, (run) => run[p])!,
        baselineValue: figure('raw', (run) => run[p])!,
        ratio: vsRaw(c, (run) => run[p]),
      }),
    ),
    {
      metric: `ingest_${route}_published_share`,
      value: runs[c].reduce((n, run) => n + run.published, 0),
      unit: 'events',
      baseline: `events sent in the ${what}, all rounds`,
      baseline_value: runs[c].reduce((n, run) => n + run.sent, 0),
      ratio: round(
        runs[c].reduce((n, run) => n + run.published, 0) / runs[c].reduce((n, run) => n + run.sent, 0),
        3,
      ),
    },
    ...cpuResults(
      route,
      figure(c, (run) => run.ingestCpuMsPerEvent),
      figure(c, (run) => run.brokerCpuMsPerEvent),
      figure('raw', (run) => run.brokerCpuMsPerEvent),
    ),
  ]);
  const file = await writeResultsFile('ingest', results);

  console.table(
    results.map((r) => ({
      metric: r.metric,
      value: `${r.value} ${r.unit}`,
      baseline: r.baseline_value === null ? '' : `${r.baseline_value} ${r.unit}`,
      ratio: r.ratio,
    })),
  );
  const verdict = (ratios: RoundFigures, target: number) =>
    `median ${ratios.median.toFixed(3)} (${ratios.min.toFixed(3)}–${ratios.max.toFixed(3)} over ${ROUNDS} ` +
    `rounds; target ≥ ${target}): ${ratios.median >= target ? 'met' : 'NOT met'}`;
  process.stdout.write(
    `throughput ratios to the raw producer: FHIR batch ${verdict(
      vsRaw('fhir', (run) => run.eventsPerSecond),
      FHIR_TARGET_RATIO,
    )}; ` +
      `social care ${verdict(
        vsRaw('socialCare', (run) => run.eventsPerSecond),
        SOCIAL_CARE_TARGET_RATIO,
      )}; ` +
      `written to ${file}\n`,
  );

  ingest.kill('SIGTERM');
  await new Promise((r) => ingest.once('exit', r));
  await db.destroy();
  for (const t of [...topics, rawTopic]) await admin.deleteTopics({ topics: [t] }).catch(() => undefined);
  await service?.remove();
  await admin.disconnect();
  const pool = new Pool({ connectionString: database.url, max: 1 });
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ingest exited with code ${child.exitCode} while starting`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`ingest did not answer ${url} within a minute`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * CPU per published event of one ingest phase: ingest's own (no baseline: the raw producer has no ingest), and the
 * broker's beside what the same events cost it from the raw producer.
 */
function cpuResults(
  route: string,
  ingestCpu: RoundFigures | undefined,
  brokerCpu: RoundFigures | undefined,
  rawBrokerCpu: RoundFigures | undefined,
): BenchResult[] {
  const results: BenchResult[] = [];
  if (ingestCpu !== undefined)
    results.push({
      metric: `ingest_${route}_cpu_ms_per_event`,
      value: round(ingestCpu.median, 3),
      unit: 'ms',
      baseline:
        'none: CPU of the ingest process (all threads) per published event, median of the rounds ' +
        `(${ingestCpu.values.map((v) => round(v, 3)).join(', ')})`,
      baseline_value: null,
      ratio: null,
    });
  if (brokerCpu !== undefined && rawBrokerCpu !== undefined)
    results.push(
      roundsResult({
        metric: `broker_cpu_ms_per_event_${route}`,
        unit: 'ms',
        baseline: 'broker CPU per event from the raw kafkajs producer (median of the rounds)',
        value: brokerCpu,
        baselineValue: rawBrokerCpu,
        ratio: roundRatios(brokerCpu.values, rawBrokerCpu.values),
        digits: 3,
      }),
    );
  return results;
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

main().catch((error: unknown) => {
  console.error(`bench:ingest failed: ${errorStack(error)}`);
  process.exit(1);
});
