/**
 * npm run region:load -- [--patients N] [--seed N] [--prefix PREFIX] [--dry-run]
 *
 * Loads a seeded synthetic West Midlands region onto the six ICS record-change topics, as ingest would have
 * published it: Avro through the schema registry, keyed by NHS number, with ingest's message headers, through the
 * idempotent record producer. The region is generated twice (once to count and summarise it, once to send it) and
 * never held in memory, so any size streams. See LOAD_REGION_USAGE for the options.
 *
 * Exit codes: 0 loaded, 1 Kafka or the registry failed, 64 usage, 78 bad configuration.
 */
import {
  checkKafkaVariables,
  configOrExit,
  kafkaVariables,
  loadConfig,
  redactUrl,
  schemaRegistryVariables,
  toKafkaConfig,
  toSchemaRegistryConfig,
} from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { envWithRegistryCredentials, REGISTRY_TOOLS, stackPaths } from '@crosscare/local-stack';
import {
  createRecordChangeSerde,
  EVENT_TYPES,
  recordChangeTopic,
  SchemaRegistryClient,
  UnregisteredSchemaError,
  type EventType,
  type RecordChangeSerde,
} from '@crosscare/events';
import { loadProviderDirectory, type ProviderDirectory } from '@crosscare/governance';
import { createKafka, createRecordProducer, type RecordProducer } from '@crosscare/kafka';
import { progressBar } from '@crosscare/cli';
import type { Kafka } from 'kafkajs';
import { pickDemoPatient, type DemoPatient } from '../demo-patient';
import { generateRegion } from '../generate-region';
import type { RegionOptions } from '../region-options';
import { RegionTally, type RegionSummary } from '../region-summary';
import { LaneSender, type OutgoingRecord } from './lane-sender';
import {
  EXIT_USAGE,
  LOAD_REGION_USAGE,
  parseLoadRegionArgs,
  UsageError,
  type LoadRegionArgs,
} from './load-region-args';

const PROGRAM = 'region:load';
/** Batches in flight at once: enough to keep a broker busy while the next batches are encoded. */
const LANES = 4;
const BATCH_SIZE = 500;

