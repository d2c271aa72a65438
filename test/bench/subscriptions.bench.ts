/**
 * npm run bench:subscriptions [-- --subscriptions 10000 --events 2400 --rate 20 --burst 20000 ...]   (needs the local
 * stack, up: npm run stack:up; --quick for a smoke run of 300 subscriptions; --help for every option)
 *
 * FHIR topic-based subscriptions at scale: notifications delivered per second to local webhook receivers with
 * --subscriptions subscriptions (10,000), beside a consume-and-decode ceiling measured on the same events in the same
 * run, and the time from ingest's 202 to the webhook (p50 / p99 / max) at a steady rate.
 *
 * What runs, and as whom:
 *  - A subscription service of the bench's own, in this process (SubscriptionsServices and its HTTP app, as
 *    SubscriptionsUnderTest builds it), at its default settings (delivery concurrency, poll, pool), wired to the local
 *    stack: its broker and ICS topics, its registry (the subscriptions user), the CCR read model (projector_ccr), with
 *    a private store schema owned by the service's Postgres role (crosscare_subscriptions), a consumer group of its own
 *    (started at the topics' end: a service that is caught up) and a throwaway Kafka principal with exactly the
 *    subscription service's grants. Tokens come from a test issuer it trusts (development mode: local http endpoints).
 *  - Webhook receivers: --receivers HTTP servers on 127.0.0.1 in a child process (so that parsing notifications does
 *    not share the service's event loop), answering 200, reporting each notification's subscription, event numbers
 *    and focus to this process, which checks every subscription's event numbers are consecutive from 1.
 *  - Record changes go in through the stack's ingest (FHIR Encounters PUT by the CCR acute trusts, API keys issued for
 *    the run): each event's 202 is its start; its focus id (provider + source record id,
 *    libs/fhir/src/render/resource-ids.ts) matches the notifications to it. A tracer reading the ICS topics notes when
 *    each event got there (the relay's send time), which splits 202 → webhook into ingest's part and the service's.
 *
 * Steps:
 *  1. The region: a seeded synthetic region (its own seed and NHS numbers, CCR's events only) on the stack's ICS
 *     topics, as region:load publishes one, so each patient has a registration and a history in the read model. Only
 *     patients the read model does not hold yet are published (the first run loads it: about 570,000 events for
 *     10,000 subscriptions); then the stack's CCR projector is waited for.
 *  2. Subscriptions, through POST /fhir/Subscription with a token of the owning practice: one patient-record-changed
 *     subscription per patient (the practice the read model says registers them) and --practice-subscriptions
 *     encounter-started subscriptions of practices' registered lists (the practices with most of those patients), so
 *     an admission notifies its patient's subscription, and its practice's too when that practice follows its list.
 *     Patients whose notifications the rules would withhold (a sharing objection) are not sent load. Then every
 *     handshake is waited for, and the machine to be quiet.
 *  3. Steady: --events admissions at --rate a second; each (event, subscription) delivery's 202 → webhook time.
 *  4. Burst: the service stopped, --burst admissions sent through ingest (batch Bundles) and published, the stack's
 *     projector caught up and the machine quiet; the service started again, timed from its first consumed batch to
 *     the last notification: delivered events/s, and record changes/s.
 *  5. Ceiling: a plain kafkajs consumer group (the same principal, the service's partition concurrency) reading and
 *     Avro-decoding the burst's range of the same topics, CEILING_ROUNDS times; the median.
 *  Per phase it also prints CPU by process (the stack's, this one, Postgres, and what the rest of the machine used),
 *  what the service's Postgres backends were doing (sampled) and the index scans of its store and the read model;
 *  --profile FILE writes a CPU profile of this process during the drain and summarises it.
 *  Finally the subscriptions are deleted through the API, the schema dropped, the groups, principal and API keys
 *  removed (on SIGINT/SIGTERM too). Writes bench/results/subscriptions.json and prints a table.
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
import { progressBar } from '@crosscare/cli';
import { errorMessage, errorStack } from '@crosscare/errors';
import {
  createRecordChangeSerde,
  recordChangeTopic,
  registerContractSchemas,
  SchemaRegistryClient,
  type EventType,
  type RecordChangeSerde,
} from '@crosscare/events';
import { itemResourceId } from '@crosscare/fhir';
import { fhirFixtures } from '@crosscare/fhir/testing';
import {
  ICS_CODES,
  legitimateRelationship,
  loadProviderDirectory,
  servicePrincipal,
  subscriptionsGroupId,
  type Provider,
  type ProviderDirectory,
} from '@crosscare/governance';
import { TestIssuer } from '@crosscare/identity/testing';
import { createKafka, createRecordProducer } from '@crosscare/kafka';
import { envWithRegistryCredentials, stackPaths } from '@crosscare/local-stack';
import { activeSharingObjection, relationshipEvidence } from '@crosscare/projection';
import { ReadModelReader } from '@crosscare/read-model';
import { generateRegion, patientNhsNumbers } from '@crosscare/synthetic-region';
import type { INestApplication } from '@nestjs/common';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { HEADER_KEY_BYTES } from '../../apps/subscriptions/src/access/header-secrets';
import { readModelDataSource } from '../../apps/subscriptions/src/store/subscriptions-database';
import { createSubscriptionsApp } from '../../apps/subscriptions/src/subscriptions-app';
import {
  DEFAULT_SUBSCRIPTIONS_AUDIENCE,
  loadSubscriptionsConfig,
  type SubscriptionsConfig,
} from '../../apps/subscriptions/src/subscriptions-config';
import { SubscriptionsServices } from '../../apps/subscriptions/src/subscriptions-services';
import { CredentialStore } from '../../apps/ingest/src/storage/credential-store';
import { createBenchPrincipal, serviceDatabase, serviceRegistryUrl } from './bench-principals';
import { cpuMillis } from './process-cpu';
import { writeResultsFile, type BenchResult } from './results-file';

const USAGE = `usage: npm run bench:subscriptions -- [--quick] [--subscriptions N] [--practice-subscriptions N]
    [--events N] [--rate R] [--burst N] [--payload full-resource|id-only] [--receivers N] [--region-patients N]
    [--profile FILE]
  --subscriptions           subscriptions in all (default 10000; --quick 300)
  --practice-subscriptions  of them, practices following their registered list (default 2%)
  --events                  steady phase: admissions sent (default 2400; --quick 200)
  --rate                    steady phase: admissions a second (default 20; --quick 10)
  --burst                   burst phase: admissions sent while the service is stopped (default 20000; --quick 500)
  --payload                 the subscriptions' payload content (default full-resource)
  --receivers               webhook receivers (HTTP servers) in the receivers' process (default 4)
  --region-patients         the synthetic region's size (default: enough for the subscriptions)
  --profile FILE            write a CPU profile of this process (the service) during the drain, and summarise it`;

/** The bench's own region: its seed and NHS numbers, clear of region:load's defaults (seed 1, serial 100000). */
const REGION_SEED = 20261209;
const REGION_FIRST_SERIAL = 700_000;
/** Share of a region's patients registered at a CCR practice and free of objections, with room to spare. */
const QUALIFYING_SHARE = 0.45;
const READ_MODEL = 'projector_ccr';
const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const TOPIC_URL = (code: string) => `https://fhir.crosscare.nhs.uk/SubscriptionTopic/${code}`;
/** Requests a second one provider may keep sending under ingest's default limit (1,200 a minute). */
const PROVIDER_REQUESTS_PER_SECOND = 15;
const BURST_BUNDLE_ENTRIES = 100;
const API_CONCURRENCY = 8;
const WARM_UP_EVENTS = 20;
/** The ceiling's range is a burst's: short, so it is read a few times (a new group each) and the median kept. */
const CEILING_ROUNDS = 5;
const RECEIVERS_ENV = 'BENCH_SUBSCRIPTIONS_RECEIVERS';

const now = () => Date.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const count = (n: number) => Math.round(n).toLocaleString('en-GB');
const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const say = (line: string) => process.stdout.write(`${line}\n`);

interface Options {
  readonly subscriptions: number;
  readonly practiceSubscriptions: number;
  readonly events: number;
  readonly rate: number;
  readonly burst: number;
  readonly payload: 'full-resource' | 'id-only';
  readonly receivers: number;
  readonly regionPatients: number;
  readonly quick: boolean;
  /** Where to write a CPU profile of this process during the drain (.cpuprofile), if anywhere. */
  readonly profile?: string;
}

