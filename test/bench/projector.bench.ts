/**
 * npm run bench:projector   (needs the local stack: npm run stack:up; or KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL)
 *
 * Events/s into the CCR read model, beside two measurements taken on the same broker, database and events in the
 * same run (absolute figures on a shared two-core machine vary run to run; ratios much less):
 *  - the naive baseline: a NestJS Kafka microservice with an @EventPattern handler and one TypeORM save per event
 *    (test/bench/naive-projector.ts), as a newcomer would first build it;
 *  - the ceiling: consuming and Avro-decoding the same events with a no-op handler.
 * The three are measured in BENCH_ROUNDS rounds (default 3), each round on fresh topics, groups and schemas holding
 * BENCH_SAMPLE_EVENTS (default 200,000) events, the order rotated from round to round (test/bench/rounds.ts): the
 * naive baseline alone moved fourfold from day to day, so a target resting on one run said little. Reported per
 * contender: the median and the spread (min–max); per target, the median of the per-round ratios.
 * Then, on BENCH_EVENTS (default 1,000,000) events: the projector's catch-up over the longer histories after its
 * first BENCH_SAMPLE_EVENTS, and the wall time of `projector:rebuild` (replay into a fresh schema and switch), one
 * run each. Events are a synthetic region's (libs/synthetic-region), CCR's three ICSs, on private topics.
 * Writes bench/results/projector.json (test/bench/results-file.ts) and prints a table.
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
import { Pool } from 'pg';
import { loadProjectorConfig } from '../../apps/projector/src/projector-config';
import { ProjectorRuntime } from '../../apps/projector/src/projector-runtime';
import { rebuildReadModel } from '../../apps/projector/src/rebuild/rebuild-read-model';
import { runLongHistoryBench } from './long-history.bench';
import { writeResultsFile, roundsResult, type BenchResult } from './results-file';
import {
  alternateRounds,
  median,
  roundFigures,
  roundRatios,
  roundsFromEnvironment,
  type RoundFigures,
} from './rounds';
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
const ROUNDS = roundsFromEnvironment(process.env);
const PARTITIONS = 6;
const NAIVE_TARGET_RATIO = 20;
const CEILING_TARGET_RATIO = 0.25;
const CATCH_UP_TARGET_RATIO = 0.9;
const REBUILD_CEILING_SECONDS = 120;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
const spreadText = (f: RoundFigures, digits = 1) =>
  `median ${round(f.median, digits)} (${round(f.min, digits)}–${round(f.max, digits)})`;

type Contender = 'ceiling' | 'naive' | 'projector';

async function main(): Promise<void> {
  const env = loadConfig(
    { ...kafkaVariables, ...schemaRegistryVariables, ...databaseVariables },
    (v) => ({ kafka: toKafkaConfig(v), registry: toSchemaRegistryConfig(v), database: toDatabaseConfig(v) }),
    envWithRegistryCredentials(process.env, stackPaths()),
    checkKafkaVariables,
  );
  const runId = `bench-${Date.now()}`;
  const kafka = createKafka(env.kafka, { defaultClientId: 'crosscare-bench' });
  const admin = kafka.admin();
  await admin.connect();
  const registry = new SchemaRegistryClient(env.registry);
  await registerContractSchemas(registry);
  const serde = createRecordChangeSerde(registry);
  const directory = loadProviderDirectory();
  const ccr = directory.collaboratives().find((c) => c.code === 'CCR');
  if (!ccr) throw new Error('no CCR in the provider directory');
  const pool = new Pool({ connectionString: env.database.url, max: 2 });
  const paths = stackPaths();
  // Every round has topics, groups and schemas of its own (`<run>-r1`, ...), and so has the full run that the
  // catch-up and the rebuild are measured on (`<run>-full`), so each round starts from the same state; within a
  // round the later contenders read topics the broker has just served, an advantage the rotated order shares out.
  const stageNaming = (stage: string): AccessNaming => ({
    topicPrefix: `${runId}-${stage}`,
    idPrefix: `${runId}-${stage}`,
  });
  const stages = [...Array.from({ length: ROUNDS }, (_, i) => `r${i + 1}`), 'full'];
  const schemaOf = (stage: string, contender: string) => `${runId.replace(/-/g, '_')}_${stage}_${contender}`;
  let service: BenchPrincipal | undefined;

  try {
    // One throwaway principal holding the CCR projector's grants for every stage's names.
    const definitions = stages.map((stage) => {
      const naming = stageNaming(stage);
      const name = servicePrincipalName('projector-ccr', naming);
      const found = servicePrincipals(directory.collaboratives(), naming).find((p) => p.name === name);
      if (!found) throw new Error(`no ${name} among the service principals`);
      return found;
    });
    service = await createBenchPrincipal(
      env.kafka,
      admin,
      {
        name: servicePrincipalName('projector-ccr', { topicPrefix: runId, idPrefix: runId }),
        purpose: definitions[0].purpose,
        grants: definitions.flatMap((d) => d.grants),
      },
      paths,
    );
    const serviceKafka = service?.kafka ?? env.kafka;
    const projectorDatabase = serviceDatabase(env.database, 'projector-ccr', paths);
    const consumerKafka = createKafka(serviceKafka, { defaultClientId: 'crosscare-bench' });
    process.stdout.write(
      `projector benchmark ${runId}: ${ROUNDS} rounds of ${SAMPLE} events (projector, ceiling) and ${NAIVE_SAMPLE} ` +
        `(naive), contenders alternated; then ${EVENTS} events (catch-up, rebuild)\n` +
        `  the contenders consume as Kafka principal ${serviceKafka.sasl?.username ?? '(none: PLAINTEXT)'}, ` +
        `Postgres role ${projectorDatabase.role ?? '(DATABASE_URL as given)'}\n`,
    );

    const topicsOf = (stage: string) =>
      ccr.ics.map((ics) => recordChangeTopic(ics, stageNaming(stage).topicPrefix));
    const groupOf = (stage: string) => projectorGroupId('CCR', stageNaming(stage));
    const publishStage = async (stage: string, count: number) => {
      await ensureTopics(
        admin,
        topicsOf(stage).map((name) => ({ name, partitions: PARTITIONS, config: { 'retention.ms': '-1' } })),
      );
      await publishRegion(kafka, serde, stageNaming(stage).topicPrefix, count, 'CCR');
    };
    const projectorConfig = (stage: string) =>
      loadProjectorConfig({
        ...process.env,
        ...(service?.env ?? {}),
        DATABASE_URL: projectorDatabase.url,
        SCHEMA_REGISTRY_URL: serviceRegistryUrl(process.env, paths, 'projector-ccr'),
        PROJECTOR_COLLABORATIVE: 'CCR',
        PROJECTOR_DATABASE_SCHEMA: schemaOf(stage, 'ccr'),
        PROJECTOR_TOPIC_PREFIX: stageNaming(stage).topicPrefix,
        PROJECTOR_GROUP_ID: groupOf(stage),
        PROJECTOR_PORT: '0',
        LOG_LEVEL: 'error',
      });

    const cpuPerThousand: { node: number[]; postgres: number[] } = { node: [], postgres: [] };
    const figures = await alternateRounds<Contender>({
      rounds: ROUNDS,
      say: (line) => process.stdout.write(`${line}\n`),
      format: (_, rate) => `${round(rate)} events/s`,
      beforeRound: (n) => publishStage(`r${n}`, SAMPLE),
      contenders: {
        ceiling: (n) =>
          consumeAndDecode(consumerKafka, serde, topicsOf(`r${n}`), `${groupOf(`r${n}`)}-ceiling`, SAMPLE),
        naive: (n) =>
          measureNaive({
            kafka: serviceKafka,
            topics: topicsOf(`r${n}`),
            groupId: `${groupOf(`r${n}`)}-naive`,
            databaseUrl: projectorDatabase.url,
            schema: schemaOf(`r${n}`, 'naive'),
            serde,
          }),
        projector: async (n) => {
          const runtime = await ProjectorRuntime.start(projectorConfig(`r${n}`));
          try {
            const sample = await measureProjectorSample(runtime);
            cpuPerThousand.node.push(sample.cpuPerThousand.node);
            cpuPerThousand.postgres.push(sample.cpuPerThousand.postgres);
            return sample.rate;
          } finally {
            await runtime.stop();
          }
        },
      },
    });
    const ceiling = roundFigures(figures.ceiling);
    const naive = roundFigures(figures.naive);
    const projector = roundFigures(figures.projector);
    const vsNaive = roundRatios(figures.projector, figures.naive);
    const vsCeiling = roundRatios(figures.projector, figures.ceiling);
    process.stdout.write(
      `after ${ROUNDS} rounds, events/s: projector ${spreadText(projector)}, naive ${spreadText(naive)}, ` +
        `ceiling ${spreadText(ceiling)}; projector/naive ${spreadText(vsNaive, 2)}, ` +
        `projector/ceiling ${spreadText(vsCeiling, 3)}\n`,
    );

    // As in production, the read model a rebuild replaces is caught up (not timed). Stopping drains its changelog
    // outbox, as a graceful shutdown does; the rebuild then switches away from it.
    await publishStage('full', EVENTS);
    const config = projectorConfig('full');
    const runtime = await ProjectorRuntime.start(config);
    const first = await measureProjectorSample(runtime);
    const catchUp = progressBar('Projector catching up with the rest (longer histories)', EVENTS);
    let projected = await projectedEvents(runtime);
    const [catchUpStarted, catchUpFirst] = [Date.now(), projected];
    while ((projected = await projectedEvents(runtime)) < EVENTS) {
      catchUp.update(projected);
      await sleep(500);
    }
    const catchUpRate = ((projected - catchUpFirst) / (Date.now() - catchUpStarted)) * 1000;
    catchUp.update(Math.min(projected, EVENTS));
    catchUp.done(`${round(catchUpRate)} events/s`);
    await runtime.stop();

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
      { schema: schemaOf('full', 'rebuilt') },
    );
    const rebuildSeconds = (Date.now() - rebuildStarted) / 1000;
    const rebuildRate = outcome.eventsProjected / outcome.replaySeconds;

    const results: BenchResult[] = [
      roundsResult({
        metric: 'projector_throughput_vs_naive',
        unit: 'events/s',
        baseline: 'naive NestJS @EventPattern handler, one TypeORM save per event, same broker and events',
        value: projector,
        baselineValue: naive,
        ratio: vsNaive,
        ratioDigits: 2,
      }),
      roundsResult({
        metric: 'projector_throughput_vs_ceiling',
        unit: 'events/s',
        baseline: 'raw kafkajs consume + Avro decode, no-op handler, same events',
        value: projector,
        baselineValue: ceiling,
        ratio: vsCeiling,
      }),
      ...(['node', 'postgres'] as const).map((side) => ({
        metric: `projector_cpu_ms_per_1000_events_${side}`,
        value: round(median(cpuPerThousand[side])),
        unit: 'ms',
        baseline: `none: CPU of ${side === 'node' ? 'the projector (this process)' : 'every Postgres process'} per 1,000 events, median of the rounds`,
        baseline_value: null,
        ratio: null,
      })),
      {
        metric: 'projector_catch_up_throughput_long_histories',
        value: round(catchUpRate),
        unit: 'events/s',
        baseline: `the same projector on the first ${SAMPLE} of the ${EVENTS} events, same run`,
        baseline_value: round(first.rate),
        ratio: round(catchUpRate / first.rate, 2),
      },
      {
        metric: 'projector_rebuild_replay_throughput',
        value: round(rebuildRate),
        unit: 'events/s',
        baseline: 'raw kafkajs consume + Avro decode, no-op handler (median of the rounds)',
        baseline_value: round(ceiling.median),
        ratio: round(rebuildRate / ceiling.median, 3),
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
    const file = await writeResultsFile('projector', results);
    console.table(
      results.map((r) => ({
        metric: r.metric,
        value: `${r.value} ${r.unit}`,
        baseline: r.baseline_value === null ? '' : `${r.baseline_value} ${r.unit}`,
        ratio: r.ratio,
        'ratio min–max': r.rounds ? `${r.rounds.ratio.min}–${r.rounds.ratio.max}` : '',
      })),
    );
    const catchUpRatio = catchUpRate / first.rate;
    process.stdout.write(
      [
        `projector vs naive, median of ${ROUNDS} rounds ${vsNaive.median.toFixed(1)}× ` +
          `(${vsNaive.min.toFixed(1)}–${vsNaive.max.toFixed(1)}; target ≥ ${NAIVE_TARGET_RATIO}×): ` +
          verdict(vsNaive.median >= NAIVE_TARGET_RATIO),
        `projector vs ceiling, median of ${ROUNDS} rounds ${vsCeiling.median.toFixed(3)} ` +
          `(${vsCeiling.min.toFixed(3)}–${vsCeiling.max.toFixed(3)}; target ≥ ${CEILING_TARGET_RATIO}): ` +
          verdict(vsCeiling.median >= CEILING_TARGET_RATIO),
        `catch-up over the other ${EVENTS - SAMPLE} events ${catchUpRatio.toFixed(2)}× the first ${SAMPLE} ` +
          `(one run; target ≥ ${CATCH_UP_TARGET_RATIO}×): ${verdict(catchUpRatio >= CATCH_UP_TARGET_RATIO)}`,
        `rebuild of ${outcome.eventsProjected} offsets in ${rebuildSeconds.toFixed(1)} s ` +
          `(replay ${outcome.replaySeconds.toFixed(1)} s; one run; target ≤ ${REBUILD_CEILING_SECONDS} s for 1,000,000): ` +
          verdict(rebuildSeconds <= REBUILD_CEILING_SECONDS),
        `written to ${file}`,
        '',
      ].join('\n'),
    );
  } finally {
    for (const stage of stages)
      for (const contender of ['naive', 'ccr', 'rebuilt'])
        await pool
          .query(`drop schema if exists "${schemaOf(stage, contender)}" cascade`)
          .catch(() => undefined);
    await pool
      .query(`delete from projector_control.active_read_model where name like $1`, [
        `${runId.replace(/-/g, '_')}%`,
      ])
      .catch(() => undefined);
    await pool.end();
    const created = (await admin.listTopics()).filter((t) => t.startsWith(runId));
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await service?.remove();
    await admin.disconnect();
  }
}

/** The naive baseline's events/s over NAIVE_SAMPLE events, from its first event projected. */
async function measureNaive(options: Parameters<typeof startNaiveProjector>[0]): Promise<number> {
  const naive = await startNaiveProjector(options);
  try {
    const bar = progressBar('Naive projector (@EventPattern, one save per event)', NAIVE_SAMPLE);
    // The clock starts at the first event projected, for each contender: group joins are not throughput.
    while (naive.counter.count === 0) await sleep(20);
    const [started, first] = [Date.now(), naive.counter.count];
    while (naive.counter.count < NAIVE_SAMPLE) {
      bar.update(naive.counter.count);
      await sleep(200);
    }
    const rate = ((naive.counter.count - first) / (Date.now() - started)) * 1000;
    bar.done(`${round(rate)} events/s`);
    return rate;
  } finally {
    await naive.close();
  }
}

