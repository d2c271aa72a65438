/**
 * npm run bench:long-history   (or BENCH_SCENARIO=long-history npm run bench:projector; needs the local stack)
 *
 * Per-event cost as a function of the length of a patient's history. CCR's projector publishes the patients it
 * changes on its changelog, and OHC's projector keeps a remote view of that changelog; when the changelog carries a
 * patient's whole record, an event's cost grows with the patient's history. This scenario measures it:
 *
 *  1. Preload: for each history length L (BENCH_LONG_HISTORY_LENGTHS, default 10, 1,000, 10,000) patients with L
 *     items each (distinct source records: ObservationRecorded events from the synthetic region's measurements,
 *     999-range NHS numbers with a valid modulus-11 check digit) onto private CCR ICS topics (a unique prefix per
 *     run), and let the CCR projector and the OHC projector (whose remote view consumes CCR's changelog) catch up.
 *     Both projectors run as deployed, each in its own process (apps/projector/src/main.ts), on schemas of their own.
 *  2. For each length, shortest first, the same number of new events (BENCH_LONG_HISTORY_EVENTS, default 2,000):
 *     new items or new versions of existing items (BENCH_LONG_HISTORY_NEW_ITEM_SHARE new, default half), dealt out
 *     round-robin over that length's patients and sent at a steady pace (BENCH_LONG_HISTORY_RATE, default 500
 *     events/s; 0 sends them all at once). Measured for that phase only:
 *     - events/s, from the first new event produced until the CCR read model has projected them all AND the OHC
 *       remote view has consumed CCR's changelog to its end (read-model positions, the consumed_offset tables,
 *       against the topics' end offsets; the finish is the first poll at which both held);
 *     - Postgres WAL bytes per event (pg_current_wal_lsn at the start and at that poll; the database is shared, so
 *       the WAL written while everything is idle is measured after each phase and reported beside it);
 *     - changelog bytes per event: key + value + headers of every message CCR published on its changelog during the
 *       phase, read back as plain bytes (never decoded, so any changelog format counts the same; a tombstone has
 *       no value);
 *     - CPU per event of the two projector processes and of Postgres;
 *     - and the per-event cost of the longest histories over the shortest (time, WAL, changelog bytes), against the
 *       target of at most 1.5 times.
 *
 * Why these counts: every length is preloaded with the same number of items (BENCH_LONG_HISTORY_PRELOAD_ITEMS,
 * default 30,000: 3,000 patients x 10, 30 x 1,000, 3 x 10,000), so each length weighs the same in the database and
 * the preload takes seconds, and every phase sends the same number of events. Dealt round-robin, 2,000 events
 * reach 2,000 of the 10-item patients once each, each 1,000-item patient about 67 times and each 10,000-item patient
 * about 667 times, and half of them add an item, so a history grows by at most a thirtieth during its phase.
 *
 * Why a steady pace: a projector takes whatever has arrived for a partition as one batch, and a changelog that
 * publishes a changed patient once per batch publishes a 10,000-item patient's 667 events, sent all at once, in one
 * or two records: the burst hides the per-event cost this scenario is about (measured: the whole-record changelog
 * then looks as cheap per event at 10,000 items as at 10). Sent at 500 events/s, about what this two-core machine
 * projects with both projectors running, events reach the projector as live traffic does, a few per batch, and a
 * design whose batches slow down with history length falls behind and coalesces only as much as it has to. The
 * phase's count of changelog messages shows how much it did.
 *
 * BENCH_BASELINE_DIR=<another checkout> runs the same scenario there and here alternately (BENCH_ROUNDS times each,
 * default 1, the baseline first), each as a child process (`npx tsx test/bench/long-history.bench.ts`, cwd there) on
 * the same stack, and prints the two side by side. A checkout's run writes its results as JSON to
 * BENCH_LONG_HISTORY_JSON when set (the driver reads them there), otherwise to bench/results/long-history.json.
 *
 * Other settings: BENCH_LONG_HISTORY_CHECKPOINT=0 skips the CHECKPOINT run before each phase (by default every
 * phase starts just after one, so each pays the same full-page images rather than whichever a timed checkpoint
 * happens to cause).
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
  createRecordChangeSerde,
  recordChangeTopic,
  registerContractSchemas,
  SchemaRegistryClient,
  type ObservationRecorded,
  type RecordChangeSerde,
} from '@crosscare/events';
import { syntheticHeader, testNhsNumber } from '@crosscare/events/synthetic';
import { isValidNhsNumber, loadProviderDirectory, type IcsCode, type Provider } from '@crosscare/governance';
import { createKafka, ensureTopics } from '@crosscare/kafka';
import { envWithRegistryCredentials, stackPaths } from '@crosscare/local-stack';
import { progressBar } from '@crosscare/cli';
import { freePort } from '@crosscare/testing';
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { projectorTopology, type ProjectorTopology } from '../../apps/projector/src/projector-topology';
import { MEASUREMENTS } from '../../libs/synthetic-region/src/catalogue/measurements';
import { Random } from '../../libs/synthetic-region/src/random/seeded-random';
import { measuredObservation } from '../../libs/synthetic-region/src/timeline/bodies';
import { describeCheckout, writeJsonFile, writeResultsFile } from './results-file';
import { roundsFromEnvironment } from './rounds';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.relative(REPO_ROOT, __filename);

const integers = (value: string) =>
  value
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);

const SETTINGS = {
  lengths: integers(process.env.BENCH_LONG_HISTORY_LENGTHS ?? '10,1000,10000').sort((a, b) => a - b),
  preloadItems: Number(process.env.BENCH_LONG_HISTORY_PRELOAD_ITEMS ?? 30_000),
  events: Number(process.env.BENCH_LONG_HISTORY_EVENTS ?? 2_000),
  newItemShare: Number(process.env.BENCH_LONG_HISTORY_NEW_ITEM_SHARE ?? 0.5),
  /** Events per second offered during a phase; 0 sends the phase's events all at once. */
  rate: Number(process.env.BENCH_LONG_HISTORY_RATE ?? 500),
  checkpoint: process.env.BENCH_LONG_HISTORY_CHECKPOINT !== '0',
  seed: Number(process.env.BENCH_LONG_HISTORY_SEED ?? 20261204),
};
const TARGET_RATIO = 1.5;
const PARTITIONS = 6;
/** Polls of the read models' positions: the resolution of a phase's finish. */
const POLL_MS = 25;
/** The changelog counts as complete once nothing moved for this long (the relay looks every 100 ms when idle). */
const STABLE_MS = 1_500;
/** How long the WAL written while nothing of the benchmark runs is measured, after each phase. */
const IDLE_MS = 2_000;
const PHASE_TIMEOUT_MS = 30 * 60_000;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (values: Iterable<number>) => [...values].reduce((n, v) => n + v, 0);