function options(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      subscriptions: { type: 'string' },
      'practice-subscriptions': { type: 'string' },
      events: { type: 'string' },
      rate: { type: 'string' },
      burst: { type: 'string' },
      payload: { type: 'string', default: 'full-resource' },
      receivers: { type: 'string', default: '4' },
      'region-patients': { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    say(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const whole = (name: string, value: string | undefined, fallback: number, min = 0) => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}\n${USAGE}`);
    return n;
  };
  const subscriptions = Math.round(whole('subscriptions', values.subscriptions, quick ? 300 : 10_000, 2));
  const practiceSubscriptions = Math.round(
    whole(
      'practice-subscriptions',
      values['practice-subscriptions'],
      Math.max(1, Math.round(subscriptions * 0.02)),
      0,
    ),
  );
  if (practiceSubscriptions >= subscriptions)
    throw new Error('--practice-subscriptions must leave some patient subscriptions');
  const payload = values.payload;
  if (payload !== 'full-resource' && payload !== 'id-only')
    throw new Error(`--payload must be full-resource or id-only\n${USAGE}`);
  const patientSubscriptions = subscriptions - practiceSubscriptions;
  return {
    subscriptions,
    practiceSubscriptions,
    events: Math.round(whole('events', values.events, quick ? 200 : 2400, 1)),
    rate: whole('rate', values.rate, quick ? 10 : 20, 0.1),
    burst: Math.round(whole('burst', values.burst, quick ? 500 : 20_000, 0)),
    payload,
    receivers: Math.round(whole('receivers', values.receivers, 4, 1)),
    regionPatients: Math.round(
      whole(
        'region-patients',
        values['region-patients'],
        Math.ceil(patientSubscriptions / QUALIFYING_SHARE),
        1,
      ),
    ),
    quick,
    ...(values.profile ? { profile: path.resolve(values.profile) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The run

interface Stack {
  readonly ingestUrl: string;
  readonly projectorUrl: string;
  /** The local stack's processes, by name, for CPU accounting. */
  readonly pids: Record<string, number>;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const env = envWithRegistryCredentials(process.env, stackPaths());
  const config = loadConfig(
    { ...kafkaVariables, ...schemaRegistryVariables, ...databaseVariables },
    (v) => ({ kafka: toKafkaConfig(v), registry: toSchemaRegistryConfig(v), database: toDatabaseConfig(v) }),
    env,
    checkKafkaVariables,
  );
  const paths = stackPaths();
  const stack = localStack(paths.run);
  const stamp = Date.now().toString(36);
  const runId = `bench-subscriptions-${stamp}`;
  const schema = `bench_subscriptions_${stamp}`;
  const groupId = `${subscriptionsGroupId()}-bench-${stamp}`;
  const directory = loadProviderDirectory();
  const topics = ICS_CODES.map((ics) => recordChangeTopic(ics));
  const started = now();
  say(
    `bench:subscriptions ${runId}: ${count(opts.subscriptions)} subscriptions (${count(opts.practiceSubscriptions)} ` +
      `of practices' lists), steady ${count(opts.events)} admissions at ${opts.rate}/s, burst ${count(opts.burst)}, ` +
      `payload ${opts.payload}, ${opts.receivers} webhook receivers; region of ${count(opts.regionPatients)} ` +
      `patients (seed ${REGION_SEED}); the stack's ingest ${stack.ingestUrl}, read model ${READ_MODEL}\n` +
      `  machine: ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );

  const kafka = createKafka(config.kafka, { defaultClientId: 'crosscare-bench' });
  const admin = kafka.admin();
  await admin.connect();
  const registry = new SchemaRegistryClient(config.registry);
  await registerContractSchemas(registry);
  const serde = createRecordChangeSerde(registry);
  const pool = new Pool({ connectionString: config.database.url, max: 4 });
  // What the run made, undone last first, once: by the run's end, or by a signal (then the run's own end waits).
  const steps: { name: string; run: () => Promise<unknown> }[] = [];
  let cleaning: Promise<void> | undefined;
  let interrupted = false;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (let step = steps.pop(); step; step = steps.pop()) {
        const { name } = step;
        await step.run().catch((error: unknown) => say(`  clean-up: ${name} failed: ${errorMessage(error)}`));
      }
      await pool.end().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      // A second signal stops at once, leaving what the first one's clean-up had not undone yet.
      if (interrupted) process.exit(130);
      interrupted = true;
      say(
        `bench:subscriptions: ${signal}, cleaning up (the subscriptions go with the schema); again to stop at once`,
      );
      void cleanup().finally(() => process.exit(130));
    });

  try {
    // 1. The region, and the read model holding it.
    await ensureRegion(kafka, serde, pool, directory, opts.regionPatients);
    await untilProjectorCaughtUp(stack.projectorUrl, 600_000);

    // Who is subscribed: patients registered at a practice, in the region's order.
    const readModelDb = readModelDataSource(config.database, READ_MODEL);
    await readModelDb.initialize();
    let choice: Choice;
    try {
      choice = await choosePatients(
        new ReadModelReader(readModelDb, 'CCR', READ_MODEL),
        directory,
        opts.regionPatients,
        opts.subscriptions - opts.practiceSubscriptions,
        opts.practiceSubscriptions,
      );
    } finally {
      await readModelDb.destroy();
    }

    // The service's identity: a Kafka principal with its grants, its Postgres role owning a fresh schema.
    const principal = await createBenchPrincipal(
      config.kafka,
      admin,
      { ...servicePrincipal('subscriptions', directory.collaboratives()), name: `${runId}-subscriptions` },
      paths,
    );
    steps.push({ name: 'remove the principal', run: () => principal?.remove() ?? Promise.resolve() });
    const database = serviceDatabase(config.database, 'subscriptions', paths);
    await pool.query(`create schema "${schema}"${database.role ? ` authorization "${database.role}"` : ''}`);
    steps.push({
      name: 'drop the schema',
      run: () => pool.query(`drop schema if exists "${schema}" cascade`),
    });
    steps.push({
      name: 'delete the consumer groups',
      run: async () => {
        const groups = (await admin.listGroups()).groups
          .map((g) => g.groupId)
          .filter((g) => g.startsWith(groupId));
        if (groups.length > 0) await admin.deleteGroups(groups);
      },
    });
    const issuer = await TestIssuer.create({
      issuer: 'crosscare-bench-subscriptions',
      audience: DEFAULT_SUBSCRIPTIONS_AUDIENCE,
    });
    steps.push({ name: 'close the issuer', run: () => issuer.close() });
    const keyFile = path.join(issuer.dir, 'header-key');
    fs.writeFileSync(keyFile, randomBytes(HEADER_KEY_BYTES).toString('base64'), { mode: 0o600 });
    const servicePort = await freePort();
    const serviceConfig = loadSubscriptionsConfig({
      ...process.env,
      ...(principal?.env ?? {}),
      SCHEMA_REGISTRY_URL: serviceRegistryUrl(process.env, paths, 'subscriptions'),
      DATABASE_URL: database.url,
      SUBSCRIPTIONS_HOST: '127.0.0.1',
      SUBSCRIPTIONS_PORT: String(servicePort),
      SUBSCRIPTIONS_DATABASE_SCHEMA: schema,
      SUBSCRIPTIONS_READ_MODEL_SCHEMA: READ_MODEL,
      SUBSCRIPTIONS_COLLABORATIVE: 'CCR',
      SUBSCRIPTIONS_GROUP_ID: groupId,
      SUBSCRIPTIONS_INSTANCE_ID: runId,
      SUBSCRIPTIONS_TRUSTED_ISSUERS_FILE: issuer.trustedIssuersFile,
      SUBSCRIPTIONS_HEADER_KEY_FILE: keyFile,
      CROSSCARE_ENVIRONMENT: 'development',
      LOG_LEVEL: 'warn',
    });
    // A new group starts where the topics end now: the service is caught up, as one that has been running is.
    await setGroupOffsets(admin, groupId, await endOffsets(admin, topics));
    const service = new ServiceUnderBench(serviceConfig);
    await service.start();
    steps.push({ name: 'stop the service', run: () => service.stop() });
    say(
      `  the bench's subscription service on ${service.url}: group ${groupId}, schema ${schema} as ` +
        `${database.role ?? '(DATABASE_URL as given)'}, Kafka principal ${principal?.name ?? '(the bench: PLAINTEXT)'}; ` +
        `delivery concurrency ${serviceConfig.delivery.concurrency}, poll ${serviceConfig.delivery.pollMs} ms, ` +
        `pool ${serviceConfig.database.poolSize}, partitions consumed concurrently ${serviceConfig.partitionsConsumedConcurrently}`,
    );

    const receivers = await Receivers.start(opts.receivers);
    steps.push({ name: 'stop the receivers', run: () => receivers.stop() });
    const tokens = new Tokens(issuer);

    // The senders: the CCR acute trusts, with API keys for this run.
    const trusts = directory
      .providers({ type: 'ACUTE_TRUST' })
      .filter((p) => p.status === 'ACTIVE' && ['QHL', 'QWU', 'QGH'].includes(p.ics));
    const sender = await Sender.start(config.database.url, stack.ingestUrl, trusts);
    steps.push({ name: 'delete the API keys', run: () => sender.close() });

    // 2. Subscriptions.
    const { created, rate: creationRate } = await createSubscriptions(
      service,
      tokens,
      receivers,
      choice,
      opts,
    );
    steps.push({
      name: 'delete the subscriptions',
      // Interrupted, the schema's drop removes them faster than ten thousand DELETEs.
      run: () => (interrupted ? Promise.resolve() : deleteSubscriptions(service, tokens, created)),
    });
    await untilHandshaken(service, receivers, created.length);

    const ledger = new Ledger(receivers, created);
    const cpu = new CpuMeter(stack.pids, receivers.pid);

    // What the region's load left the stack to do (the SDE publisher, the projectors) is done before measuring.
    await untilQuiet(180_000, 'the warm-up');

    // A tracer notes when each event reached its topic (the relay's send time), to split 202 → webhook in two.
    const tracer = await Tracer.start(kafka, admin, topics, `${groupId}-tracer`, ledger);

    // Warm-up: a few events, not counted.
    const random = mulberry32(REGION_SEED);
    const pick = () => choice.loadPatients[Math.floor(random() * choice.loadPatients.length)];
    await sender.steady(WARM_UP_EVENTS, 5, pick, ledger, 'warm-up');
    await ledger.settle('warm-up', 120_000);

    // 3. Steady.
    say(
      `Steady: ${count(opts.events)} admissions at ${opts.rate}/s through ingest (${trusts.length} trusts)`,
    );
    const steadyCpu = cpu.snapshot();
    const steadyIndexes = await IndexStats.snapshot(pool, [schema, READ_MODEL]);
    const steadyPostgres = new PostgresSampler(pool);
    steadyPostgres.start();
    await sender.steady(opts.events, opts.rate, pick, ledger, 'steady');
    const steadyDone = await ledger.settle('steady', 300_000);
    steadyPostgres.stop();
    const steadyUsage = cpu.since(steadyCpu);
    await tracer.stop();
    await sleep(2000); // Postgres reports a backend's statistics a second or so after its transactions
    const steadyScans = await steadyIndexes.since();
    say(`  Postgres during steady, the service's backends (average busy, by statement):`);
    for (const [what, busy] of steadyPostgres.top(8)) say(`    ${busy.toFixed(3)}  ${what}`);
    say(`  index scans during steady (the bench's store and ${READ_MODEL}):`);
    for (const line of steadyScans) say(`    ${line}`);

    // 4. Burst: sent and published while the service is stopped, then drained.
    let burst: BurstFigures | undefined;
    if (opts.burst > 0) {
      say(`Burst: the service stopped; ${count(opts.burst)} admissions sent through ingest in batch Bundles`);
      await service.stop();
      const from = await endOffsets(admin, topics);
      const burstSent = await sender.burst(opts.burst, pick, ledger);
      await untilOutboxEmpty(stack.ingestUrl, 300_000);
      await untilProjectorCaughtUp(stack.projectorUrl, 600_000);
      const quiet = await untilQuiet(120_000, 'the drain');
      const to = await endOffsets(admin, topics);
      const drainCpu = cpu.snapshot();
      const drainIndexes = await IndexStats.snapshot(pool, [schema, READ_MODEL]);
      const postgres = new PostgresSampler(pool);
      const profiler = opts.profile ? await CpuProfiler.start() : undefined;
      postgres.start();
      await service.start();
      const drain = await ledger.drain(service, 600_000);
      postgres.stop();
      const drainUsage = cpu.since(drainCpu);
      if (profiler && opts.profile) await profiler.stop(opts.profile);
      await sleep(2000);
      const drainScans = await drainIndexes.since();
      say(
        `Ceiling: a kafkajs consumer group decoding the burst's range of the same topics, ${CEILING_ROUNDS} times ` +
          `(each a new group; the median is the ceiling)`,
      );
      const ceilingKafka = createKafka(principal?.kafka ?? config.kafka, {
        defaultClientId: 'crosscare-bench',
      });
      const rounds: { events: number; seconds: number; rate: number }[] = [];
      for (let round_ = 1; round_ <= CEILING_ROUNDS; round_++)
        rounds.push(
          await consumeAndDecodeRange(
            ceilingKafka,
            admin,
            serde,
            topics,
            `${groupId}-ceiling-${round_}`,
            from,
            to,
            serviceConfig.partitionsConsumedConcurrently,
          ),
        );
      const rates = rounds.map((r) => r.rate).sort((a, b) => a - b);
      const ceiling = {
        ...rounds[0],
        rate: rates[Math.floor(rates.length / 2)],
        seconds: rounds[0].events / rates[Math.floor(rates.length / 2)],
        rates: rounds.map((r) => r.rate),
      };
      burst = {
        sent: burstSent,
        quiet,
        drain,
        drainUsage,
        ceiling,
        postgres: postgres.top(12),
        scans: drainScans,
      };
    }

    // Results. Each read of notification content not in the service's cache is a throwaway reader group.
    const readerGroups = (await admin.listGroups()).groups.filter((g) =>
      g.groupId.startsWith(`${groupId}-reader`),
    ).length;
    const integrity = { ...ledger.integrity(), readerGroups };
    const database_ = await service.stateSummary();
    const results = summarise(opts, choice, created, creationRate, steadyDone, burst, integrity);
    const file = await writeResultsFile('subscriptions', results);
    printReport(
      choice,
      created,
      creationRate,
      ledger,
      steadyDone,
      steadyUsage,
      burst,
      integrity,
      database_,
      results,
    );
    say(`written to ${file}; run time ${round((now() - started) / 1000, 0)} s`);
  } finally {
    await cleanup();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The local stack

function localStack(runDir: string): Stack {
  const read = (name: string) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(runDir, `${name}.json`), 'utf8')) as {
        pid: number;
        url?: string;
      };
    } catch {
      return undefined;
    }
  };
  const pids: Record<string, number> = {};
  for (const name of [
    'ingest',
    'projector-ccr',
    'projector-ohc',
    'sde-publisher',
    'subscriptions',
    'record-api',
    'schema-registry',
  ]) {
    const run = read(name);
    if (run) pids[name === 'subscriptions' ? "stack's subscriptions" : name] = run.pid;
  }
  const kafka = fs
    .readdirSync(runDir)
    .filter((f) => f.startsWith('kafka-') && f.endsWith('.json'))
    .map((f) => read(f.replace(/\.json$/, '')))
    .find(Boolean);
  if (kafka) pids.kafka = kafka.pid;
  return {
    ingestUrl: process.env.INGEST_URL ?? read('ingest')?.url ?? 'http://127.0.0.1:8082',
    projectorUrl: read('projector-ccr')?.url ?? 'http://127.0.0.1:8083',
    pids,
  };
}