async function main(argv: readonly string[]): Promise<number> {
  let args: LoadRegionArgs;
  try {
    args = parseLoadRegionArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${PROGRAM}: ${error.message}\n\n${LOAD_REGION_USAGE}\n`);
    return EXIT_USAGE;
  }
  if (args.help) {
    process.stdout.write(`${LOAD_REGION_USAGE}\n`);
    return 0;
  }

  const directory = loadProviderDirectory();
  const options: RegionOptions = { seed: args.seed, patients: args.patients, directory };
  step(`generating seed ${args.seed}: ${count(args.patients)} patients, directory ${directory.version}`);
  const tally = new RegionTally();
  for (const event of generateRegion(options)) tally.add(event);
  const summary = tally.summary();
  const demo = pickDemoPatient(options);
  describeRegion(args, summary, directory, demo);
  if (args.dryRun) {
    step('dry run: nothing sent');
    return 0;
  }

  const config = configOrExit(PROGRAM, () =>
    loadConfig(
      { ...kafkaVariables, ...schemaRegistryVariables },
      (v) => ({ kafka: toKafkaConfig(v), schemaRegistry: toSchemaRegistryConfig(v) }),
      // It only looks schemas up: the local stack's read-only tools user when no credentials are given.
      envWithRegistryCredentials(process.env, stackPaths(), REGISTRY_TOOLS),
      checkKafkaVariables,
    ),
  );
  step(`Kafka ${config.kafka.brokers.join(',')}, schema registry ${redactUrl(config.schemaRegistry.url)}`);
  const serde = createRecordChangeSerde(new SchemaRegistryClient(config.schemaRegistry));
  const kafka = createKafka(config.kafka, { defaultClientId: 'crosscare-region-loader' });
  await requireTopics(
    kafka,
    Object.keys(summary.byIcs).map((ics) => recordChangeTopic(ics, args.prefix)),
  );

  const producer = createRecordProducer(kafka);
  await producer.connect();
  try {
    const started = Date.now();
    const sent = await send(producer, serde, options, args.prefix, summary.events);
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    step(
      `sent ${count(sent)} events in ${seconds.toFixed(1)}s (${count(Math.round(sent / seconds))} events/s)`,
    );
  } finally {
    await producer.disconnect();
  }
  return 0;
}

/** The region once more, encoded and sent; answers how many events the brokers acknowledged. */
async function send(
  producer: RecordProducer,
  serde: RecordChangeSerde,
  options: RegionOptions,
  prefix: string,
  total: number,
): Promise<number> {
  const sender = new LaneSender({
    lanes: LANES,
    batchSize: BATCH_SIZE,
    send: (batch) => sendBatch(producer, batch),
  });
  const bar = progressBar(`${PROGRAM} sending`, total);
  let added = 0;
  for (const event of generateRegion(options)) {
    const { header } = event;
    await sender.add({
      topic: recordChangeTopic(header.ics, prefix),
      key: header.nhsNumber,
      value: await serde.encode(header.eventType as EventType, event),
      // The headers ingest sets, so consumers and tools cannot tell a loaded region from a live one.
      headers: {
        'crosscare-event-type': header.eventType,
        'crosscare-event-id': header.eventId,
        'crosscare-correlation-id': header.correlationId,
      },
    });
    if (++added % BATCH_SIZE === 0) bar.update(sender.sent);
  }
  await sender.flush();
  bar.update(sender.sent);
  bar.done();
  return sender.sent;
}

/** One batch may span several ICS topics: a send per topic, all at once (order matters per topic and key only). */
async function sendBatch(producer: RecordProducer, batch: readonly OutgoingRecord[]): Promise<void> {
  const byTopic = new Map<string, OutgoingRecord[]>();
  for (const record of batch) {
    const records = byTopic.get(record.topic);
    if (records === undefined) byTopic.set(record.topic, [record]);
    else records.push(record);
  }
  await Promise.all(
    [...byTopic].map(([topic, records]) =>
      producer.send({
        topic,
        messages: records.map(({ key, value, headers }) => ({ key, value, headers: { ...headers } })),
      }),
    ),
  );
}

/**
 * Brokers never create topics on demand here, and kafkajs would retry a missing one for a long time before
 * failing: say at once which are missing and what provisions them.
 */
async function requireTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0)
      throw new Error(
        `missing record-change topics ${missing.join(', ')}: npm run stack:up provisions them ` +
          '(with INGEST_TOPIC_PREFIX set for another --prefix)',
      );
  } finally {
    await admin.disconnect();
  }
}

function describeRegion(
  args: LoadRegionArgs,
  summary: RegionSummary,
  directory: ProviderDirectory,
  demo: DemoPatient | undefined,
): void {
  const duplicates = summary.nhsNumbers - args.patients;
  const span =
    summary.firstOccurredAt === undefined
      ? ''
      : `, ${isoDay(summary.firstOccurredAt)} to ${isoDay(summary.lastOccurredAt!)}`;
  step(
    `${count(summary.events)} events of ${count(args.patients)} patients` +
      `${duplicates > 0 ? ` (and ${duplicates} duplicate registration${duplicates === 1 ? '' : 's'}, merged)` : ''}` +
      ` from ${count(summary.providers)} providers${span}`,
  );
  const width = Math.max(...EVENT_TYPES.map((t) => t.length));
  for (const type of EVENT_TYPES) line(`${type.padEnd(width)} ${count(summary.byType[type]).padStart(10)}`);
  for (const ics of directory.icss()) {
    const events = summary.byIcs[ics.code] ?? 0;
    line(
      `${`${ics.code} ${ics.name} (${ics.collaborative})`.padEnd(width + 20)} ${count(events).padStart(10)}  ${recordChangeTopic(ics.code, args.prefix)}`,
    );
  }
  if (demo === undefined) {
    step('no patient in this region has records in both collaboratives');
  } else {
    const { gpPractice: gp, hospital } = demo;
    step(
      `demo patient ${demo.nhsNumber}: registered at ${gp.odsCode} ${gp.name} (${gp.ics}, ${gp.collaborative}), ` +
        `treated at ${hospital.odsCode} ${hospital.name} (${hospital.ics}, ${hospital.collaborative})`,
    );
  }
}

const isoDay = (at: number) => new Date(at).toISOString().slice(0, 10);

function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function step(message: string): void {
  process.stdout.write(`${PROGRAM} ▸ ${message}\n`);
}

function line(text: string): void {
  process.stdout.write(`  ${text}\n`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const hint =
      error instanceof UnregisteredSchemaError
        ? ' (npm run schemas:register registers the event schemas)'
        : '';
    process.stderr.write(`${PROGRAM} failed: ${errorMessage(error)}${hint}\n`);
    process.exit(1);
  },
);