/** One history length's phase, as written to the results. */
export interface PhaseResult {
  readonly history_items: number;
  readonly patients: number;
  readonly events: number;
  readonly new_items: number;
  /** The pace the events were sent at (0: all at once), and how long sending them took. */
  readonly offered_events_per_s: number;
  readonly publish_seconds: number;
  readonly seconds: number;
  readonly events_per_s: number;
  readonly wal_bytes: number;
  readonly wal_bytes_per_event: number;
  /** WAL per second written with the benchmark idle, measured just after the phase: the shared database's noise. */
  readonly idle_wal_bytes_per_s: number;
  readonly changelog_messages: number;
  readonly changelog_tombstones: number;
  readonly changelog_bytes: number;
  readonly changelog_bytes_per_event: number;
  /** CPU of the two projector processes, and of every Postgres process, per event (ms). */
  readonly projector_cpu_ms_per_event: number;
  readonly postgres_cpu_ms_per_event: number;
}

export interface LongHistoryResults {
  readonly scenario: 'long-history';
  readonly commit: string;
  readonly started_at: string;
  readonly wall_seconds: number;
  readonly changelog_topic: string;
  readonly remote_changelog_topic_of_ohc: string;
  readonly settings: typeof SETTINGS & { checkpoint_ran: boolean };
  readonly preload: { readonly events: number; readonly seconds: number };
  readonly phases: readonly PhaseResult[];
  readonly ratios: readonly {
    readonly cost: 'time' | 'wal' | 'changelog';
    readonly long: number;
    readonly short: number;
    readonly ratio: number;
    readonly target: number;
    readonly met: boolean;
  }[];
  /** The results in the form every benchmark writes ({metric, value, unit, baseline, baseline_value, ratio}). */
  readonly results: readonly {
    metric: string;
    value: number;
    unit: string;
    baseline: string;
    baseline_value: number;
    ratio: number;
  }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------------------------

/** Runs the scenario, or with BENCH_BASELINE_DIR the comparison of two checkouts. */
export async function runLongHistoryBench(): Promise<void> {
  const baseline = process.env.BENCH_BASELINE_DIR;
  if (baseline) await compareWithBaseline(path.resolve(baseline));
  else await runScenario();
}

/**
 * Ctrl-C (or SIGTERM) stops the waits, so that the projector processes are stopped and the run's topics and schemas
 * dropped on the way out; a second one leaves at once, stopping the projectors only.
 */
let interrupted: string | undefined;
const children = new Set<ChildProcess>();
function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) {
    for (const child of children) child.kill('SIGKILL');
    process.exit(130);
  }
  interrupted = signal;
  process.stderr.write(`\n${signal}: stopping the projectors and cleaning up (again to leave at once)\n`);
}
function assertNotInterrupted(): void {
  if (interrupted) throw new Error(`interrupted (${interrupted})`);
}

if (require.main === module)
  runLongHistoryBench().catch((error: unknown) => {
    process.stderr.write(`bench:long-history: ${errorStack(error)}\n`);
    process.exit(1);
  });

// ---------------------------------------------------------------------------------------------------------------
// The scenario
// ---------------------------------------------------------------------------------------------------------------

interface Patient {
  readonly nhsNumber: string;
  readonly ics: IcsCode;
  /** The providers its items come from, in turn (a GP practice and an acute trust of its ICS). */
  readonly providers: readonly Provider[];
  /** Current source record version of each of its items, by item number. */
  readonly versions: number[];
}