async function metricsOf(url: string): Promise<{ name: string; labels: string; value: number }[]> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)/.exec(line);
      return match ? { name: match[1], labels: match[2] ?? '', value: Number(match[3]) } : undefined;
    })
    .filter((m): m is { name: string; labels: string; value: number } => m !== undefined);
}

/** Until the stack's CCR projector has no lag on any partition it reads, twice in a row. */
async function untilProjectorCaughtUp(projectorUrl: string, timeoutMs: number): Promise<void> {
  const deadline = now() + timeoutMs;
  let calm = 0;
  let last = -1;
  while (calm < 2) {
    const metrics = await metricsOf(projectorUrl);
    const lag = metrics.filter((m) => m.name === 'crosscare_consumer_lag').reduce((n, m) => n + m.value, 0);
    const events = metrics
      .filter((m) => m.name === 'crosscare_projector_events_total')
      .reduce((n, m) => n + m.value, 0);
    calm = lag === 0 && events === last ? calm + 1 : 0;
    last = events;
    if (now() > deadline) throw new Error(`the stack's CCR projector still lags ${lag} events`);
    if (calm < 2) await sleep(lag > 0 ? 2000 : 1000);
  }
}

async function untilOutboxEmpty(ingestUrl: string, timeoutMs: number): Promise<void> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const pending = (await metricsOf(ingestUrl)).find((m) => m.name === 'crosscare_ingest_outbox_pending');
    if (!pending || pending.value === 0) return;
    if (now() > deadline) throw new Error(`ingest's outbox still holds ${pending.value} events`);
    await sleep(250);
  }
}

/** Until the machine's busy share over two seconds is below a quarter (of every core), or the time is up. */
async function untilQuiet(timeoutMs: number, what: string): Promise<number> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const before = machineTicks();
    await sleep(2000);
    const after = machineTicks();
    const busy = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (busy < 0.25 || now() > deadline) {
      say(
        `  machine ${Math.round(busy * 100)}% busy before ${what}${busy >= 0.25 ? ' (gave up waiting)' : ''}`,
      );
      return busy;
    }
  }
}

function machineTicks(): { busy: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

// ---------------------------------------------------------------------------------------------------------------
// The region

async function ensureRegion(
  kafka: Kafka,
  serde: RecordChangeSerde,
  pool: Pool,
  directory: ProviderDirectory,
  patients: number,
): Promise<void> {
  const { rows } = await pool.query<{ nhs_number: string }>(`select nhs_number from ${READ_MODEL}.patient`);
  const present = new Set(rows.map((r) => r.nhs_number));
  const held = Array.from(
    { length: patients },
    (_, i) => patientNhsNumbers(REGION_FIRST_SERIAL, i).own,
  ).filter((n) => present.has(n)).length;
  say(
    `Region: ${count(held)} of its ${count(patients)} patients in ${READ_MODEL} already (patients of OHC practices ` +
      `may have no CCR events, so never are); sending the CCR events of the others`,
  );
  const producer = createRecordProducer(kafka);
  await producer.connect();
  // About fifty events a patient over the region's two years, of both collaboratives: the bar counts them all.
  const estimate = patients * 50;
  const bar = progressBar(`Region: generating, sending what ${READ_MODEL} lacks`, estimate);
  let sent = 0;
  let generated = 0;
  let batch = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
  let batched = 0;
  const inFlight = new Set<Promise<unknown>>();
  const flush = async () => {
    const messages = batch;
    batch = new Map();
    batched = 0;
    const send = Promise.all([...messages].map(([topic, m]) => producer.send({ topic, messages: m })));
    inFlight.add(send);
    void send.finally(() => inFlight.delete(send));
    if (inFlight.size >= 4) await Promise.race(inFlight);
  };
  try {
    for (const event of generateRegion({
      seed: REGION_SEED,
      patients,
      firstNhsSerial: REGION_FIRST_SERIAL,
      directory,
      correlationPrefix: 'bench-subscriptions',
    })) {
      const { header } = event;
      if (++generated % 5000 === 0) bar.update(Math.min(generated, estimate), `${count(sent)} sent`);
      if (header.collaborative !== 'CCR' || present.has(header.nhsNumber)) continue;
      const topic = recordChangeTopic(header.ics);
      const list = batch.get(topic) ?? [];
      list.push({
        key: header.nhsNumber,
        value: await serde.encode(header.eventType as EventType, event),
        headers: {
          'crosscare-event-type': header.eventType,
          'crosscare-event-id': header.eventId,
          'crosscare-correlation-id': header.correlationId,
        },
      });
      batch.set(topic, list);
      sent++;
      if (++batched >= 2000) await flush();
    }
    if (batched > 0) await flush();
    await Promise.all(inFlight);
  } finally {
    await producer.disconnect();
  }
  bar.update(estimate);
  bar.done(`${count(generated)} generated, ${count(sent)} CCR events sent`);
  if (sent > 0) say(`  waiting for the stack's CCR projector to project them`);
}

interface Choice {
  /** Patient subscriptions: NHS number → the practice that registers them. */
  readonly patients: { readonly nhsNumber: string; readonly practice: Provider }[];
  /** Practices following their registered list. */
  readonly practices: Provider[];
  /** Patients load is sent for: subscribed, and no sharing objection (their GP would not be told). */
  readonly loadPatients: string[];
  readonly examined: number;
}

/**
 * Patients of the region whose registered practice (by the read model, as the service decides) is an active GP
 * practice that may subscribe to them, in the region's order, until `needed`; and the `practices` practices with most
 * of them, which follow their registered lists.
 */
async function choosePatients(
  reader: ReadModelReader,
  directory: ProviderDirectory,
  regionPatients: number,
  needed: number,
  practices: number,
): Promise<Choice> {
  const chosen: Choice['patients'][number][] = [];
  const objecting = new Set<string>();
  const bar = progressBar(`Choosing ${count(needed)} registered patients from ${READ_MODEL}`, needed);
  let index = 0;
  while (chosen.length < needed && index < regionPatients) {
    const numbers = Array.from(
      { length: Math.min(64, regionPatients - index) },
      (_, i) => patientNhsNumbers(REGION_FIRST_SERIAL, index + i).own,
    );
    index += numbers.length;
    const found = await mapLimit(numbers, 8, async (nhsNumber) => {
      const set = await reader.loadPatient(nhsNumber);
      if (set.records.length === 0 || set.mergedInto !== null) return undefined;
      const evidence = relationshipEvidence(set.records, Date.now());
      const practice = evidence.registeredGpOdsCode
        ? directory.provider(evidence.registeredGpOdsCode)
        : undefined;
      if (practice?.status !== 'ACTIVE' || practice.type !== 'GP_PRACTICE') return undefined;
      if (legitimateRelationship(practice.odsCode, evidence) === null) return undefined;
      if (activeSharingObjection(set.records) !== null) objecting.add(nhsNumber);
      return { nhsNumber, practice };
    });
    for (const f of found) if (f && chosen.length < needed) chosen.push(f);
    bar.update(chosen.length);
  }
  bar.done(`${count(index)} patients examined`);
  if (chosen.length < needed)
    throw new Error(
      `only ${chosen.length} of the ${count(regionPatients)} region patients qualify; raise --region-patients`,
    );
  const byPractice = new Map<string, { practice: Provider; n: number }>();
  for (const { practice } of chosen) {
    const entry = byPractice.get(practice.odsCode) ?? { practice, n: 0 };
    entry.n++;
    byPractice.set(practice.odsCode, entry);
  }
  const ranked = [...byPractice.values()].sort(
    (a, b) => b.n - a.n || a.practice.odsCode.localeCompare(b.practice.odsCode),
  );
  if (practices > ranked.length)
    throw new Error(
      `--practice-subscriptions ${practices}: the patients are registered at ${ranked.length} practices`,
    );
  return {
    patients: chosen,
    practices: ranked.slice(0, practices).map((r) => r.practice),
    loadPatients: chosen.filter((c) => !objecting.has(c.nhsNumber)).map((c) => c.nhsNumber),
    examined: index,
  };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const at = next++;
        out[at] = await fn(items[at]);
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Kafka offsets and the ceiling

type Offsets = Map<string, Map<number, bigint>>;

async function endOffsets(admin: Admin, topics: readonly string[]): Promise<Offsets> {
  const out: Offsets = new Map();
  for (const topic of topics)
    out.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)])));
  return out;
}