async function projectedEvents(runtime: ProjectorRuntime): Promise<number> {
  return (await runtime.services.metrics.events.get()).values.reduce((n, v) => n + v.value, 0);
}

/** The projector's events/s over its first SAMPLE events, from its first event projected, and its CPU per 1,000. */
async function measureProjectorSample(
  runtime: ProjectorRuntime,
): Promise<{ rate: number; cpuPerThousand: { node: number; postgres: number } }> {
  const bar = progressBar('Projector (batches, set-based SQL, changelog on)', SAMPLE);
  let projected = 0;
  while ((projected = await projectedEvents(runtime)) === 0) await sleep(20);
  const [started, first, cpuBefore] = [Date.now(), projected, cpuSeconds()];
  while ((projected = await projectedEvents(runtime)) < SAMPLE) {
    bar.update(projected);
    await sleep(100);
  }
  const rate = ((projected - first) / (Date.now() - started)) * 1000;
  bar.update(Math.min(projected, SAMPLE));
  bar.done(`${round(rate)} events/s`);
  const cpu = cpuSeconds();
  const perThousand = (seconds: number) => (seconds * 1e6) / (projected - first);
  const cpuPerThousand = {
    node: perThousand(cpu.node - cpuBefore.node),
    postgres: perThousand(cpu.postgres - cpuBefore.postgres),
  };
  process.stdout.write(
    `  CPU per 1,000 events: projector (Node) ${round(cpuPerThousand.node)} ms, ` +
      `Postgres ${round(cpuPerThousand.postgres)} ms (${os.cpus().length} cores)\n`,
  );
  return { rate, cpuPerThousand };
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