async function runScenario(): Promise<void> {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const env = loadConfig(
    { ...kafkaVariables, ...schemaRegistryVariables, ...databaseVariables },
    (v) => ({ kafka: toKafkaConfig(v), registry: toSchemaRegistryConfig(v), database: toDatabaseConfig(v) }),
    envWithRegistryCredentials(process.env, stackPaths()),
    checkKafkaVariables,
  );
  if (SETTINGS.lengths.length < 2) throw new Error('BENCH_LONG_HISTORY_LENGTHS needs at least two lengths');
  const started = Date.now();
  const runId = `bench-lh-${started}`;
  const prefix = runId;
  const schemaOf = (collaborative: string) => `${runId.replace(/-/g, '_')}_${collaborative.toLowerCase()}`;
  const directory = loadProviderDirectory();
  const collaboratives = directory.collaboratives();
  // Topic names as the projectors derive them from their configuration, whatever the changelog's version.
  const ccr = projectorTopology('CCR', collaboratives, prefix);
  const ohc = projectorTopology('OHC', collaboratives, prefix);
  if (ohc.remoteChangelogTopic !== ccr.changelogTopic)
    throw new Error(`OHC reads ${ohc.remoteChangelogTopic}, CCR publishes ${ccr.changelogTopic}`);
  const ccrIcs = collaboratives.find((c) => c.code === 'CCR')?.ics ?? [];

  const kafka = createKafka(env.kafka, { defaultClientId: 'crosscare-bench-long-history' });
  const admin = kafka.admin();
  await admin.connect();
  const registry = new SchemaRegistryClient(env.registry);
  await registerContractSchemas(registry);
  const serde = createRecordChangeSerde(registry);
  await ensureTopics(
    admin,
    collaboratives
      .flatMap((c) => c.ics)
      .map((ics) => ({
        name: recordChangeTopic(ics, prefix),
        partitions: PARTITIONS,
        config: { 'retention.ms': '-1' },
      })),
  );
  const pool = new Pool({ connectionString: env.database.url, max: 2 });
  // As createRecordProducer's (idempotent, one request in flight, the Java client's partitioner, acks=all), but
  // with sendBatch: one request carries what is due for every topic, so pacing is not throttled by round trips.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const projectors: RunningProjector[] = [];
  const groups: string[] = [];
  let succeeded = false;

  try {
    process.stdout.write(
      `long-history benchmark ${runId} (${describeCommit()}): histories of ${SETTINGS.lengths.join(', ')} items, ` +
        `${SETTINGS.preloadItems} items preloaded per length, ${SETTINGS.events} new events per length; ` +
        `changelog ${ccr.changelogTopic}\n`,
    );
    for (const [collaborative, topology] of [
      ['CCR', ccr],
      ['OHC', ohc],
    ] as const) {
      const groupId = `${prefix}-projector-${collaborative.toLowerCase()}`;
      groups.push(groupId);
      projectors.push(
        await startProjector(collaborative, topology, {
          PROJECTOR_DATABASE_SCHEMA: schemaOf(collaborative),
          PROJECTOR_TOPIC_PREFIX: prefix,
          PROJECTOR_GROUP_ID: groupId,
        }),
      );
    }
    const positions = new Positions(pool, kafka, admin, schemaOf('CCR'), schemaOf('OHC'), ccr);
    await positions.init();

    // 1. Preload.
    const rng = new Random(SETTINGS.seed);
    const correlationId = randomUUID();
    const cohorts = new Map<number, Patient[]>();
    let serial = 100_000;
    for (const length of SETTINGS.lengths) {
      const patients: Patient[] = [];
      for (let i = 0; i < Math.max(1, Math.ceil(SETTINGS.preloadItems / length)); i++) {
        const nhsNumber = testNhsNumber(serial);
        if (!isValidNhsNumber(nhsNumber)) throw new Error(`not a valid NHS number: ${nhsNumber}`);
        serial = Number(nhsNumber.slice(3, 9)) + 1;
        const ics = ccrIcs[patients.length % ccrIcs.length];
        patients.push({ nhsNumber, ics, providers: providersOf(ics), versions: [] });
      }
      cohorts.set(length, patients);
    }
    const preloadEvents = sum([...cohorts].map(([length, patients]) => length * patients.length));
    const preloadStart = await positions.snapshot();
    const preloadStarted = Date.now();
    await publish(
      producer,
      serde,
      prefix,
      (function* () {
        for (const [length, patients] of cohorts)
          for (const patient of patients)
            for (let k = 0; k < length; k++) yield newItem(rng, patient, correlationId);
      })(),
      preloadEvents,
      'Preload: publishing the histories',
    );
    await waitForBoth(
      positions,
      preloadStart,
      preloadEvents,
      'Preload: CCR projecting, OHC following',
      projectors,
      Promise.resolve(),
    );
    const preloadSeconds = (Date.now() - preloadStarted) / 1000;
    process.stdout.write(
      `  preload of ${preloadEvents} events caught up in ${preloadSeconds.toFixed(1)} s\n`,
    );

    // 2. One phase per length.
    const phases: PhaseResult[] = [];
    let checkpointRan = false;
    for (const [length, patients] of cohorts) {
      if (SETTINGS.checkpoint)
        checkpointRan =
          (await pool
            .query('checkpoint')
            .then(() => true)
            .catch((error: unknown) => {
              process.stdout.write(`  (no CHECKPOINT before the phase: ${errorMessage(error)})\n`);
              return false;
            })) || checkpointRan;
      const events = phaseEvents(rng, patients, SETTINGS.events, correlationId);
      const newItems = events.filter((e) => e.header.sourceRecordVersion === 1).length;
      const encoded = await Promise.all(events.map((e) => encode(serde, prefix, e)));
      const start = await positions.snapshot();
      const cpuBefore = cpuSeconds(projectors.map((p) => p.child.pid));
      const t0 = Date.now();
      const published = publishPaced(producer, encoded, SETTINGS.rate);
      const finish = await waitForBoth(
        positions,
        start,
        events.length,
        `Phase ${length}-item histories (${patients.length} patients)`,
        projectors,
        published,
        t0,
      );
      const publishSeconds = ((await published) - t0) / 1000;
      const cpu = cpuSpent(cpuBefore, cpuSeconds(projectors.map((p) => p.child.pid)));
      const idleFrom = await positions.lsn();
      await sleep(IDLE_MS);
      const idleWal = await positions.walBetween(idleFrom, await positions.lsn());
      const wal = await positions.walBetween(start.lsn, finish.lsn);
      const { changelog } = finish;
      const seconds = (finish.at - t0) / 1000;
      const n = events.length;
      const phase: PhaseResult = {
        history_items: length,
        patients: patients.length,
        events: n,
        new_items: newItems,
        offered_events_per_s: SETTINGS.rate,
        publish_seconds: round(publishSeconds, 3),
        seconds: round(seconds, 3),
        events_per_s: round(n / seconds),
        wal_bytes: wal,
        wal_bytes_per_event: round(wal / n),
        idle_wal_bytes_per_s: round(idleWal / (IDLE_MS / 1000)),
        changelog_messages: changelog.messages,
        changelog_tombstones: changelog.tombstones,
        changelog_bytes: changelog.bytes,
        changelog_bytes_per_event: round(changelog.bytes / n),
        projector_cpu_ms_per_event: round((cpu.processes * 1000) / n, 3),
        postgres_cpu_ms_per_event: round((cpu.postgres * 1000) / n, 3),
      };
      phases.push(phase);
      process.stdout.write(
        `  ${length}-item histories: ${phase.events_per_s} events/s (sent in ${phase.publish_seconds} s), WAL ${phase.wal_bytes_per_event} B/event ` +
          `(idle ${phase.idle_wal_bytes_per_s} B/s), changelog ${phase.changelog_bytes_per_event} B/event ` +
          `in ${phase.changelog_messages} messages\n`,
      );
    }

    const deadLetters = sum(
      await Promise.all([ccr, ohc].map((t) => messagesOn(admin, t.deadLetterTopic).catch(() => 0))),
    );
    if (deadLetters > 0)
      throw new Error(
        `${deadLetters} dead letter(s) on ${ccr.deadLetterTopic} / ${ohc.deadLetterTopic}: the events were not all ` +
          'projected, so the figures do not measure what they claim',
      );

    const results = summarise({
      commit: describeCommit(),
      startedAt: new Date(started).toISOString(),
      wallSeconds: (Date.now() - started) / 1000,
      ccr,
      ohc,
      checkpointRan,
      preload: { events: preloadEvents, seconds: round(preloadSeconds) },
      phases,
    });
    printResults(results);
    // For a comparison driver (BENCH_LONG_HISTORY_JSON), the bare results, as older checkouts write them too.
    const driverFile = process.env.BENCH_LONG_HISTORY_JSON;
    if (driverFile) await writeJsonFile(driverFile, results);
    const file = driverFile
      ? path.relative(process.cwd(), driverFile)
      : await writeResultsFile('long-history', results);
    process.stdout.write(`written to ${file}\n`);
    succeeded = true;
  } finally {
    await Promise.allSettled(projectors.map((p) => p.stop()));
    if (succeeded) for (const p of projectors) fs.rmSync(p.log, { force: true });
    await producer.disconnect().catch(() => undefined);
    for (const collaborative of ['CCR', 'OHC'])
      await pool.query(`drop schema if exists "${schemaOf(collaborative)}" cascade`).catch(() => undefined);
    await pool
      .query(`delete from projector_control.active_read_model where name like $1`, [
        `${runId.replace(/-/g, '_')}%`,
      ])
      .catch(() => undefined);
    await pool.end();
    const created = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
  }

  function providersOf(ics: IcsCode): Provider[] {
    const of = (type: Provider['type']) =>
      directory.providers({ ics, type }).find((p) => p.status === 'ACTIVE') ??
      directory.providers({ ics }).find((p) => p.status === 'ACTIVE');
    const providers = [of('GP_PRACTICE'), of('ACUTE_TRUST')].filter((p): p is Provider => p !== undefined);
    if (providers.length === 0) throw new Error(`no active provider in ${ics}`);
    return providers;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------------

const OBSERVATIONS = Object.values(MEASUREMENTS);
const HISTORY_START = Date.UTC(2015, 0, 1);

/** Version `version` of item `k` of a patient: an observation from one of its providers. */
function observation(
  rng: Random,
  patient: Patient,
  k: number,
  version: number,
  correlationId: string,
): ObservationRecorded {
  const provider = patient.providers[k % patient.providers.length];
  const effectiveAt = HISTORY_START + k * 3_600_000;
  const sourceRecordId = `lh-obs-${patient.nhsNumber}-${k}`;
  return {
    header: {
      ...syntheticHeader('ObservationRecorded', patient.nhsNumber, correlationId, sourceRecordId),
      occurredAt: effectiveAt,
      providerOdsCode: provider.odsCode,
      ics: patient.ics,
      collaborative: provider.collaborative,
      sourceRecordVersion: version,
      operation: version === 1 ? 'CREATE' : 'UPDATE',
    },
    ...measuredObservation(rng, OBSERVATIONS[k % OBSERVATIONS.length], effectiveAt),
  };
}

function newItem(rng: Random, patient: Patient, correlationId: string): ObservationRecorded {
  patient.versions.push(1);
  return observation(rng, patient, patient.versions.length - 1, 1, correlationId);
}

/** `count` events dealt round-robin over the patients: a new item, or a new version of one of their items. */
function phaseEvents(
  rng: Random,
  patients: readonly Patient[],
  count: number,
  correlationId: string,
): ObservationRecorded[] {
  const events: ObservationRecorded[] = [];
  for (let i = 0; i < count; i++) {
    const patient = patients[i % patients.length];
    if (patient.versions.length === 0 || rng.chance(SETTINGS.newItemShare))
      events.push(newItem(rng, patient, correlationId));
    else {
      const k = rng.below(patient.versions.length);
      events.push(observation(rng, patient, k, ++patient.versions[k], correlationId));
    }
  }
  return events;
}

interface Encoded {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
}

async function encode(
  serde: RecordChangeSerde,
  prefix: string,
  event: ObservationRecorded,
): Promise<Encoded> {
  return {
    topic: recordChangeTopic(event.header.ics, prefix),
    key: event.header.nhsNumber,
    value: await serde.encode('ObservationRecorded', event),
  };
}

/** One produce request (acks=all) with the messages, to their ICS topics, keyed by NHS number. */
async function send(producer: Producer, messages: readonly Encoded[]): Promise<void> {
  const byTopic = new Map<string, { key: string; value: Buffer }[]>();
  for (const m of messages) {
    const list = byTopic.get(m.topic) ?? [];
    list.push({ key: m.key, value: m.value });
    byTopic.set(m.topic, list);
  }
  await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
  });
}