async function setGroupOffsets(admin: Admin, groupId: string, offsets: Offsets): Promise<void> {
  for (const [topic, partitions] of offsets)
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [...partitions].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
    });
}

/**
 * The ceiling: a consumer group of its own, started at `from`, decoding every record change up to `to` with a no-op
 * handler. Done when every partition's consumed position (control records included) reaches `to`.
 */
async function consumeAndDecodeRange(
  kafka: Kafka,
  admin: Admin,
  serde: RecordChangeSerde,
  topics: readonly string[],
  groupId: string,
  from: Offsets,
  to: Offsets,
  partitionsConsumedConcurrently: number,
): Promise<{ events: number; seconds: number; rate: number }> {
  await setGroupOffsets(admin, groupId, from);
  const remaining = new Set<string>();
  let expected = 0;
  for (const [topic, partitions] of to)
    for (const [partition, end] of partitions) {
      const start = from.get(topic)?.get(partition) ?? 0n;
      if (end > start) {
        remaining.add(`${topic}/${partition}`);
        expected += Number(end - start);
      }
    }
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, readUncommitted: false });
  let decoded = 0;
  let first = 0;
  let last = 0;
  const bar = progressBar('Ceiling (consume + decode, no-op handler)', expected);
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  if (remaining.size === 0) finish();
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const end = to.get(payload.topic)?.get(payload.partition);
    if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) {
      remaining.delete(`${payload.topic}/${payload.partition}`);
      if (remaining.size === 0) {
        last = now();
        finish();
      }
    }
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: false });
  await consumer.run({
    partitionsConsumedConcurrently,
    eachBatch: async ({ batch }) => {
      first ||= now();
      for (const message of batch.messages) if (message.value) await serde.decode(message.value);
      decoded += batch.messages.length;
      bar.update(decoded);
    },
  });
  await finished;
  const seconds = Math.max(0.001, (last - first) / 1000);
  const rate = decoded / seconds;
  bar.done(`${count(decoded)} events decoded, ${round(rate)} events/s`);
  await consumer.disconnect();
  return { events: decoded, seconds, rate };
}

// ---------------------------------------------------------------------------------------------------------------
// The service under bench

class ServiceUnderBench {
  services: SubscriptionsServices | undefined;
  private app: INestApplication | undefined;

  constructor(readonly config: SubscriptionsConfig) {}

  get url(): string {
    return `http://127.0.0.1:${this.config.port}`;
  }

  /** When the service's consumer began its first batch since start() (kafkajs' instrumentation), else 0. */
  firstBatchAt = 0;

  async start(): Promise<void> {
    this.firstBatchAt = 0;
    this.services = await SubscriptionsServices.start(this.config);
    // The consumer is private to the service; its kafkajs instrumentation says when fetching turned into work. Joining
    // the group takes longer than this line, so no batch has begun yet (checked below).
    const consumer = (this.services.consumer as unknown as { consumer: Consumer }).consumer;
    consumer.on(consumer.events.START_BATCH_PROCESS, () => {
      this.firstBatchAt ||= now();
    });
    if ((await this.consumed()) > 0) say('  warning: the service consumed before its first batch was timed');
    this.app = await createSubscriptionsApp(this.services);
    await this.app.listen(this.config.port, '127.0.0.1');
  }

  /** Closes its HTTP face, then stops consuming and delivering (what is in flight finishes). */
  async stop(): Promise<void> {
    const [app, services] = [this.app, this.services];
    this.app = undefined;
    this.services = undefined;
    await app?.close();
    await services?.stop();
  }

  async consumed(): Promise<number> {
    if (!this.services) return 0;
    const metric = await this.services.metrics.recordChanges.get();
    return metric.values.reduce((n, v) => n + v.value, 0);
  }

