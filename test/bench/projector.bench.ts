/**
 * npm run bench:projector   (needs the local stack: npm run stack:up; or KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL)
 *
 * Events/s into the CCR read model, beside two measurements taken on the same broker, database and events in the
 * same run (absolute figures on a shared two-core machine vary run to run; ratios much less):
 *  - the naive baseline: a NestJS Kafka microservice with an @EventPattern handler and one TypeORM save per event
 *    (test/bench/naive-projector.ts), as a newcomer would first build it;
 *  - the ceiling: consuming and Avro-decoding the same events with a no-op handler.
 * Then the wall time of `projector:rebuild` over BENCH_EVENTS (default 1,000,000) events: replay into a fresh schema
 * and switch. Events are a synthetic region's (libs/synthetic-region), CCR's three ICSs, on private topics.
 * Writes bench/results/projector.json and prints a table.
 *
 * On a secured cluster (the local stack's default) the three contenders consume with the CCR projector's rights,
 * not the bench's: a throwaway SCRAM principal with exactly the projector's grants for this run's topics and group
 * prefix (removed at the end), the stack's `crosscare_projector_ccr` Postgres role, the registry's projector-ccr user.
 * The bench itself (topics, schemas, publishing the region, clean-up) stays the admin and the Postgres superuser.
 *
 * BENCH_SCENARIO=long-history runs the long-history scenario instead (test/bench/long-history.bench.ts, also
 * `npm run bench:long-history`): per-event cost by length of patient history, CCR projector and OHC remote view.
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
import {
  loadProviderDirectory,
  projectorGroupId,
  servicePrincipalName,
  servicePrincipals,
  type AccessNaming,
} from '@crosscare/governance';
import { createKafka, ensureTopics } from '@crosscare/kafka';
import { envWithRegistryCredentials, stackPaths } from '@crosscare/local-stack';
import { progressBar } from '@crosscare/cli';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { loadProjectorConfig } from '../../apps/projector/src/projector-config';
import { ProjectorRuntime } from '../../apps/projector/src/projector-runtime';
import { rebuildReadModel } from '../../apps/projector/src/rebuild/rebuild-read-model';
import { runLongHistoryBench } from './long-history.bench';
import {
  createBenchPrincipal,
  serviceDatabase,
  serviceRegistryUrl,
  type BenchPrincipal,
} from './bench-principals';
import { consumeAndDecode, publishRegion } from './bench-region';
import { startNaiveProjector } from './naive-projector';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SAMPLE = Math.min(EVENTS, Number(process.env.BENCH_SAMPLE_EVENTS ?? 200_000));
const NAIVE_SAMPLE = Math.min(SAMPLE, Number(process.env.BENCH_NAIVE_EVENTS ?? 10_000));
const PARTITIONS = 6;
const TARGET_RATIO = 20;
const REBUILD_CEILING_SECONDS = 120;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const env = loadConfig(
    { ...kafkaVariables, ...schemaRegistryVariables, ...databaseVariables },
    (v) => ({ kafka: toKafkaConfig(v), registry: toSchemaRegistryConfig(v), database: toDatabaseConfig(v) }),
    envWithRegistryCredentials(process.env, stackPaths()),
    checkKafkaVariables,
  );
  const runId = `bench-${Date.now()}`;
  const prefix = runId;
  const kafka = createKafka(env.kafka, { defaultClientId: 'crosscare-bench' });
  const admin = kafka.admin();
  await admin.connect();
  const registry = new SchemaRegistryClient(env.registry);
  await registerContractSchemas(registry);
  const serde = createRecordChangeSerde(registry);
  const directory = loadProviderDirectory();
  const ccr = directory.collaboratives().find((c) => c.code === 'CCR');
  if (!ccr) throw new Error('no CCR in the provider directory');
  const topics = ccr.ics.map((ics) => recordChangeTopic(ics, prefix));
  await ensureTopics(
    admin,
    topics.map((name) => ({ name, partitions: PARTITIONS, config: { 'retention.ms': '-1' } })),
  );
  const pool = new Pool({ connectionString: env.database.url, max: 2 });
  const schemas: string[] = [];
  const paths = stackPaths();
  const naming: AccessNaming = { topicPrefix: prefix, idPrefix: prefix };
  const groupId = projectorGroupId('CCR', naming);
  let service: BenchPrincipal | undefined;

  try {
    const principalName = servicePrincipalName('projector-ccr', naming);
    const definition = servicePrincipals(directory.collaboratives(), naming).find(
      (p) => p.name === principalName,
    );
    if (!definition) throw new Error(`no ${principalName} among the service principals`);
    service = await createBenchPrincipal(env.kafka, admin, definition, paths);
    const serviceKafka = service?.kafka ?? env.kafka;
    const projectorDatabase = serviceDatabase(env.database, 'projector-ccr', paths);
    process.stdout.write(
      `  the contenders consume as Kafka principal ${serviceKafka.sasl?.username ?? '(none: PLAINTEXT)'}, ` +
        `Postgres role ${projectorDatabase.role ?? '(DATABASE_URL as given)'}\n`,
    );
    const consumerKafka = createKafka(serviceKafka, { defaultClientId: 'crosscare-bench' });
    process.stdout.write(
      `projector benchmark ${runId}: ${EVENTS} events (rebuild), ${SAMPLE} (projector, ceiling), ${NAIVE_SAMPLE} (naive)\n`,
    );
    await publishRegion(kafka, serde, prefix, EVENTS, 'CCR');

    const ceiling = await consumeAndDecode(consumerKafka, serde, topics, `${groupId}-ceiling`, SAMPLE);
    process.stdout.write(`  ceiling (consume + decode, no-op): ${round(ceiling)} events/s\n`);

    const naiveSchema = `${runId.replace(/-/g, '_')}_naive`;
    schemas.push(naiveSchema);
    const naive = await startNaiveProjector({
      kafka: serviceKafka,
      topics,
      groupId: `${groupId}-naive`,
      databaseUrl: projectorDatabase.url,
      schema: naiveSchema,
      serde,
    });
    const naiveBar = progressBar('Naive projector (@EventPattern, one save per event)', NAIVE_SAMPLE);
    // The clock starts at the first event projected, for each contender: group joins are not throughput.
    while (naive.counter.count === 0) await sleep(20);
    const [naiveStarted, naiveFirst] = [Date.now(), naive.counter.count];
    while (naive.counter.count < NAIVE_SAMPLE) {
      naiveBar.update(naive.counter.count);
      await sleep(200);
    }
    const naiveRate = ((naive.counter.count - naiveFirst) / (Date.now() - naiveStarted)) * 1000;
    naiveBar.done(`${round(naiveRate)} events/s`);
    await naive.close();

    const name = `${runId.replace(/-/g, '_')}_ccr`;
    schemas.push(name);
    const projectorEnv = {
      ...process.env,
      ...(service?.env ?? {}),
      DATABASE_URL: projectorDatabase.url,
      SCHEMA_REGISTRY_URL: serviceRegistryUrl(process.env, paths, 'projector-ccr'),
      PROJECTOR_COLLABORATIVE: 'CCR',
      PROJECTOR_DATABASE_SCHEMA: name,
      PROJECTOR_TOPIC_PREFIX: prefix,
      PROJECTOR_GROUP_ID: groupId,
      PROJECTOR_PORT: '0',
      LOG_LEVEL: 'error',
    };
    const config = loadProjectorConfig(projectorEnv);
    const runtime = await ProjectorRuntime.start(config);
    const projectedEvents = async () =>
      (await runtime.services.metrics.events.get()).values.reduce((n, v) => n + v.value, 0);
    const projectorBar = progressBar('Projector (batches, set-based SQL, changelog on)', SAMPLE);
    let projected = 0;
    while ((projected = await projectedEvents()) === 0) await sleep(20);
    const [projectorStarted, projectorFirst, cpuBefore] = [Date.now(), projected, cpuSeconds()];
    while ((projected = await projectedEvents()) < SAMPLE) {
      projectorBar.update(projected);
      await sleep(100);
    }
    const projectorRate = ((projected - projectorFirst) / (Date.now() - projectorStarted)) * 1000;
    projectorBar.done(`${round(projectorRate)} events/s`);
    const cpu = cpuSeconds();
    const perThousand = (seconds: number) => round((seconds * 1e6) / (projected - projectorFirst), 1);
    process.stdout.write(
      `  CPU per 1,000 events: projector (Node) ${perThousand(cpu.node - cpuBefore.node)} ms, ` +
        `Postgres ${perThousand(cpu.postgres - cpuBefore.postgres)} ms (${os.cpus().length} cores)\n`,
    );
    // As in production, the read model a rebuild replaces is caught up (not timed). Stopping drains its changelog
    // outbox, as a graceful shutdown does; the rebuild then switches away from it.
    const catchUp = progressBar('Projector catching up with the rest (longer histories)', EVENTS);
    const [catchUpStarted, catchUpFirst] = [Date.now(), await projectedEvents()];
    while ((projected = await projectedEvents()) < EVENTS) {
      catchUp.update(projected);
      await sleep(500);
    }
    const catchUpRate = ((projected - catchUpFirst) / (Date.now() - catchUpStarted)) * 1000;
    catchUp.done(`${round(catchUpRate)} events/s`);
    await runtime.stop();

    const rebuilt = `${name}_rebuilt`;
    schemas.push(rebuilt);
    let bar: ReturnType<typeof progressBar> | undefined;
    const rebuildStarted = Date.now();
    const outcome = await rebuildReadModel(
      config,
      {
        replay(done, total) {
          bar ??= progressBar('Rebuild: replay into a fresh schema', Number(total));
          bar.update(Number(done));
        },
        step(message) {
          bar?.done();
          bar = undefined;
          process.stdout.write(`  ${message}\n`);
        },
      },
      { schema: rebuilt },
    );
    const rebuildSeconds = (Date.now() - rebuildStarted) / 1000;
    const rebuildRate = outcome.eventsProjected / outcome.replaySeconds;

    const results = [
      {
        metric: 'projector_throughput_vs_naive',
        value: round(projectorRate),
        unit: 'events/s',
        baseline: 'naive NestJS @EventPattern handler, one TypeORM save per event, same broker and events',
        baseline_value: round(naiveRate),
        ratio: round(projectorRate / naiveRate, 2),
      },
      {
        metric: 'projector_throughput_vs_ceiling',
        value: round(projectorRate),
        unit: 'events/s',
        baseline: 'raw kafkajs consume + Avro decode, no-op handler, same events',
        baseline_value: round(ceiling),
        ratio: round(projectorRate / ceiling, 3),
      },
      {
        metric: 'projector_catch_up_throughput_long_histories',
        value: round(catchUpRate),
        unit: 'events/s',
        baseline:
          'naive NestJS @EventPattern handler, one TypeORM save per event (measured on the first events)',
        baseline_value: round(naiveRate),
        ratio: round(catchUpRate / naiveRate, 2),
      },
      {
        metric: 'projector_rebuild_replay_throughput',
        value: round(rebuildRate),
        unit: 'events/s',
        baseline: 'raw kafkajs consume + Avro decode, no-op handler, same events',
        baseline_value: round(ceiling),
        ratio: round(rebuildRate / ceiling, 3),
      },
      {
        metric: `projector_rebuild_wall_time_${EVENTS}_events`,
        value: round(rebuildSeconds),
        unit: 's',
        baseline: `target ceiling for ${EVENTS} events`,
        baseline_value: REBUILD_CEILING_SECONDS,
        ratio: round(rebuildSeconds / REBUILD_CEILING_SECONDS, 3),
      },
    ];
    const file = path.join(process.cwd(), 'bench', 'results', 'projector.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
    console.table(
      results.map((r) => ({
        metric: r.metric,
        value: `${r.value} ${r.unit}`,
        baseline: `${r.baseline_value} ${r.unit}`,
        ratio: r.ratio,
      })),
    );
    const vsNaive = projectorRate / naiveRate;
    process.stdout.write(
      `projector vs naive ${vsNaive.toFixed(1)}× (target ≥ ${TARGET_RATIO}×): ${vsNaive >= TARGET_RATIO ? 'met' : 'NOT met'}; ` +
        `rebuild of ${outcome.eventsProjected} offsets in ${rebuildSeconds.toFixed(1)} s ` +
        `(replay ${outcome.replaySeconds.toFixed(1)} s; target ≤ ${REBUILD_CEILING_SECONDS} s for 1,000,000): ` +
        `${rebuildSeconds <= REBUILD_CEILING_SECONDS ? 'met' : 'NOT met'}; written to ${path.relative(process.cwd(), file)}\n`,
    );
  } finally {
    for (const schema of schemas)
      await pool.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
    await pool
      .query(`delete from projector_control.active_read_model where name like $1`, [
        `${runId.replace(/-/g, '_')}%`,
      ])
      .catch(() => undefined);
    await pool.end();
    const created = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await service?.remove();
    await admin.disconnect();
  }
}

/**
 * CPU seconds used so far by this process (the projector runs in it) and by every Postgres process (Linux only; 0
 * elsewhere): where a two-core machine's time goes.
 */
function cpuSeconds(): { node: number; postgres: number } {
  const usage = process.cpuUsage();
  let postgres = 0;
  for (const pid of fs.existsSync('/proc') ? fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)) : []) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      postgres += (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
    } catch {
      // The process ended meanwhile.
    }
  }
  return { node: (usage.user + usage.system) / 1e6, postgres };
}

const scenario = process.env.BENCH_SCENARIO ?? 'throughput';
if (scenario !== 'throughput' && scenario !== 'long-history') {
  process.stderr.write(
    `bench:projector: BENCH_SCENARIO is throughput (the default) or long-history, not ${scenario}\n`,
  );
  process.exit(2);
}
(scenario === 'long-history' ? runLongHistoryBench() : main()).catch((error: unknown) => {
  process.stderr.write(`bench:projector: ${errorStack(error)}\n`);
  process.exit(1);
});