/** Publishes events as fast as the broker takes them, 2,000 to a request, with a progress bar. */
async function publish(
  producer: Producer,
  serde: RecordChangeSerde,
  prefix: string,
  events: Iterable<ObservationRecorded>,
  count: number,
  label: string,
): Promise<void> {
  const bar = progressBar(label, count);
  let batch: Encoded[] = [];
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const flush = async () => {
    const request = send(producer, batch);
    batch = [];
    inFlight.add(request);
    void request.catch(() => undefined).finally(() => inFlight.delete(request));
    if (inFlight.size >= 4) await Promise.race(inFlight);
  };
  for (const event of events) {
    batch.push(await encode(serde, prefix, event));
    if (++sent % 2000 === 0) {
      assertNotInterrupted();
      await flush();
      bar.update(sent);
    }
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  bar.done();
}

/**
 * Sends the messages in order at `rate` per second (or all at once when `rate` is 0): one request at a time, each
 * with every message that has fallen due since the last, so the pace holds whatever a round trip takes. Resolves
 * with the time the last one was acknowledged.
 */
async function publishPaced(producer: Producer, messages: readonly Encoded[], rate: number): Promise<number> {
  const started = Date.now();
  let next = 0;
  while (next < messages.length) {
    const due =
      rate > 0
        ? Math.min(messages.length, Math.floor(((Date.now() - started) / 1000) * rate) + 1)
        : messages.length;
    if (due > next) {
      await send(producer, messages.slice(next, due));
      next = due;
    } else await sleep(5);
  }
  return Date.now();
}

// ---------------------------------------------------------------------------------------------------------------
// Positions: where the read models are, against the topics' ends
// ---------------------------------------------------------------------------------------------------------------

/** Partition -> offset, per topic. */
type Offsets = Map<string, Map<number, number>>;

interface Snapshot {
  readonly at: number;
  /** End offsets of CCR's record-change topics (and retry topic). */
  readonly sources: Offsets;
  /** End offsets of CCR's changelog. */
  readonly changelog: Map<number, number>;
  readonly lsn: string;
}

interface Sample {
  readonly at: number;
  readonly lsn: string;
  /** The CCR read model's positions on its record-change topics. */
  readonly ccr: Offsets;
  /** The OHC read model's positions on CCR's changelog (its remote view). */
  readonly ohc: Map<number, number>;
  readonly outbox: number;
  readonly changelogEnd: Map<number, number>;
}

/**
 * Reads the two read models' positions from their consumed_offset tables (what ConsumedOffsets keeps: the next
 * offset to project per topic partition, written in the batch's transaction) and the topics' end offsets.
 */
class Positions {
  private outboxTable = false;

  constructor(
    private readonly pool: Pool,
    readonly kafka: Kafka,
    readonly admin: Admin,
    private readonly ccrSchema: string,
    private readonly ohcSchema: string,
    readonly ccr: ProjectorTopology,
  ) {}

  /** After the projectors have migrated their schemas. Outbox depth is counted when the read model has one. */
  async init(): Promise<void> {
    const { rows } = await this.pool.query<{ present: boolean }>(
      `select to_regclass($1) is not null as present`,
      [`"${this.ccrSchema}".changelog_outbox`],
    );
    this.outboxTable = rows[0].present;
  }

  async snapshot(): Promise<Snapshot> {
    const sources: Offsets = new Map();
    for (const topic of this.ccr.recordChangeTopics) sources.set(topic, await endOffsets(this.admin, topic));
    return {
      at: Date.now(),
      sources,
      changelog: await endOffsets(this.admin, this.ccr.changelogTopic),
      lsn: await this.lsn(),
    };
  }

  async sample(): Promise<Sample> {
    const [changelogEnd, { rows }] = await Promise.all([
      endOffsets(this.admin, this.ccr.changelogTopic),
      this.pool.query<{ side: string; topic: string; partition: number; next_offset: string }>(
        `select 'ccr' as side, topic, partition, next_offset::text from "${this.ccrSchema}".consumed_offset
           where topic = any($1::text[]) and next_offset >= 0
         union all
         select 'ohc', topic, partition, next_offset::text from "${this.ohcSchema}".consumed_offset
           where topic = $2 and next_offset >= 0
         union all
         select 'lsn', pg_current_wal_lsn()::text, 0, '0'
         ${this.outboxTable ? `union all select 'outbox', '', 0, count(*)::text from "${this.ccrSchema}".changelog_outbox` : ''}`,
        [this.ccr.recordChangeTopics, this.ccr.changelogTopic],
      ),
    ]);
    const ccr: Offsets = new Map();
    const ohc = new Map<number, number>();
    let lsn = '';
    let outbox = 0;
    for (const row of rows) {
      if (row.side === 'ccr') {
        const topic = ccr.get(row.topic) ?? new Map<number, number>();
        topic.set(row.partition, Number(row.next_offset));
        ccr.set(row.topic, topic);
      } else if (row.side === 'ohc') ohc.set(row.partition, Number(row.next_offset));
      else if (row.side === 'lsn') lsn = row.topic;
      else outbox = Number(row.next_offset);
    }
    return { at: Date.now(), lsn, ccr, ohc, outbox, changelogEnd };
  }

  async lsn(): Promise<string> {
    const { rows } = await this.pool.query<{ lsn: string }>(`select pg_current_wal_lsn()::text as lsn`);
    return rows[0].lsn;
  }

  async walBetween(from: string, to: string): Promise<number> {
    const { rows } = await this.pool.query<{ bytes: string }>(
      `select pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn)::text as bytes`,
      [from, to],
    );
    return Number(rows[0].bytes);
  }
}

async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
}