  async request(method: string, route: string, token: string, body?: unknown) {
    const response = await fetch(`${this.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text };
  }

  /** What the store says at the end: statuses, events numbered and delivered. */
  async stateSummary(): Promise<{
    statuses: Record<string, number>;
    numbered: number;
    undelivered: number;
    indexRows: number;
  }> {
    const db = this.services?.db;
    if (!db) return { statuses: {}, numbered: 0, undelivered: 0, indexRows: 0 };
    const statuses = await db.query<{ status: string; n: string }[]>(
      `select status, count(*) as n from subscriptions group by status`,
    );
    const [totals] = await db.query<{ numbered: string; undelivered: string }[]>(
      `select coalesce(sum(events_since_start), 0) as numbered,
              coalesce(sum(events_since_start - delivered_through), 0) as undelivered from subscriptions`,
    );
    const [events] = await db.query<{ n: string }[]>(`select count(*) as n from subscription_events`);
    return {
      statuses: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
      numbered: Number(totals.numbered),
      undelivered: Number(totals.undelivered),
      indexRows: Number(events.n),
    };
  }
}

/** Subscriber systems' tokens, one per practice, minted again before they expire. */
class Tokens {
  private readonly minted = new Map<string, { token: string; at: number }>();

  constructor(private readonly issuer: TestIssuer) {}

  of(odsCode: string): string {
    const known = this.minted.get(odsCode);
    if (known && now() - known.at < 300_000) return known.token;
    const token = this.issuer.token(
      {
        org: odsCode,
        role: 'clinician',
        sub: `system-${odsCode.toLowerCase()}`,
        name: `${odsCode} clinical system`,
      },
      { lifetimeSeconds: 600 },
    );
    this.minted.set(odsCode, { token, at: now() });
    return token;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Subscriptions

interface Created {
  readonly id: string;
  readonly owner: string;
  readonly kind: 'patient' | 'practice';
  /** The NHS number (patient) or the practice's ODS code (practice). */
  readonly key: string;
}

function subscriptionResource(
  topic: string,
  filter: string,
  endpoint: string,
  secret: string,
  payload: string,
) {
  return {
    resourceType: 'Subscription',
    meta: { profile: [`${BACKPORT}/backport-subscription`] },
    status: 'requested',
    reason: 'bench:subscriptions',
    criteria: TOPIC_URL(topic),
    _criteria: { extension: [{ url: `${BACKPORT}/backport-filter-criteria`, valueString: filter }] },
    channel: {
      type: 'rest-hook',
      endpoint,
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: payload }] },
      header: [`Authorization: Bearer ${secret}`],
    },
  };
}

async function createSubscriptions(
  service: ServiceUnderBench,
  tokens: Tokens,
  receivers: Receivers,
  choice: Choice,
  opts: Options,
): Promise<{ created: Created[]; rate: number }> {
  const wanted = [
    ...choice.practices.map((p) => ({
      kind: 'practice' as const,
      owner: p.odsCode,
      key: p.odsCode,
      topic: 'encounter-started',
      filter: `Encounter?registered-with=${p.odsCode}`,
    })),
    ...choice.patients.map((p) => ({
      kind: 'patient' as const,
      owner: p.practice.odsCode,
      key: p.nhsNumber,
      topic: 'patient-record-changed',
      filter: `Patient?patient=${NHS_NUMBER_SYSTEM}|${p.nhsNumber}`,
    })),
  ];
  const bar = progressBar('Creating subscriptions (POST /fhir/Subscription)', wanted.length);
  let done = 0;
  const started = now();
  const created = await mapLimit(
    wanted.map((w, index) => ({ ...w, index })),
    API_CONCURRENCY,
    async (w) => {
      const { index } = w;
      const answer = await service.request(
        'POST',
        '/fhir/Subscription',
        tokens.of(w.owner),
        subscriptionResource(
          w.topic,
          w.filter,
          receivers.urls[index % receivers.urls.length],
          `bench-secret-${index}`,
          opts.payload,
        ),
      );
      if (answer.status !== 201)
        throw new Error(
          `creating a ${w.kind} subscription for ${w.key}: ${answer.status} ${answer.text.slice(0, 300)}`,
        );
      bar.update(++done);
      return { id: (JSON.parse(answer.text) as { id: string }).id, owner: w.owner, kind: w.kind, key: w.key };
    },
  );
  const seconds = (now() - started) / 1000;
  bar.done(`${round(created.length / seconds)} subscriptions/s`);
  return { created, rate: created.length / seconds };
}

async function untilHandshaken(
  service: ServiceUnderBench,
  receivers: Receivers,
  total: number,
): Promise<void> {
  const bar = progressBar('Handshakes received, subscriptions active', total);
  const deadline = now() + 600_000;
  for (;;) {
    const [row] = await service.services!.db.query<{ n: string }[]>(
      `select count(*) as n from subscriptions where status = 'active'`,
    );
    const active = Number(row.n);
    bar.update(active, `${count(receivers.handshakes)} handshakes`);
    if (active >= total) break;
    if (now() > deadline) throw new Error(`only ${active} of ${total} subscriptions active after 10 minutes`);
    await sleep(500);
  }
  bar.done();
}

async function deleteSubscriptions(service: ServiceUnderBench, tokens: Tokens, created: readonly Created[]) {
  if (!service.services) await service.start();
  const bar = progressBar('Deleting the subscriptions (DELETE /fhir/Subscription/{id})', created.length);
  let done = 0;
  let failed = 0;
  await mapLimit(created, API_CONCURRENCY, async (c) => {
    const answer = await service.request('DELETE', `/fhir/Subscription/${c.id}`, tokens.of(c.owner));
    if (answer.status !== 204) failed++;
    bar.update(++done);
  });
  bar.done(failed > 0 ? `${failed} refused` : undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// Load through ingest

type Phase = 'warm-up' | 'steady' | 'burst';

class Sender {
  private next = 0;
  private readonly stamp = Date.now().toString(36);
  refused = 0;

  private constructor(
    private readonly db: DataSource,
    private readonly ingestUrl: string,
    private readonly trusts: readonly Provider[],
    private readonly keys: Map<string, { keyId: string; token: string }>,
  ) {}

  /** API keys for the trusts in the stack's ingest (its ledger schema), deleted by close(). */
  static async start(databaseUrl: string, ingestUrl: string, trusts: readonly Provider[]): Promise<Sender> {
    const db = new DataSource({
      type: 'postgres',
      url: databaseUrl,
      entities: [],
      extra: { max: 1, options: '-c search_path=ingest' },
      applicationName: 'crosscare-bench-subscriptions',
    });
    await db.initialize();
    const store = new CredentialStore(db);
    const keys = new Map<string, { keyId: string; token: string }>();
    for (const trust of trusts) {
      const issued = await store.issue(trust.odsCode, 'bench:subscriptions');
      keys.set(trust.odsCode, { keyId: issued.keyId, token: issued.token });
    }
    return new Sender(db, ingestUrl, trusts, keys);
  }

  async close(): Promise<void> {
    await this.db.query(`delete from provider_credentials where key_id = any($1)`, [
      [...this.keys.values()].map((k) => k.keyId),
    ]);
    await this.db.destroy();
  }

  /** An admission of the patient by the next trust: the Encounter, its focus id. */
  private admission(nhsNumber: string, trust: Provider): { encounter: object; focusId: string; id: string } {
    const id = `bench-${this.stamp}-${this.next++}`;
    const at = new Date().toISOString();
    const fixture = fhirFixtures.acuteAdmission(nhsNumber);
    const encounter = {
      ...fixture,
      id,
      meta: { ...fixture.meta, versionId: '1', lastUpdated: at },
      identifier: [{ system: 'https://fhir.crosscare.nhs.uk/Id/bench-spell', value: id }],
      period: { start: at },
      location: undefined,
      serviceProvider: { identifier: { system: ODS_SYSTEM, value: trust.odsCode } },
    };
    return { encounter, id, focusId: itemResourceId(trust.odsCode, `Encounter/${id}`, 'Encounter') };
  }

  private async send(trust: Provider, route: string, method: string, body: object, correlationId: string) {
    const post = () =>
      fetch(`${this.ingestUrl}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${this.keys.get(trust.odsCode)!.token}`,
          'content-type': 'application/fhir+json',
          'x-correlation-id': correlationId,
        },
        body: JSON.stringify(body),
      });
    // A kept-alive connection the server has just closed fails before the request is sent: send once more.
    const response = await post().catch(() => post());
    const text = await response.text();
    return { status: response.status, text, at: now() };
  }

  /** `events` admissions at `rate` a second, each its own PUT; resolves when every one is answered. */
  async steady(
    events: number,
    rate: number,
    pick: () => string,
    ledger: Ledger,
    phase: Phase,
  ): Promise<number> {
    if (rate / this.trusts.length > PROVIDER_REQUESTS_PER_SECOND)
      throw new Error(
        `--rate ${rate}: ${this.trusts.length} trusts may send at most ${this.trusts.length * PROVIDER_REQUESTS_PER_SECOND} requests/s under ingest's limit`,
      );
    const bar = phase === 'warm-up' ? undefined : progressBar(`Sending (${phase}, ${rate}/s)`, events);
    const started = now();
    const pending = new Set<Promise<void>>();
    let answered = 0;
    for (let i = 0; i < events; i++) {
      const due = started + (i * 1000) / rate;
      if (due > now()) await sleep(due - now());
      const nhsNumber = pick();
      const trust = this.trusts[i % this.trusts.length];
      const { encounter, focusId, id } = this.admission(nhsNumber, trust);
      ledger.expect(phase, focusId, nhsNumber, id);
      const sent = this.send(trust, `/fhir/Encounter/${id}`, 'PUT', encounter, id).then(
        (answer) => {
          if (answer.status === 202 || answer.status === 200 || answer.status === 201)
            ledger.accepted(focusId, answer.at);
          else {
            ledger.refused(focusId);
            if (this.refused++ < 5) say(`  ingest answered ${answer.status}: ${answer.text.slice(0, 300)}`);
          }
          bar?.update(++answered, `${ledger.pendingCount(phase)} deliveries outstanding`);
        },
        (error: unknown) => {
          ledger.refused(focusId);
          if (this.refused++ < 5) say(`  ingest refused: ${errorMessage(error)}`);
        },
      );
      pending.add(sent);
      void sent.finally(() => pending.delete(sent));
    }
    await Promise.all(pending);
    bar?.done(`${round(events / ((now() - started) / 1000))} admissions/s offered`);
    return events;
  }

  /** `events` admissions in batch Bundles, a few in flight, as fast as ingest takes them. */
  async burst(events: number, pick: () => string, ledger: Ledger): Promise<number> {
    const bar = progressBar('Sending the burst (batch Bundles)', events);
    let done = 0;
    const bundles = Math.ceil(events / BURST_BUNDLE_ENTRIES);
    await mapLimit(
      Array.from({ length: bundles }, (_, i) => i),
      4,
      async (b) => {
        const size = Math.min(BURST_BUNDLE_ENTRIES, events - b * BURST_BUNDLE_ENTRIES);
        // One sender per Bundle, the trusts in turn.
        const trust = this.trusts[b % this.trusts.length];
        const entries = Array.from({ length: size }, () => {
          const nhsNumber = pick();
          return { nhsNumber, ...this.admission(nhsNumber, trust) };
        });
        const body = {
          resourceType: 'Bundle',
          type: 'batch',
          entry: entries.map((e) => ({
            resource: e.encounter,
            request: { method: 'PUT', url: `Encounter/${e.id}` },
          })),
        };
        for (const e of entries) ledger.expect('burst', e.focusId, e.nhsNumber);
        const answer = await this.send(trust, '/fhir', 'POST', body, `bench-burst-${this.stamp}-${b}`);
        const statuses = answer.status < 300 ? entryStatuses(answer.text) : [];
        entries.forEach(({ focusId }, i) => {
          const status = statuses[i] ?? String(answer.status);
          if (/^20[012]/.test(status)) ledger.accepted(focusId, answer.at);
          else {
            ledger.refused(focusId);
            if (this.refused++ < 5)
              say(`  ingest answered ${status} to a burst entry: ${answer.text.slice(0, 300)}`);
          }
        });
        done += size;
        bar.update(done);
      },
    );
    bar.done();
    return events;
  }
}

