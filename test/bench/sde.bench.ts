/**
 * npm run bench:sde   (needs the local stack: npm run stack:up; or KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL)
 *
 * The SDE publisher's throughput beside a consume-and-decode ceiling measured on the same broker and events in the
 * same run (target ≥ 0.5× the ceiling: the publisher does per event, per approved project, a minimisation, three
 * HMACs, an Avro encoding and a row in Postgres, and relays the rows to Kafka), then the time from an opt-out on the
 * opt-out topic to the last tombstone of that patient's rows on the project's topic (p50 / p99).
 *
 * Events are a synthetic region's (libs/synthetic-region), all six ICSs, on private topics; the projects are the
 * repository's approved ones, with random keys. The publisher consumes as a throwaway principal with exactly the SDE
 * publisher's grants for this run's topics; the bench itself (topics, schemas, publishing, clean-up) is the admin.
 * Writes bench/results/sde.json and prints a table.
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
import { errorStack } from '@crosscare/errors';
import {
  createRecordChangeSerde,
  EventSerde,
  optOutTopic,
  recordChangeTopic,
  registerContractSchemas,
  SchemaRegistryClient,
  SDE_NAMESPACE,
  SDE_SCHEMAS,
  sdeProjectTopic,
} from '@crosscare/events';
import {
  ICS_CODES,
  servicePrincipalName,
  servicePrincipals,
  loadProviderDirectory,
} from '@crosscare/governance';
import { createKafka, createRecordProducer, ensureTopics, partitionOfKey } from '@crosscare/kafka';
import { envWithRegistryCredentials, stackPaths } from '@crosscare/local-stack';
import {
  loadSdeProjects,
  projectRowSchema,
  projectRowSubject,
  Pseudonymiser,
  type SdeRecordMap,
} from '@crosscare/sde';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { generateRegion } from '@crosscare/synthetic-region';
import { loadSdePublisherConfig } from '../../apps/sde-publisher/src/sde-publisher-config';
import { SdePublisherServices } from '../../apps/sde-publisher/src/sde-publisher-services';
import { createBenchPrincipal, type BenchPrincipal } from './bench-principals';
import { consumeAndDecode, publishRegion } from './bench-region';
import { writeResultsFile } from './results-file';

const EVENTS = Number(process.env.BENCH_SDE_EVENTS ?? 100_000);
const OPT_OUTS = Number(process.env.BENCH_SDE_OPT_OUTS ?? 50);
const PARTITIONS = 6;
const TARGET_RATIO = 0.5;
const PROJECT = 'diabetes-outcomes';
/** publishRegion's seed: the opt-outs pick patients of the same region. */
const REGION_SEED = 20261125;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<void> {
  const env = loadConfig(
    { ...kafkaVariables, ...schemaRegistryVariables, ...databaseVariables },
    (v) => ({ kafka: toKafkaConfig(v), registry: toSchemaRegistryConfig(v), database: toDatabaseConfig(v) }),
    envWithRegistryCredentials(process.env, stackPaths()),
    checkKafkaVariables,
  );
  const runId = `bench-sde-${Date.now()}`;
  const prefix = runId;
  const kafka = createKafka(env.kafka, { defaultClientId: 'crosscare-bench' });
  const admin = kafka.admin();
  await admin.connect();
  const registry = new SchemaRegistryClient(env.registry);
  await registerContractSchemas(registry);
  const projects = loadSdeProjects();
  for (const project of projects)
    await registry.register(projectRowSubject(project), projectRowSchema(project));
  const serde = createRecordChangeSerde(registry);
  const topics = ICS_CODES.map((ics) => recordChangeTopic(ics, prefix));
  await ensureTopics(admin, [
    ...topics.map((name) => ({ name, partitions: PARTITIONS, config: { 'retention.ms': '-1' } })),
    { name: optOutTopic(prefix), partitions: PARTITIONS, config: { 'cleanup.policy': 'compact' } },
  ]);
  const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sde-keys-'));
  for (const project of projects)
    fs.writeFileSync(path.join(keysDir, project.pseudonymisationKey), randomBytes(32).toString('hex'), {
      mode: 0o600,
    });
  const store = runId.replace(/-/g, '_');
  const pool = new Pool({ connectionString: env.database.url, max: 2 });
  const naming = { topicPrefix: prefix, idPrefix: prefix };
  let principal: BenchPrincipal | undefined;
  let services: SdePublisherServices | undefined;
  try {
    const name = servicePrincipalName('sde-publisher', naming);
    const definition = servicePrincipals(loadProviderDirectory().collaboratives(), naming).find(
      (p) => p.name === name,
    );
    if (!definition) throw new Error(`no ${name} among the service principals`);
    principal = await createBenchPrincipal(env.kafka, admin, definition, stackPaths());
    const consumerKafka = createKafka(principal?.kafka ?? env.kafka, { defaultClientId: 'crosscare-bench' });
    process.stdout.write(
      `SDE benchmark ${runId}: ${EVENTS} events, ${projects.length} projects, ${OPT_OUTS} opt-outs; ` +
        `the contenders consume as ${principal?.name ?? '(the bench: PLAINTEXT)'}\n`,
    );
    await publishRegion(kafka, serde, prefix, EVENTS);
    const ceiling = await consumeAndDecode(
      consumerKafka,
      serde,
      topics,
      `${prefix}-sde-publisher-ceiling`,
      EVENTS,
    );

    services = await SdePublisherServices.start(
      loadSdePublisherConfig({
        ...process.env,
        ...(principal?.env ?? {}),
        SCHEMA_REGISTRY_URL: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081',
        DATABASE_URL: env.database.url,
        SDE_DATABASE_SCHEMA: store,
        SDE_KEYS_DIR: keysDir,
        SDE_TOPIC_PREFIX: prefix,
        SDE_PUBLISHER_GROUP_ID: `${prefix}-sde-publisher`,
        SDE_PUBLISHER_PORT: '0',
        LOG_LEVEL: 'error',
      }),
    );
    const metrics = services.metrics;
    const processed = async () =>
      (await metrics.events.get()).values
        .filter((v) => v.labels.outcome === 'processed')
        .reduce((n, v) => n + v.value, 0);
    const published = async () => (await metrics.published.get()).values.reduce((n, v) => n + v.value, 0);
    const bar = progressBar('SDE publisher (both projects, rows relayed to Kafka)', EVENTS);
    let done = 0;
    while ((done = await processed()) === 0) await sleep(20);
    const [started, first] = [Date.now(), done];
    while ((done = await processed()) < EVENTS) {
      bar.update(done);
      await sleep(100);
    }
    // Throughput counts the relay too: the clock stops when what the events produced is on the topics.
    const [{ rows }] = await services.db.query<{ rows: string }[]>(
      `select count(*) as rows from project_rows where not withheld`,
    );
    while ((await published()) < Number(rows)) await sleep(50);
    const rate = ((done - first) / (Date.now() - started)) * 1000;
    bar.done(`${round(rate)} events/s (${rows} rows)`);

    const latencies = await optOutToTombstone(kafka, registry, services, prefix, keysDir);
    const sorted = [...latencies].sort((a, b) => a - b);
    const results = [
      {
        metric: 'sde_publisher_throughput_vs_ceiling',
        value: round(rate),
        unit: 'events/s',
        baseline: 'raw kafkajs consume + Avro decode, no-op handler, same events',
        baseline_value: round(ceiling),
        ratio: round(rate / ceiling, 3),
      },
      {
        metric: 'sde_opt_out_to_tombstone_p50',
        value: round(percentile(sorted, 50)),
        unit: 'ms',
        baseline: `${latencies.length} opt-outs, one at a time, publisher caught up`,
        baseline_value: null,
        ratio: null,
      },
      {
        metric: 'sde_opt_out_to_tombstone_p99',
        value: round(percentile(sorted, 99)),
        unit: 'ms',
        baseline: `${latencies.length} opt-outs, one at a time, publisher caught up`,
        baseline_value: null,
        ratio: null,
      },
    ];
    const file = await writeResultsFile('sde', results);
    console.table(
      results.map((r) => ({
        metric: r.metric,
        value: `${r.value} ${r.unit}`,
        baseline: r.baseline_value === null ? r.baseline : `${r.baseline_value} ${r.unit}`,
        ratio: r.ratio,
      })),
    );
    const ratio = rate / ceiling;
    process.stdout.write(
      `SDE publisher ${ratio.toFixed(2)}× the ceiling (target ≥ ${TARGET_RATIO}×): ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}; ` +
        `opt-out to tombstone p50 ${round(percentile(sorted, 50))} ms, p99 ${round(percentile(sorted, 99))} ms; ` +
        `written to ${file}\n`,
    );
  } finally {
    await services?.stop();
    await pool.query(`drop schema if exists "${store}" cascade`).catch(() => undefined);
    await pool.end();
    const created = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await principal?.remove();
    await admin.disconnect();
    fs.rmSync(keysDir, { recursive: true, force: true });
  }
}