async function messagesOn(admin: Admin, topic: string): Promise<number> {
  return sum((await admin.fetchTopicOffsets(topic)).map((p) => Number(p.high) - Number(p.low)));
}

/** Offsets of `sources` projected by CCR since `start` (each partition counted up to its end). */
function projectedSince(start: Snapshot, sample: Sample): number {
  let done = 0;
  for (const [topic, partitions] of start.sources)
    for (const [partition, from] of partitions) {
      const at = sample.ccr.get(topic)?.get(partition) ?? from;
      done += Math.max(0, at - from);
    }
  return done;
}

/** CCR has projected every offset of its record-change topics up to `ends`. */
function ccrReached(ends: Offsets, sample: Sample): boolean {
  for (const [topic, partitions] of ends)
    for (const [partition, end] of partitions)
      if (end > 0 && (sample.ccr.get(topic)?.get(partition) ?? 0) < end) return false;
  return true;
}

/**
 * OHC's remote view has consumed CCR's changelog to `ends`, less `slack`: a transactional partition's end offset is
 * one past its commit marker, which no consumer ever projects (see rebuild-read-model.ts, reached(..., 1n)).
 */
function ohcReached(ends: Map<number, number>, sample: Sample, slack: number): boolean {
  for (const [partition, end] of ends)
    if (end > 0 && (sample.ohc.get(partition) ?? 0) + slack < end) return false;
  return true;
}