function entryStatuses(text: string): string[] {
  try {
    const bundle = JSON.parse(text) as { entry?: { response?: { status?: string } }[] };
    return (bundle.entry ?? []).map((e) => e.response?.status ?? '');
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What the receivers got, matched to what was sent

interface Expected {
  readonly phase: Phase;
  /** The subscriptions still to hear of it (each removed as its notification arrives), of `fanOut` at first. */
  readonly subscriptions: Set<string>;
  readonly fanOut: number;
  acceptedAt?: number;
  publishedAt?: number;
  refused?: boolean;
}

class Ledger {
  private readonly byFocus = new Map<string, Expected>();
  private readonly byCorrelation = new Map<string, string>();
  /** Per phase: 202 → on the ICS topic (the relay's send time), ms, one per event; topic → webhook, one per delivery. */
  readonly toTopic = new Map<Phase, number[]>();
  readonly fromTopic = new Map<Phase, number[]>();
  private readonly patientSubscription = new Map<string, string>();
  private readonly practiceSubscription = new Map<string, string>();
  private readonly practiceOf = new Map<string, string>();
  /** Per phase: 202 → webhook, ms, one per (event, subscription) delivery. */
  readonly latencies = new Map<Phase, number[]>();
  readonly receipts = new Map<Phase, number[]>();
  private readonly pending = new Map<Phase, number>();
  /** Per subscription: the last event number received, and every number seen. */
  private readonly sequence = new Map<string, { last: number; seen: Set<number> }>();
  gaps: string[] = [];
  outOfOrder: string[] = [];
  repeats = 0;
  unexpected = 0;
  eventsReceived = 0;
  missingAuthorization = 0;

  constructor(
    readonly receivers: Receivers,
    created: readonly Created[],
  ) {
    for (const c of created)
      if (c.kind === 'patient') {
        this.patientSubscription.set(c.key, c.id);
        this.practiceOf.set(c.key, c.owner);
      } else this.practiceSubscription.set(c.key, c.id);
    receivers.onReceipts = (batch) => this.receive(batch);
  }

  expect(phase: Phase, focusId: string, nhsNumber: string, correlationId?: string): void {
    if (correlationId) this.byCorrelation.set(correlationId, focusId);
    const subscriptions = new Set<string>();
    const own = this.patientSubscription.get(nhsNumber);
    if (own) subscriptions.add(own);
    const practice = this.practiceSubscription.get(this.practiceOf.get(nhsNumber) ?? '');
    if (practice) subscriptions.add(practice);
    this.byFocus.set(focusId, { phase, subscriptions, fanOut: subscriptions.size });
    this.pending.set(phase, (this.pending.get(phase) ?? 0) + subscriptions.size);
  }

  /** The tracer saw the event on its topic, sent by ingest's relay at `at` (the message's timestamp). */
  published(correlationId: string, at: number): void {
    const expected = this.byFocus.get(this.byCorrelation.get(correlationId) ?? '');
    if (!expected || expected.publishedAt !== undefined) return;
    expected.publishedAt = at;
    if (expected.acceptedAt !== undefined) push(this.toTopic, expected.phase, at - expected.acceptedAt);
  }

  accepted(focusId: string, at: number): void {
    const expected = this.byFocus.get(focusId);
    if (expected) expected.acceptedAt = at;
  }

  refused(focusId: string): void {
    const expected = this.byFocus.get(focusId);
    if (!expected || expected.refused) return;
    expected.refused = true;
    this.pending.set(expected.phase, (this.pending.get(expected.phase) ?? 0) - expected.subscriptions.size);
  }

  pendingCount(phase: Phase): number {
    return this.pending.get(phase) ?? 0;
  }

  /** How many (event, subscription) deliveries a phase expects: fan-out × events accepted. */
  expectedCount(phase: Phase): { events: number; deliveries: number } {
    let events = 0;
    let deliveries = 0;
    for (const e of this.byFocus.values())
      if (e.phase === phase && !e.refused) {
        events++;
        deliveries += e.fanOut;
      }
    return { events, deliveries };
  }

  private receive(batch: readonly Receipt[]): void {
    for (const [subscriptionId, eventNumber, focusId, at, authorized] of batch) {
      if (eventNumber === 0) continue; // handshake or heartbeat
      this.eventsReceived++;
      if (!authorized) this.missingAuthorization++;
      const state = this.sequence.get(subscriptionId) ?? { last: 0, seen: new Set<number>() };
      if (state.seen.has(eventNumber)) this.repeats++;
      else if (eventNumber > state.last + 1) {
        if (this.gaps.length < 20) this.gaps.push(`${subscriptionId}: ${state.last} → ${eventNumber}`);
        else this.gaps.push('');
      } else if (eventNumber < state.last) {
        if (this.outOfOrder.length < 20)
          this.outOfOrder.push(`${subscriptionId}: ${eventNumber} after ${state.last}`);
        else this.outOfOrder.push('');
      }
      state.seen.add(eventNumber);
      state.last = Math.max(state.last, eventNumber);
      this.sequence.set(subscriptionId, state);
      const expected = this.byFocus.get(focusId);
      if (!expected || !expected.subscriptions.delete(subscriptionId)) {
        this.unexpected++;
        continue;
      }
      this.pending.set(expected.phase, (this.pending.get(expected.phase) ?? 0) - 1);
      const receipts = this.receipts.get(expected.phase) ?? [];
      receipts.push(at);
      this.receipts.set(expected.phase, receipts);
      if (expected.acceptedAt !== undefined) push(this.latencies, expected.phase, at - expected.acceptedAt);
      if (expected.publishedAt !== undefined) push(this.fromTopic, expected.phase, at - expected.publishedAt);
    }
  }

  /** Waits until every delivery the phase expects has arrived (or the time is up), showing progress. */
  async settle(phase: Phase, timeoutMs: number): Promise<SteadyFigures> {
    const { events, deliveries } = this.expectedCount(phase);
    const bar = phase === 'warm-up' ? undefined : progressBar(`Deliveries (${phase})`, deliveries);
    const deadline = now() + timeoutMs;
    while (this.pendingCount(phase) > 0 && now() < deadline) {
      bar?.update(deliveries - this.pendingCount(phase));
      await sleep(100);
    }
    bar?.done(this.pendingCount(phase) > 0 ? `${this.pendingCount(phase)} never arrived` : undefined);
    const accepted = [...this.byFocus.values()]
      .filter((e) => e.phase === phase && e.acceptedAt !== undefined)
      .map((e) => e.acceptedAt!);
    const receipts = this.receipts.get(phase) ?? [];
    const firstAccepted = Math.min(...accepted);
    const lastAccepted = Math.max(...accepted);
    const lastReceipt = receipts.length > 0 ? Math.max(...receipts) : NaN;
    return {
      events,
      deliveries,
      received: receipts.length,
      missing: this.pendingCount(phase),
      offeredRate: (events / Math.max(1, lastAccepted - firstAccepted)) * 1000,
      deliveredRate: (receipts.length / Math.max(1, lastReceipt - firstAccepted)) * 1000,
      tailMs: lastReceipt - lastAccepted,
      latencies: sorted(this.latencies.get(phase)),
      toTopic: sorted(this.toTopic.get(phase)),
      fromTopic: sorted(this.fromTopic.get(phase)),
    };
  }

  /** The burst drained by the restarted service: from its first consumed batch to the last delivery. */
  async drain(service: ServiceUnderBench, timeoutMs: number): Promise<DrainFigures> {
    const { events, deliveries } = this.expectedCount('burst');
    const bar = progressBar('Draining the burst (the service started again)', deliveries);
    const deadline = now() + timeoutMs;
    let consumed = 0;
    while (!service.firstBatchAt && now() < deadline) await sleep(10);
    const started = service.firstBatchAt;
    let allConsumedAt = 0;
    while (this.pendingCount('burst') > 0 && now() < deadline) {
      consumed = await service.consumed();
      if (!allConsumedAt && consumed >= events) allConsumedAt = now();
      bar.update(deliveries - this.pendingCount('burst'), `${count(consumed)} record changes consumed`);
      await sleep(50);
    }
    consumed = await service.consumed();
    if (!allConsumedAt) allConsumedAt = now();
    const receipts = this.receipts.get('burst') ?? [];
    const end = receipts.length > 0 ? Math.max(...receipts) : now();
    const seconds = Math.max(0.001, (end - started) / 1000);
    bar.done(
      `${round(receipts.length / seconds)} events delivered/s${this.pendingCount('burst') > 0 ? `; ${this.pendingCount('burst')} never arrived` : ''}`,
    );
    return {
      events,
      deliveries,
      received: receipts.length,
      missing: this.pendingCount('burst'),
      consumed,
      seconds,
      consumeSeconds: Math.max(0.001, (allConsumedAt - started) / 1000),
      deliveredRate: receipts.length / seconds,
      eventRate: events / seconds,
    };
  }

  integrity(): Integrity {
    // Every subscription's numbers must be 1..n with none missing, whatever order they came in.
    let holes = 0;
    for (const state of this.sequence.values())
      for (let n = 1; n <= state.last; n++) if (!state.seen.has(n)) holes++;
    return {
      gaps: this.gaps.length,
      gapExamples: this.gaps.filter(Boolean),
      outOfOrder: this.outOfOrder.length,
      outOfOrderExamples: this.outOfOrder.filter(Boolean),
      holes,
      repeats: this.repeats,
      unexpected: this.unexpected,
      missingAuthorization: this.missingAuthorization,
      eventsReceived: this.eventsReceived,
      subscriptionsNotified: this.sequence.size,
    };
  }
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const sorted = (values: readonly number[] | undefined) => [...(values ?? [])].sort((a, b) => a - b);

interface SteadyFigures {
  readonly events: number;
  readonly deliveries: number;
  readonly received: number;
  readonly missing: number;
  readonly offeredRate: number;
  readonly deliveredRate: number;
  /** From the last 202 to the last delivery. */
  readonly tailMs: number;
  readonly latencies: number[];
  /** 202 → on the topic (ingest and its relay), one per event the tracer saw. */
  readonly toTopic: number[];
  /** On the topic → webhook (the subscription service), one per delivery. */
  readonly fromTopic: number[];
}

interface DrainFigures {
  readonly events: number;
  readonly deliveries: number;
  readonly received: number;
  readonly missing: number;
  readonly consumed: number;
  readonly seconds: number;
  /** From the first consumed batch until every burst event was consumed (matched and numbered). */
  readonly consumeSeconds: number;
  readonly deliveredRate: number;
  readonly eventRate: number;
}

interface BurstFigures {
  readonly sent: number;
  readonly quiet: number;
  readonly drain: DrainFigures;
  readonly drainUsage: CpuUsage;
  /** The median round's rate, and every round's. */
  readonly ceiling: { events: number; seconds: number; rate: number; rates: number[] };
  /** The service's busiest statements during the drain: average backends busy with each. */
  readonly postgres: [string, number][];
  /** Index and sequential scans of the bench's store and the read model during the drain. */
  readonly scans: string[];
}

interface Integrity {
  readonly gaps: number;
  readonly gapExamples: string[];
  readonly outOfOrder: number;
  readonly outOfOrderExamples: string[];
  readonly holes: number;
  readonly repeats: number;
  readonly unexpected: number;
  readonly missingAuthorization: number;
  readonly eventsReceived: number;
  readonly subscriptionsNotified: number;
  /** Reads of notification content from Kafka (the service's event cache missed): a consumer group each. */
  readonly readerGroups?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Webhook receivers, in a child process

/** [subscription id, event number (0: handshake or heartbeat), focus id, received at, authorised]. */
type Receipt = [string, number, string, number, boolean];

/** Reads the ICS topics from their end, noting when each of the bench's events arrived (the relay's send time). */
class Tracer {
  private constructor(private readonly consumer: Consumer) {}

  static async start(
    kafka: Kafka,
    admin: Admin,
    topics: readonly string[],
    groupId: string,
    ledger: Ledger,
  ): Promise<Tracer> {
    await setGroupOffsets(admin, groupId, await endOffsets(admin, topics));
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, readUncommitted: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: false });
    await consumer.run({
      partitionsConsumedConcurrently: topics.length,
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) {
          const header = message.headers?.['crosscare-correlation-id'];
          if (header) ledger.published(header.toString(), Number(message.timestamp));
        }
        return Promise.resolve();
      },
    });
    await joined;
    return new Tracer(consumer);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

class Receivers {
  onReceipts: (batch: readonly Receipt[]) => void = () => undefined;
  handshakes = 0;
  posts = 0;
  bytes = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly urls: readonly string[],
  ) {
    child.on('message', (message: ReceiverMessage) => {
      if (message.type !== 'receipts') return;
      this.handshakes += message.handshakes;
      this.posts += message.posts;
      this.bytes += message.bytes;
      if (message.receipts.length > 0) this.onReceipts(message.receipts);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(servers: number): Promise<Receivers> {
    const child = fork(__filename, [], {
      env: { ...process.env, [RECEIVERS_ENV]: String(servers) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ports = await new Promise<number[]>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the receivers' process exited (${code})`)));
      child.on('message', (message: ReceiverMessage) => {
        if (message.type === 'ready') resolve(message.ports);
      });
    });
    child.removeAllListeners('exit');
    say(`  ${ports.length} webhook receivers on 127.0.0.1:${ports.join(', ')} (pid ${child.pid})`);
    return new Receivers(
      child,
      ports.map((port) => `http://127.0.0.1:${port}/notifications`),
    );
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}

type ReceiverMessage =
  | { type: 'ready'; ports: number[] }
  | { type: 'receipts'; receipts: Receipt[]; handshakes: number; posts: number; bytes: number };

/** The receivers' process: HTTP servers answering 200, reporting every notification to the parent. */
async function runReceivers(servers: number): Promise<void> {
  let pending: Receipt[] = [];
  let handshakes = 0;
  let posts = 0;
  let bytes = 0;
  const flush = () => {
    if (pending.length === 0 && handshakes === 0 && posts === 0) return;
    process.send?.({
      type: 'receipts',
      receipts: pending,
      handshakes,
      posts,
      bytes,
    } satisfies ReceiverMessage);
    pending = [];
    handshakes = 0;
    posts = 0;
    bytes = 0;
  };
  setInterval(flush, 50);
  const handle = (body: string, authorization: string | undefined) => {
    const at = now();
    posts++;
    bytes += body.length;
    const bundle = JSON.parse(body) as {
      entry: {
        resource?: {
          parameter?: {
            name: string;
            valueCode?: string;
            valueReference?: { reference?: string };
            part?: { name: string; valueString?: string; valueReference?: { reference?: string } }[];
          }[];
        };
      }[];
    };
    const parameters = bundle.entry[0]?.resource?.parameter ?? [];
    const subscription = lastSegment(
      parameters.find((p) => p.name === 'subscription')?.valueReference?.reference,
    );
    const type = parameters.find((p) => p.name === 'type')?.valueCode;
    const authorized = authorization?.startsWith('Bearer bench-secret-') ?? false;
    if (type !== 'event-notification') {
      if (type === 'handshake') handshakes++;
      return;
    }
    for (const p of parameters) {
      if (p.name !== 'notification-event') continue;
      const n = Number(p.part?.find((part) => part.name === 'event-number')?.valueString);
      const focus = lastSegment(p.part?.find((part) => part.name === 'focus')?.valueReference?.reference);
      pending.push([subscription, n, focus, at, authorized]);
    }
  };
  const started: Server[] = [];
  for (let i = 0; i < servers; i++) {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          handle(Buffer.concat(chunks).toString('utf8'), req.headers.authorization);
        } catch (error) {
          process.stderr.write(`  receiver: a notification that does not parse: ${errorMessage(error)}\n`);
        }
        res.statusCode = 200;
        res.end();
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    started.push(server);
  }
  process.send?.({
    type: 'ready',
    ports: started.map((s) => (s.address() as AddressInfo).port),
  } satisfies ReceiverMessage);
  process.on('SIGTERM', () => {
    flush();
    for (const server of started) server.closeAllConnections();
    process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
}

const lastSegment = (reference: string | undefined) => reference?.slice(reference.lastIndexOf('/') + 1) ?? '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------------------------------------------
// CPU by process

type CpuUsage = { wallMs: number; byProcess: Record<string, number>; machineBusy: number };

class CpuMeter {
  constructor(
    private readonly stackPids: Record<string, number>,
    private readonly receiversPid: number | undefined,
  ) {}

  snapshot(): { at: number; byProcess: Record<string, number>; machine: { busy: number; total: number } } {
    const byProcess: Record<string, number> = {
      "this process (the bench's service, the sender)": cpuMillis(process.pid) ?? 0,
    };
    if (this.receiversPid) byProcess['webhook receivers'] = cpuMillis(this.receiversPid) ?? 0;
    for (const [name, pid] of Object.entries(this.stackPids)) {
      const ms = cpuMillis(pid);
      if (ms !== undefined) byProcess[name] = ms;
    }
    byProcess.postgres = postgresCpuMillis();
    return { at: now(), byProcess, machine: machineTicks() };
  }

  since(before: ReturnType<CpuMeter['snapshot']>): CpuUsage {
    const after = this.snapshot();
    const byProcess: Record<string, number> = {};
    for (const [name, ms] of Object.entries(after.byProcess))
      byProcess[name] = Math.max(0, ms - (before.byProcess[name] ?? 0));
    return {
      wallMs: after.at - before.at,
      byProcess,
      machineBusy:
        (after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total),
    };
  }
}

/** Every postgres process's CPU (the server and its backends), from /proc; backends that ended meanwhile are lost. */
function postgresCpuMillis(): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    total += cpuMillis(Number(entry)) ?? 0;
  }
  return total;
}

/**
 * What the subscription service's Postgres backends are doing, sampled from pg_stat_activity every 50 ms (application
 * names crosscare-subscriptions*: the stack's own subscription service has the same names, and is idle meanwhile).
 */
class PostgresSampler {
  private samples = 0;
  private readonly counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pool: Pool) {}

  start(): void {
    const tick = () => {
      void this.pool
        .query<{ what: string }>(
          `select application_name || ': ' || case when state = 'active'
             then coalesce(wait_event_type || '/' || wait_event || ' ', '') ||
               left(regexp_replace(query, '\\s+', ' ', 'g'), 110)
             else '(idle in transaction: the client works inside its transaction)' end as what
           from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid()
             and application_name like 'crosscare-subscriptions%'
             and state in ('active', 'idle in transaction')`,
        )
        .then((r) => {
          this.samples++;
          for (const { what } of r.rows) this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
        })
        .catch(() => undefined)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, 50);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  top(n: number): [string, number][] {
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([what, c]) => [what, c / Math.max(1, this.samples)]);
  }
}

/** A CPU profile of this process (inspector), written as a .cpuprofile and summarised by self time. */
class CpuProfiler {
  private constructor(private readonly session: Session) {}

  static async start(): Promise<CpuProfiler> {
    const session = new Session();
    session.connect();
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: 500 });
    await post(session, 'Profiler.start');
    return new CpuProfiler(session);
  }

  async stop(file: string): Promise<void> {
    const { profile } = (await post(this.session, 'Profiler.stop')) as { profile: CpuProfile };
    this.session.disconnect();
    fs.writeFileSync(file, JSON.stringify(profile));
    const total = profile.samples.length;
    const self = new Map<string, number>();
    const byFile = new Map<string, number>();
    const hits = new Map<number, number>();
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
    for (const node of profile.nodes) {
      const n = hits.get(node.id) ?? 0;
      if (n === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
      const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + n);
      const area = where === '' ? `(${functionName})` : areaOf(where);
      byFile.set(area, (byFile.get(area) ?? 0) + n);
    }
    const share = (n: number) => `${((100 * n) / Math.max(1, total)).toFixed(1)}%`;
    say(`  CPU profile of this process during the drain: ${file} (${total} samples)`);
    say(`  by area (self time):`);
    for (const [area, n] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 15))
      say(`    ${share(n)}  ${area}`);
    say(`  top functions (self time):`);
    for (const [key, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) say(`    ${share(n)}  ${key}`);
  }
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
}

function post(session: Session, method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/** A profile's file as a coarse area: the package or the repository folder it belongs to. */
function areaOf(file: string): string {
  const nodeModule = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (nodeModule) return `node_modules/${nodeModule[1]}`;
  if (file.startsWith('node:')) return file;
  const repo = /^(apps\/[^/]+\/src\/[^/]+|libs\/[^/]+\/src\/[^/]+|test\/[^/]+)/.exec(file);
  return repo ? repo[1] : file;
}

/**
 * Scans of the bench's store and the read model between two moments, from pg_stat_user_indexes and _tables: how
 * many times each index was scanned and how many entries each scan read on average (a query that reads every
 * subscription to find a few shows here), and sequential scans.
 */
class IndexStats {
  private constructor(
    private readonly pool: Pool,
    private readonly schemas: readonly string[],
    private readonly before: Map<string, { scans: number; read: number }>,
  ) {}

  static async snapshot(pool: Pool, schemas: readonly string[]): Promise<IndexStats> {
    return new IndexStats(pool, schemas, await IndexStats.read(pool, schemas));
  }

  private static async read(
    pool: Pool,
    schemas: readonly string[],
  ): Promise<Map<string, { scans: number; read: number }>> {
    const { rows } = await pool.query<{ name: string; scans: string; read: string }>(
      `select schemaname || '.' || relname || ' ' || indexrelname as name, idx_scan as scans, idx_tup_read as read
         from pg_stat_user_indexes where schemaname = any($1)
       union all
       select schemaname || '.' || relname || ' (sequential)', seq_scan, seq_tup_read
         from pg_stat_user_tables where schemaname = any($1)`,
      [schemas],
    );
    return new Map(rows.map((r) => [r.name, { scans: Number(r.scans), read: Number(r.read) }]));
  }

  async since(): Promise<string[]> {
    const after = await IndexStats.read(this.pool, this.schemas);
    return [...after]
      .map(([name, a]) => {
        const b = this.before.get(name) ?? { scans: 0, read: 0 };
        return { name, scans: a.scans - b.scans, read: a.read - b.read };
      })
      .filter((d) => d.scans > 0)
      .sort((x, y) => y.read - x.read)
      .slice(0, 10)
      .map(
        (d) =>
          `${d.name}: ${count(d.scans)} scans, ${count(d.read)} entries read (${round(d.read / d.scans, 1)} a scan)`,
      );
  }
}

function cores(usage: CpuUsage): string {
  const listed = Object.values(usage.byProcess).reduce((a, b) => a + b, 0) / usage.wallMs;
  const others = usage.machineBusy * os.cpus().length - listed;
  return [
    ...Object.entries(usage.byProcess)
      .filter(([, ms]) => ms / usage.wallMs >= 0.01)
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => `${name} ${round(ms / usage.wallMs, 2)}`),
    `everything else (the kernel, other people's work) ${round(Math.max(0, others), 2)}`,
  ].join(', ');
}

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

// ---------------------------------------------------------------------------------------------------------------
// Results

function summarise(
  opts: Options,
  choice: Choice,
  created: readonly Created[],
  creationRate: number,
  steady: SteadyFigures,
  burst: BurstFigures | undefined,
  integrity: Integrity,
): BenchResult[] {
  const fanOut = (deliveries: number, events: number) => round(deliveries / Math.max(1, events), 3);
  const setting =
    `${created.length} subscriptions (${choice.practices.length} practices' lists, ` +
    `${created.length - choice.practices.length} patients), payload ${opts.payload}`;
  const rows: BenchResult[] = [];
  if (burst) {
    const { drain, ceiling } = burst;
    rows.push(
      {
        metric: 'subscriptions_events_delivered_per_second',
        value: round(drain.deliveredRate),
        unit: 'events delivered/s',
        baseline: `kafkajs consume + Avro decode of the same ${count(ceiling.events)} record changes, no-op handler (events/s; median of ${ceiling.rates.length} reads, ${round(Math.min(...ceiling.rates), 0)}–${round(Math.max(...ceiling.rates), 0)}); ${setting}; fan-out ${fanOut(drain.deliveries, drain.events)} notifications per record change`,
        baseline_value: round(ceiling.rate),
        ratio: round(drain.deliveredRate / ceiling.rate, 4),
      },
      {
        metric: 'subscriptions_record_changes_per_second',
        value: round(drain.eventRate),
        unit: 'events/s',
        baseline: 'the same ceiling: record changes consumed, matched, numbered and delivered by the service',
        baseline_value: round(ceiling.rate),
        ratio: round(drain.eventRate / ceiling.rate, 4),
      },
      {
        metric: 'subscriptions_burst_consume_and_number_per_second',
        value: round(drain.events / drain.consumeSeconds),
        unit: 'events/s',
        baseline: 'the same ceiling: record changes consumed, matched and numbered (delivery aside)',
        baseline_value: round(ceiling.rate),
        ratio: round(drain.events / drain.consumeSeconds / ceiling.rate, 4),
      },
    );
  }
  const l = steady.latencies;
  const latencyBaseline = `steady ${round(steady.offeredRate)} admissions/s through ingest, ${steady.deliveries} deliveries (fan-out ${fanOut(steady.deliveries, steady.events)}); ${setting}`;
  rows.push(
    {
      metric: 'subscriptions_steady_events_delivered_per_second',
      value: round(steady.deliveredRate),
      unit: 'events delivered/s',
      baseline: latencyBaseline,
      baseline_value: null,
      ratio: null,
    },
    ...([50, 99] as const).map((p) => ({
      metric: `subscriptions_ingest_202_to_webhook_p${p}`,
      value: round(percentile(l, p)),
      unit: 'ms',
      baseline: latencyBaseline,
      baseline_value: null,
      ratio: null,
    })),
    {
      metric: 'subscriptions_ingest_202_to_webhook_max',
      value: round(l[l.length - 1] ?? NaN),
      unit: 'ms',
      baseline: latencyBaseline,
      baseline_value: null,
      ratio: null,
    },
    ...(
      [
        [
          'ingest_202_to_topic',
          steady.toTopic,
          'ingest and its outbox relay: 202 → the message timestamp on the ICS topic',
        ],
        [
          'topic_to_webhook',
          steady.fromTopic,
          'the subscription service: the message timestamp on the ICS topic → webhook',
        ],
      ] as const
    ).flatMap(([name, values, what]) =>
      ([50, 99] as const).map((p) => ({
        metric: `subscriptions_${name}_p${p}`,
        value: round(percentile(values, p)),
        unit: 'ms',
        baseline: `${what}; ${latencyBaseline}`,
        baseline_value: null,
        ratio: null,
      })),
    ),
    {
      metric: 'subscriptions_created_per_second',
      value: round(creationRate),
      unit: 'subscriptions/s',
      baseline: `POST /fhir/Subscription, ${API_CONCURRENCY} in flight, ${created.length} subscriptions`,
      baseline_value: null,
      ratio: null,
    },
    {
      metric: 'subscriptions_sequence_faults',
      value: integrity.gaps + integrity.outOfOrder + integrity.holes,
      unit: 'gaps, out-of-order and missing event numbers',
      baseline: `${integrity.eventsReceived} events received by ${integrity.subscriptionsNotified} subscriptions; ${integrity.repeats} repeats (at least once), ${steady.missing + (burst?.drain.missing ?? 0)} expected deliveries never arrived`,
      baseline_value: null,
      ratio: null,
    },
  );
  return rows;
}

function printReport(
  choice: Choice,
  created: readonly Created[],
  creationRate: number,
  ledger: Ledger,
  steady: SteadyFigures,
  steadyUsage: CpuUsage,
  burst: BurstFigures | undefined,
  integrity: Integrity,
  store: Awaited<ReturnType<ServiceUnderBench['stateSummary']>>,
  results: readonly BenchResult[],
): void {
  console.table(
    results.map((r) => ({
      metric: r.metric,
      value: `${r.value} ${r.unit}`,
      ceiling: r.baseline_value === null ? '' : `${r.baseline_value} events/s`,
      ratio: r.ratio ?? '',
    })),
  );
  const l = steady.latencies;
  say(
    `Subscriptions: ${created.length} (${choice.practices.length} practices following their lists, ` +
      `${created.length - choice.practices.length} patients of ${new Set(choice.patients.map((p) => p.practice.odsCode)).size} practices; ` +
      `${choice.patients.length - choice.loadPatients.length} of those patients object to sharing and were sent no load); ` +
      `created at ${round(creationRate)}/s`,
  );
  say(
    `Steady: ${steady.events} admissions at ${round(steady.offeredRate)}/s → ${steady.received} of ${steady.deliveries} ` +
      `deliveries (fan-out ${round(steady.deliveries / Math.max(1, steady.events), 2)}), ${round(steady.deliveredRate)} ` +
      `events delivered/s; ingest 202 → webhook p50 ${round(percentile(l, 50))} ms, p99 ${round(percentile(l, 99))} ms, ` +
      `max ${round(l[l.length - 1] ?? NaN)} ms; the last delivery ${round(steady.tailMs)} ms after the last 202`,
  );
  say(
    `  split at the topic (the relay's send time, ${steady.toTopic.length} events traced): 202 → topic p50 ` +
      `${round(percentile(steady.toTopic, 50))} ms, p99 ${round(percentile(steady.toTopic, 99))} ms; topic → webhook p50 ` +
      `${round(percentile(steady.fromTopic, 50))} ms, p99 ${round(percentile(steady.fromTopic, 99))} ms`,
  );
  say(
    `  CPU (cores) during steady: ${cores(steadyUsage)}; machine ${Math.round(steadyUsage.machineBusy * 100)}% busy`,
  );
  if (burst) {
    const { drain, ceiling } = burst;
    say(
      `Burst: ${drain.events} admissions (${drain.consumed} record changes consumed by the service on restart) → ` +
        `${drain.received} of ${drain.deliveries} deliveries in ${round(drain.seconds, 2)} s: ${round(drain.deliveredRate)} ` +
        `events delivered/s, ${round(drain.eventRate)} record changes/s (consumed and numbered in ` +
        `${round(drain.consumeSeconds, 2)} s: ${round(drain.events / drain.consumeSeconds)}/s); ceiling ` +
        `${round(ceiling.rate)} events/s (${ceiling.events} in ${round(ceiling.seconds, 2)} s) → ratio delivered ÷ ceiling ` +
        `${(drain.deliveredRate / ceiling.rate).toFixed(4)}, record changes ÷ ceiling ${(drain.eventRate / ceiling.rate).toFixed(4)}`,
    );
    say(
      `  CPU (cores) during the drain: ${cores(burst.drainUsage)}; machine ${Math.round(burst.drainUsage.machineBusy * 100)}% busy ` +
        `(${Math.round(burst.quiet * 100)}% before it)`,
    );
    say(`  Postgres during the drain, the service's backends (average busy, by statement):`);
    for (const [what, busy] of burst.postgres) say(`    ${busy.toFixed(3)}  ${what}`);
    say(`  index scans during the drain (the bench's store and ${READ_MODEL}):`);
    for (const line of burst.scans) say(`    ${line}`);
  }
  say(
    `Receivers: ${count(ledger.receivers.posts)} POSTs (${round(ledger.receivers.bytes / 1e6)} MB); ${integrity.eventsReceived} events to ` +
      `${integrity.subscriptionsNotified} subscriptions; gaps ${integrity.gaps}, out of order ${integrity.outOfOrder}, ` +
      `numbers never received ${integrity.holes}, repeats ${integrity.repeats}, not expected ${integrity.unexpected}, ` +
      `without the subscription's Authorization header ${integrity.missingAuthorization}; content read back from ` +
      `Kafka (event cache misses, a consumer group each) ${integrity.readerGroups ?? 0} times`,
  );
  for (const example of [...integrity.gapExamples, ...integrity.outOfOrderExamples]) say(`  ${example}`);
  say(
    `Store at the end: ${Object.entries(store.statuses)
      .map(([s, n]) => `${n} ${s}`)
      .join(
        ', ',
      )}; ${store.numbered} events numbered, ${store.undelivered} not delivered, ${store.indexRows} ` +
      `subscription_events rows`,
  );
}

if (process.env[RECEIVERS_ENV]) {
  void runReceivers(Number(process.env[RECEIVERS_ENV]));
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:subscriptions: ${errorStack(error)}\n`);
    process.exit(1);
  });
}