/**
 * Opts patients out one at a time and times each from the send of the opt-out to the arrival of the last tombstone
 * of their rows on the project's topic (seen by a consumer of that topic, as an SDE team would see it).
 */
async function optOutToTombstone(
  kafka: ReturnType<typeof createKafka>,
  registry: SchemaRegistryClient,
  services: SdePublisherServices,
  prefix: string,
  keysDir: string,
): Promise<number[]> {
  const project = services.projects.find((p) => p.id === PROJECT);
  if (!project) throw new Error(`no project ${PROJECT}`);
  const key = Buffer.from(
    fs.readFileSync(path.join(keysDir, project.project.pseudonymisationKey), 'utf8'),
    'hex',
  );
  const pseudonyms = new Pseudonymiser(key);
  // Patients with rows, and how many: each opt-out waits for that many tombstones.
  const candidates = await services.db.query<{ pseudonym: string; rows: string }[]>(
    `select pseudonym, count(*) as rows from project_rows where project = $1 and not withheld
      group by pseudonym order by pseudonym limit $2`,
    [PROJECT, OPT_OUTS * 4],
  );
  const rowsByPseudonym = new Map(candidates.map((c) => [c.pseudonym, Number(c.rows)]));
  // NHS numbers are not in the store: find them by recomputing pseudonyms over the region's numbers.
  const region = regionNhsNumbers(rowsByPseudonym, pseudonyms);
  const sdeSerde = new EventSerde<SdeRecordMap>({ registry, schemas: SDE_SCHEMAS, namespace: SDE_NAMESPACE });
  const producer = createRecordProducer(kafka);
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `${prefix}-tombstone-watch-${randomUUID()}` });
  await consumer.connect();
  const topic = sdeProjectTopic(project.id, project.project.output.version, prefix);
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  const tombstones = new Map<string, { seen: number; at: number }>();
  await consumer.run({
    eachMessage: ({ message }) => {
      if (message.value !== null) return Promise.resolve();
      const pseudonym = message.key?.toString().split('.')[0] ?? '';
      const entry = tombstones.get(pseudonym) ?? { seen: 0, at: 0 };
      tombstones.set(pseudonym, { seen: entry.seen + 1, at: Date.now() });
      return Promise.resolve();
    },
  });
  await sleep(3000); // the watcher's group joins before the first opt-out
  const latencies: number[] = [];
  const bar = progressBar('Opt-out → last tombstone on the project topic', Math.min(OPT_OUTS, region.length));
  for (const { nhsNumber, pseudonym } of region.slice(0, OPT_OUTS)) {
    const expected = rowsByPseudonym.get(pseudonym) ?? 0;
    const sent = Date.now();
    await producer.send({
      topic: optOutTopic(prefix),
      messages: [
        {
          key: `${nhsNumber}/national-data-opt-out`,
          partition: partitionOfKey(nhsNumber, PARTITIONS),
          value: await sdeSerde.encode('OptOutChanged', {
            changeId: randomUUID(),
            nhsNumber,
            kind: 'NATIONAL_DATA_OPT_OUT',
            status: 'ACTIVE',
            statedOn: null,
            source: 'NDOP',
            sourceReference: 'bench',
            recordedAt: sent,
            correlationId: randomUUID(),
          }),
        },
      ],
    });
    const deadline = sent + 60_000;
    while ((tombstones.get(pseudonym)?.seen ?? 0) < expected) {
      if (Date.now() > deadline) throw new Error(`no tombstones for an opted-out patient within 60 s`);
      await sleep(2);
    }
    latencies.push(tombstones.get(pseudonym)!.at - sent);
    bar.update(latencies.length);
  }
  bar.done();
  await consumer.disconnect();
  await producer.disconnect();
  return latencies;
}

/** The region's NHS numbers whose pseudonym has rows, paired with it (the store keeps pseudonyms only). */
function regionNhsNumbers(
  rows: ReadonlyMap<string, number>,
  pseudonyms: Pseudonymiser,
): { nhsNumber: string; pseudonym: string }[] {
  const found: { nhsNumber: string; pseudonym: string }[] = [];
  const seen = new Set<string>();
  const directory = loadProviderDirectory();
  for (const event of generateRegion({ seed: REGION_SEED, patients: Math.ceil(EVENTS / 12), directory })) {
    const nhs = event.header.nhsNumber;
    if (seen.has(nhs)) continue;
    seen.add(nhs);
    const pseudonym = pseudonyms.patient(nhs);
    if (rows.has(pseudonym)) found.push({ nhsNumber: nhs, pseudonym });
    if (found.length >= OPT_OUTS) break;
  }
  return found;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:sde: ${errorStack(error)}\n`);
  process.exit(1);
});