interface Finish {
  /** The first poll at which CCR had projected everything and OHC had consumed the changelog to its end. */
  readonly at: number;
  readonly lsn: string;
  readonly changelog: ChangelogRange;
}

/**
 * Waits until CCR has projected every event published since `start` and OHC has consumed CCR's changelog to its
 * end, the changelog having stood still for STABLE_MS; then reads what the changelog gained, and finds the first poll
 * at which OHC's positions had passed its last message in every partition (exactly, whether or not commit markers
 * follow it).
 */
async function waitForBoth(
  positions: Positions,
  start: Snapshot,
  events: number,
  label: string,
  projectors: readonly RunningProjector[],
  published: Promise<unknown>,
  clockFrom = Date.now(),
): Promise<Finish> {
  const bar = progressBar(label, events);
  // The record-change topics' ends, once every event is published (CCR cannot have finished before).
  let ends: Offsets | undefined;
  let publishing = true;
  let failed: Error | undefined;
  published.then(
    () => (publishing = false),
    (error: unknown) => (failed = new Error(`publishing the events failed: ${errorMessage(error)}`)),
  );
  const samples: Sample[] = [];
  let stableSince: number | undefined;
  let stableEnd = '';
  for (;;) {
    assertNotInterrupted();
    for (const p of projectors) p.assertRunning();
    if (Date.now() - clockFrom > PHASE_TIMEOUT_MS) throw new Error(`${label}: not caught up in time`);
    if (failed) throw failed;
    if (!publishing && !ends) {
      ends = new Map();
      for (const topic of start.sources.keys()) ends.set(topic, await endOffsets(positions.admin, topic));
    }
    const sample = await positions.sample();
    samples.push(sample);
    const projected = projectedSince(start, sample);
    const behind = sum(
      [...sample.changelogEnd].map(([p, end]) => Math.max(0, end - (sample.ohc.get(p) ?? 0))),
    );
    bar.update(projected, `(OHC remote view ${behind} changelog offsets behind)`);
    const caughtUp =
      ends !== undefined &&
      ccrReached(ends, sample) &&
      sample.outbox === 0 &&
      ohcReached(sample.changelogEnd, sample, 1);
    // Caught up, with the changelog's end unmoved since: the clock of stability restarts whenever either changes.
    const endKey = JSON.stringify([...sample.changelogEnd]);
    if (!caughtUp || endKey !== stableEnd) {
      stableSince = caughtUp ? sample.at : undefined;
      stableEnd = endKey;
    } else {
      stableSince ??= sample.at;
      if (sample.at - stableSince >= STABLE_MS) break;
    }
    await sleep(POLL_MS);
  }
  const last = samples[samples.length - 1];
  const changelog = await readChangelog(positions, start.changelog, last.changelogEnd);
  // The exact end: OHC past the last message CCR published in each partition.
  const target = new Map([...changelog.lastMessage].map(([p, offset]) => [p, offset + 1]));
  const reachedEnds = ends as Offsets;
  const done = (s: Sample) => ccrReached(reachedEnds, s) && ohcReached(target, s, 0);
  while (!done(samples[samples.length - 1])) {
    assertNotInterrupted();
    if (Date.now() - clockFrom > PHASE_TIMEOUT_MS)
      throw new Error(`${label}: OHC did not reach the changelog's end`);
    await sleep(POLL_MS);
    samples.push(await positions.sample());
  }
  const first = samples.find(done) as Sample;
  bar.update(events);
  bar.done(`${round((events / (first.at - clockFrom)) * 1000)} events/s`);
  return { at: first.at, lsn: first.lsn, changelog };
}

// ---------------------------------------------------------------------------------------------------------------
// The changelog, as bytes
// ---------------------------------------------------------------------------------------------------------------

interface ChangelogRange {
  readonly messages: number;
  readonly tombstones: number;
  /** Key + value + header keys and values, of every message in the range. */
  readonly bytes: number;
  /** Offset of the last message (not commit marker) read, per partition that had any. */
  readonly lastMessage: Map<number, number>;
}

/**
 * Reads CCR's changelog from `from` to `to` (end offsets) as plain bytes, with a throwaway consumer group. Nothing
 * is decoded, so a changelog of whole records and one of items are counted alike.
 */
async function readChangelog(
  positions: Positions,
  from: Map<number, number>,
  to: Map<number, number>,
): Promise<ChangelogRange> {
  const range: ChangelogRange = { messages: 0, tombstones: 0, bytes: 0, lastMessage: new Map() };
  const pending = new Map(
    [...to]
      .filter(([p, end]) => end > (from.get(p) ?? 0))
      .map(([p, end]) => [p, { next: from.get(p) ?? 0, end }]),
  );
  if (pending.size === 0) return range;
  const topic = positions.ccr.changelogTopic;
  const groupId = `${topic}-bench-reader-${randomUUID()}`;
  const consumer = positions.kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxBytes: 64 * 1024 * 1024,
  });
  let counted = { messages: 0, tombstones: 0, bytes: 0 };
  const last = new Map<number, number>();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const advance = (partition: number, lastOffset: number) => {
    const state = pending.get(partition);
    if (state && lastOffset + 1 > state.next) state.next = lastOffset + 1;
    if ([...pending.values()].every((s) => s.next >= s.end)) finish();
  };
  // Batches of nothing but commit markers (or aborted records) never reach eachBatch; kafkajs reports them here.
  consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic === topic && payload.batchSize === 0)
      advance(payload.partition, Number(payload.lastOffset));
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      // Counts as it goes (nothing here waits); kafkajs hands over one partition's batches in order.
      eachBatch: ({ batch }) => {
        const state = pending.get(batch.partition);
        if (!state) return Promise.resolve();
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          // Below `next`: before the range, or already counted (a fetch from before the seek took effect).
          if (offset < state.next || offset >= state.end) continue;
          state.next = offset + 1;
          let bytes = (message.key?.length ?? 0) + (message.value?.length ?? 0);
          for (const [key, value] of Object.entries(message.headers ?? {}))
            for (const v of Array.isArray(value) ? value : [value])
              bytes += Buffer.byteLength(key) + (v === undefined ? 0 : Buffer.byteLength(v));
          counted = {
            messages: counted.messages + 1,
            tombstones: counted.tombstones + (message.value === null ? 1 : 0),
            bytes: counted.bytes + bytes,
          };
          last.set(batch.partition, offset);
        }
        advance(batch.partition, Number(batch.lastOffset()));
        return Promise.resolve();
      },
    });
    for (const [partition, state] of pending) consumer.seek({ topic, partition, offset: String(state.next) });
    const timeout = setTimeout(finish, 300_000);
    await finished;
    clearTimeout(timeout);
    const short = [...pending].filter(([, s]) => s.next < s.end);
    if (short.length > 0)
      throw new Error(`timed out reading ${topic}: partitions ${short.map(([p]) => p).join(', ')} not read`);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await positions.admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return { ...counted, lastMessage: last };
}

// ---------------------------------------------------------------------------------------------------------------
// The projectors, each in its own process as deployed
// ---------------------------------------------------------------------------------------------------------------

interface RunningProjector {
  readonly child: ChildProcess;
  /** Its output (warnings and errors), kept when the run fails. */
  readonly log: string;
  assertRunning(): void;
  stop(): Promise<void>;
}

async function startProjector(
  collaborative: 'CCR' | 'OHC',
  topology: ProjectorTopology,
  env: Record<string, string>,
): Promise<RunningProjector> {
  const port = await freePort();
  const log = path.join(os.tmpdir(), `${env.PROJECTOR_TOPIC_PREFIX}-${collaborative.toLowerCase()}.log`);
  const out = fs.openSync(log, 'a');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join('apps', 'projector', 'src', 'main.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...env,
        PROJECTOR_COLLABORATIVE: collaborative,
        PROJECTOR_HOST: '127.0.0.1',
        PROJECTOR_PORT: String(port),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', out, out],
    },
  );
  fs.closeSync(out);
  children.add(child);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `exited with ${code ?? signal}`;
      children.delete(child);
      resolve();
    }),
  );
  const assertRunning = () => {
    if (exited) throw new Error(`the ${collaborative} projector ${exited}; its output is in ${log}`);
  };
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exit;
    clearTimeout(killer);
  };
  const deadline = Date.now() + 180_000;
  for (;;) {
    assertRunning();
    if (interrupted) {
      await stop();
      assertNotInterrupted();
    }
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `the ${collaborative} projector was not ready within 3 minutes; its output is in ${log}`,
      );
    }
    await sleep(250);
  }
  process.stdout.write(
    `  ${collaborative} projector ready (pid ${child.pid}, reads ${topology.recordChangeTopics.length} topics and ` +
      `${topology.remoteChangelogTopic}; publishes ${topology.changelogTopic}; log ${log})\n`,
  );
  return { child, log, assertRunning, stop };
}

/**
 * CPU seconds so far of the given processes and of every Postgres process, per process (Linux /proc; none
 * elsewhere). Compare two readings with cpuSpent: a Postgres backend that ends in between takes its CPU with it.
 */
function cpuSeconds(pids: readonly (number | undefined)[]): CpuReading {
  const reading: CpuReading = { processes: new Map(), postgres: new Map() };
  const wanted = new Set(pids.filter((p): p is number => p !== undefined).map(String));
  for (const pid of fs.existsSync('/proc') ? fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)) : []) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
      if (wanted.has(pid)) reading.processes.set(pid, seconds);
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === 'postgres')
        reading.postgres.set(pid, seconds);
    } catch {
      // The process ended meanwhile.
    }
  }
  return reading;
}

interface CpuReading {
  readonly processes: Map<string, number>;
  readonly postgres: Map<string, number>;
}

/** CPU seconds spent between two readings by the processes alive at the second (new ones count from zero). */
function cpuSpent(before: CpuReading, after: CpuReading): { processes: number; postgres: number } {
  const spent = (b: Map<string, number>, a: Map<string, number>) =>
    sum([...a].map(([pid, seconds]) => Math.max(0, seconds - (b.get(pid) ?? 0))));
  return {
    processes: spent(before.processes, after.processes),
    postgres: spent(before.postgres, after.postgres),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------------------

/** A checkout's commit for labels: short, `+changes` when its tracked files differ (test/bench/results-file.ts). */
function describeCommit(cwd = REPO_ROOT): string {
  const { commit, dirty } = describeCheckout(cwd);
  if (commit === null) return 'unknown';
  return dirty ? `${commit.slice(0, 7)}+changes` : commit.slice(0, 7);
}

function summarise(run: {
  commit: string;
  startedAt: string;
  wallSeconds: number;
  ccr: ProjectorTopology;
  ohc: ProjectorTopology;
  checkpointRan: boolean;
  preload: { events: number; seconds: number };
  phases: PhaseResult[];
}): LongHistoryResults {
  const short = run.phases[0];
  const long = run.phases[run.phases.length - 1];
  const costs = [
    ['time', (p: PhaseResult) => p.seconds / p.events, 'ms/event', 1000],
    ['wal', (p: PhaseResult) => p.wal_bytes / p.events, 'B/event', 1],
    ['changelog', (p: PhaseResult) => p.changelog_bytes / p.events, 'B/event', 1],
  ] as const;
  const ratios = costs.map(([cost, perEvent]) => {
    const ratio = perEvent(short) > 0 ? perEvent(long) / perEvent(short) : Infinity;
    return {
      cost,
      long: long.history_items,
      short: short.history_items,
      ratio: round(ratio, 2),
      target: TARGET_RATIO,
      met: ratio <= TARGET_RATIO,
    };
  });
  const versus = `${short.history_items}-item histories, same run`;
  const results = [
    ...run.phases.flatMap((p) => [
      {
        metric: `long_history_${p.history_items}_items_throughput`,
        value: p.events_per_s,
        unit: 'events/s',
        baseline: versus,
        baseline_value: short.events_per_s,
        ratio: round(p.events_per_s / short.events_per_s, 3),
      },
      {
        metric: `long_history_${p.history_items}_items_wal_per_event`,
        value: p.wal_bytes_per_event,
        unit: 'B/event',
        baseline: versus,
        baseline_value: short.wal_bytes_per_event,
        ratio: round(p.wal_bytes_per_event / short.wal_bytes_per_event, 2),
      },
      {
        metric: `long_history_${p.history_items}_items_changelog_per_event`,
        value: p.changelog_bytes_per_event,
        unit: 'B/event',
        baseline: versus,
        baseline_value: short.changelog_bytes_per_event,
        ratio: round(p.changelog_bytes_per_event / short.changelog_bytes_per_event, 2),
      },
    ]),
    ...ratios.map((r) => ({
      metric: `long_history_${r.cost}_per_event_ratio_${r.long}_vs_${r.short}_items`,
      value: r.ratio,
      unit: 'x',
      baseline: `target ceiling`,
      baseline_value: TARGET_RATIO,
      ratio: round(r.ratio / TARGET_RATIO, 2),
    })),
  ];
  return {
    scenario: 'long-history',
    commit: run.commit,
    started_at: run.startedAt,
    wall_seconds: round(run.wallSeconds),
    changelog_topic: run.ccr.changelogTopic,
    remote_changelog_topic_of_ohc: run.ohc.remoteChangelogTopic,
    settings: { ...SETTINGS, checkpoint_ran: run.checkpointRan },
    preload: run.preload,
    phases: run.phases,
    ratios,
    results,
  };
}

const thousands = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 1 });

function printResults(results: LongHistoryResults): void {
  console.table(
    results.phases.map((p) => ({
      'history (items)': thousands(p.history_items),
      patients: thousands(p.patients),
      events: p.events,
      'events/s': thousands(p.events_per_s),
      'WAL B/event': thousands(p.wal_bytes_per_event),
      'idle WAL B/s': thousands(p.idle_wal_bytes_per_s),
      'changelog B/event': thousands(p.changelog_bytes_per_event),
      'changelog msgs': p.changelog_messages,
      'projector CPU ms/event': p.projector_cpu_ms_per_event,
      'Postgres CPU ms/event': p.postgres_cpu_ms_per_event,
    })),
  );
  for (const r of results.ratios)
    process.stdout.write(
      `${r.cost} per event, ${thousands(r.long)}-item over ${thousands(r.short)}-item histories: ${r.ratio}x ` +
        `(target <= ${r.target}x): ${r.met ? 'met' : 'NOT met'}\n`,
    );
  process.stdout.write(
    `run took ${results.wall_seconds} s (preload of ${results.preload.events} events ${results.preload.seconds} s); ` +
      `commit ${results.commit}; changelog ${results.changelog_topic}\n`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Against a baseline checkout
// ---------------------------------------------------------------------------------------------------------------

/** Runs the scenario in the baseline checkout and in this one, alternately, and prints them side by side. */
async function compareWithBaseline(baselineDir: string): Promise<void> {
  if (!fs.existsSync(path.join(baselineDir, SCRIPT)))
    throw new Error(
      `${baselineDir} has no ${SCRIPT}: BENCH_BASELINE_DIR must be a checkout with this scenario`,
    );
  const rounds = roundsFromEnvironment(process.env, 1);
  const runs: { side: 'baseline' | 'this'; dir: string; results: LongHistoryResults }[] = [];
  const started = Date.now();
  for (let n = 1; n <= rounds; n++)
    for (const [side, dir] of [
      ['baseline', baselineDir],
      ['this', REPO_ROOT],
    ] as const) {
      process.stdout.write(`\n=== round ${n}/${rounds}: ${side} (${dir}, ${describeCommit(dir)}) ===\n`);
      const file = path.join(os.tmpdir(), `bench-long-history-${Date.now()}-${side}.json`);
      await runChild(dir, file);
      runs.push({ side, dir, results: JSON.parse(fs.readFileSync(file, 'utf8')) as LongHistoryResults });
      fs.rmSync(file, { force: true });
    }

  process.stdout.write('\n');
  const rows: Record<string, Record<string, string | number>> = {};
  const label = (r: (typeof runs)[number], i: number) =>
    `${r.side} ${r.results.commit}${rounds > 1 ? ` #${Math.floor(i / 2) + 1}` : ''}`;
  runs.forEach((run, i) => {
    for (const p of run.results.phases) {
      const at = (name: string) => (rows[`${thousands(p.history_items)} items: ${name}`] ??= {});
      at('events/s')[label(run, i)] = thousands(p.events_per_s);
      at('WAL B/event')[label(run, i)] = thousands(p.wal_bytes_per_event);
      at('changelog B/event')[label(run, i)] = thousands(p.changelog_bytes_per_event);
      at('changelog messages')[label(run, i)] = p.changelog_messages;
    }
    for (const r of run.results.ratios)
      (rows[`ratio ${r.long}/${r.short} ${r.cost} (<= ${r.target}x)`] ??= {})[label(run, i)] =
        `${r.ratio}x ${r.met ? 'met' : 'NOT met'}`;
  });
  console.table(rows);
  const file = await writeResultsFile('long-history-vs-baseline', {
    scenario: 'long-history',
    wall_seconds: round((Date.now() - started) / 1000),
    runs,
  });
  process.stdout.write(`written to ${file}\n`);
}

function runChild(dir: string, jsonFile: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_LONG_HISTORY_JSON: jsonFile };
  delete env.BENCH_BASELINE_DIR;
  delete env.BENCH_SCENARIO;
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', SCRIPT], { cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`the scenario in ${dir} ended with ${code ?? signal}`)),
    );
  });
}
