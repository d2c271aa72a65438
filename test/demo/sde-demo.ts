/**
 * npm run sde:demo: what a secure data environment receives, and what a patient's National Data Opt-out does to it.
 *
 * Against the running stack (npm run stack:up; the region npm run demo loads, or a small one loaded here when the ICS
 * topics are empty): a few rows of project diabetes-outcomes as its SDE team reads them, decoded with the registry;
 * then a patient with rows opts out (an OptOutChanged published as the opt-out import would, as its principal), the
 * publisher's REMOVE notice for the patient's pseudonym arrives and the project's topic holds a tombstone for each of
 * their rows; then the opt-out is withdrawn, the RESTORE notice arrives and the rows are back. Exit 1, naming what did
 * not happen, if a step does not happen in time; a failed run withdraws the opt-out it published.
 *
 * The demo plays both sides: the opt-out import, which knows patients by NHS number, and the SDE team, which knows
 * pseudonyms. It links the two only to choose a patient who has rows, with the project's key (as the publisher
 * does), and prints no NHS number: the patient is "patient #N" of the region.
 *
 * The local stack's by default; INGEST_TOPIC_PREFIX, SDE_PUBLISHER_URL, SDE_KEYS_DIR, SDE_PROJECTS_FILE and
 * SDE_DEMO_OPT_OUT_PRINCIPAL point it at another publisher (a second stack's, or a test's).
 */
import {
  checkKafkaVariables,
  configOrExit,
  kafkaVariables,
  loadConfig,
  schemaRegistryVariables,
  toKafkaConfig,
  toSchemaRegistryConfig,
  type KafkaConfig,
} from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import {
  EventSerde,
  optOutTopic,
  recordChangeTopic,
  SchemaRegistryClient,
  SDE_NAMESPACE,
  SDE_SCHEMAS,
  sdeNoticeTopic,
  sdeProjectTopic,
} from '@crosscare/events';
import { ICS_CODES, servicePrincipalName } from '@crosscare/governance';
import { createKafka, createRecordProducer, partitionOfKey, readFromStart } from '@crosscare/kafka';
import {
  DEFAULT_SDE_PUBLISHER_PORT,
  envWithRegistryCredentials,
  kafkaPasswordFile,
  localKafkaEnvironment,
  localTlsPaths,
  REGISTRY_TOOLS,
  REPO_ROOT,
  sdeKeysDir,
  stackPaths,
} from '@crosscare/local-stack';
import {
  loadSdeProjects,
  projectById,
  projectNamespace,
  projectRowSchema,
  type OptOutChanged,
  type Pseudonymiser,
  type SdeNotice,
  type SdeProject,
  type SdeRecordMap,
} from '@crosscare/sde';
import { DEFAULT_FIRST_NHS_SERIAL, patientNhsNumbers } from '@crosscare/synthetic-region';
import type { Kafka } from 'kafkajs';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadProjectKeys } from '../../apps/sde-publisher/src/project-keys';
import { firstCode, latestByKey, liveRows, rowsOf, type TopicEntry } from './sde-topic-view';

const PROJECT = 'diabetes-outcomes';
/** How long each step may take before the demo gives up, naming it. */
const STEP_TIMEOUT_MS = 60_000;
/** The demo region's size (npm run demo loads 200), and the small one loaded here when there is none. */
const REGION_PATIENTS = 200;
const SMALL_REGION_PATIENTS = 20;

type Row = Record<string, unknown>;

async function main(): Promise<void> {
  const started = Date.now();
  const paths = stackPaths();
  const env = envWithRegistryCredentials(process.env, paths, REGISTRY_TOOLS);
  const config = configOrExit('sde:demo', () =>
    loadConfig(
      { ...kafkaVariables, ...schemaRegistryVariables },
      (v) => ({ kafka: toKafkaConfig(v), registry: toSchemaRegistryConfig(v) }),
      env,
      checkKafkaVariables,
    ),
  );
  const prefix = process.env.INGEST_TOPIC_PREFIX?.trim() || undefined;
  const publisherUrl = process.env.SDE_PUBLISHER_URL ?? `http://127.0.0.1:${DEFAULT_SDE_PUBLISHER_PORT}`;
  const project = projectById(loadSdeProjects({ file: process.env.SDE_PROJECTS_FILE }), PROJECT);
  const dataTopic = sdeProjectTopic(project.id, project.output.version, prefix);
  const noticeTopic = sdeNoticeTopic(project.id, prefix);

  step(`the SDE publisher at ${publisherUrl}`);
  await publisherServes(publisherUrl, dataTopic);

  const kafka = createKafka(config.kafka, { defaultClientId: 'crosscare-sde-demo' });
  const registry = new SchemaRegistryClient(config.registry);
  const rows = new EventSerde<{ ProjectRow: Row }>({
    registry,
    schemas: { ProjectRow: projectRowSchema(project) },
    namespace: projectNamespace(project),
  });
  const sdeRecords = new EventSerde<SdeRecordMap>({
    registry,
    schemas: SDE_SCHEMAS,
    namespace: SDE_NAMESPACE,
  });

  step(
    `project ${project.id} (${project.agreement}) on ${dataTopic}, as its SDE team reads it from offset 0`,
  );
  let latest: ReadonlyMap<string, Buffer | null> = await readTopic(kafka, dataTopic);
  if (liveRows(latest) === 0) latest = await waitForFirstRows(kafka, dataTopic, prefix);
  const shown = [...latest.values()].filter((v): v is Buffer => v !== null).slice(0, 5);
  const decoded = await Promise.all(shown.map(async (value) => (await rows.decode(value)).event));
  console.table(
    decoded.map((row) => ({
      pseudonym: short(String(row.pseudonym)),
      eventType: row.eventType,
      occurred: row.occurred,
      code: firstCode(row) ?? '',
    })),
  );
  step(
    `${liveRows(latest)} rows in all; their schema holds the project's approved fields alone: no NHS number, name, ` +
      'address or free text',
  );

  const pseudonyms = projectPseudonyms(project, process.env.SDE_KEYS_DIR ?? sdeKeysDir(paths));
  const patient = choosePatient(latest, pseudonyms);
  const before = rowsOf(latest, patient.pseudonym).live;
  step(`patient #${patient.number} of the region, pseudonym ${short(patient.pseudonym)}, has ${before} rows`);

  const optOuts = await optOutPublisher(config.kafka, paths, prefix, sdeRecords);
  let optedOut = false;
  try {
    step(`patient #${patient.number} registers a National Data Opt-out (as the opt-out import)`);
    const removeSince = Date.now();
    await optOuts.publish(patient.nhsNumber, 'ACTIVE');
    optedOut = true;
    const removal = await waitForNotice(
      kafka,
      sdeRecords,
      noticeTopic,
      patient.pseudonym,
      'REMOVE',
      removeSince,
    );
    step(
      `notice on ${noticeTopic}: REMOVE ${short(removal.pseudonym)}, ${removal.reason}, ${removal.rows} rows`,
    );
    const removed = await waitForTopic(kafka, dataTopic, 'a tombstone for each of their rows', (view) => {
      const counts = rowsOf(view, patient.pseudonym);
      return counts.live === 0 && counts.tombstoned >= removal.rows ? counts : undefined;
    });
    step(
      `${dataTopic} read again: ${removed.tombstoned} tombstones, ${removed.live} rows of ${short(patient.pseudonym)} ` +
        `(${before} before); a store compacting the topic keeps none of them`,
    );

    step(`patient #${patient.number} withdraws the opt-out`);
    const restoreSince = Date.now();
    await optOuts.publish(patient.nhsNumber, 'WITHDRAWN');
    const restore = await waitForNotice(
      kafka,
      sdeRecords,
      noticeTopic,
      patient.pseudonym,
      'RESTORE',
      restoreSince,
    );
    optedOut = false;
    step(
      `notice on ${noticeTopic}: RESTORE ${short(restore.pseudonym)}, ${restore.reason}, ${restore.rows} rows`,
    );
    const restored = await waitForTopic(kafka, dataTopic, 'their rows back', (view) => {
      const counts = rowsOf(view, patient.pseudonym);
      return counts.live >= restore.rows ? counts : undefined;
    });
    step(`${dataTopic} read again: ${restored.live} rows of ${short(patient.pseudonym)} stand again`);
  } finally {
    // A run that failed half way leaves the patient as it found them.
    if (optedOut) await optOuts.publish(patient.nhsNumber, 'WITHDRAWN').catch(() => undefined);
    await optOuts.close();
  }
  step(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The publisher answers its health check, ready, and publishes the project's topic. */
async function publisherServes(url: string, dataTopic: string): Promise<void> {
  let body: { status?: string; projects?: { topic?: string }[] } | undefined;
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
    body = (await response.json()) as typeof body;
  } catch (error) {
    throw new Error(
      `the SDE publisher does not answer ${url}/health (${errorMessage(error)}): npm run stack:up`,
    );
  }
  if (body?.status !== 'UP')
    throw new Error(`the SDE publisher at ${url} is not ready: ${JSON.stringify(body)}`);
  if (!body.projects?.some((p) => p.topic === dataTopic))
    throw new Error(`the SDE publisher at ${url} does not publish ${dataTopic}`);
}

/** The topic as it is now, each key's last value. */
async function readTopic(kafka: Kafka, topic: string): Promise<Map<string, Buffer | null>> {
  const entries = await readFromStart<TopicEntry>(kafka, {
    topics: [topic],
    reader: 'crosscare-sde-demo',
    keep: ({ message }) => ({ key: message.key?.toString() ?? '', value: message.value }),
    until: 'end-offsets',
    timeoutMs: STEP_TIMEOUT_MS,
  });
  return latestByKey(entries);
}

/** Reads the topic again every second until `done` answers, or fails naming what never happened. */
async function waitForTopic<T>(
  kafka: Kafka,
  topic: string,
  what: string,
  done: (latest: ReadonlyMap<string, Buffer | null>) => T | undefined,
): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const answer = done(await readTopic(kafka, topic));
    if (answer !== undefined) return answer;
    if (Date.now() > deadline)
      throw new Error(`${topic} did not show ${what} within ${STEP_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * The project's first rows: the publisher catching up with the ICS topics, or, when those are empty (npm run demo
 * has not loaded its region), a small region loaded now as ingest would publish it.
 */
async function waitForFirstRows(
  kafka: Kafka,
  dataTopic: string,
  prefix: string | undefined,
): Promise<ReadonlyMap<string, Buffer | null>> {
  const admin = kafka.admin();
  await admin.connect();
  let events = 0n;
  try {
    for (const ics of ICS_CODES)
      for (const p of await admin.fetchTopicOffsets(recordChangeTopic(ics, prefix)))
        events += BigInt(p.high) - BigInt(p.low);
  } finally {
    await admin.disconnect();
  }
  if (events === 0n) {
    step(`the ICS topics are empty: loading a region of ${SMALL_REGION_PATIENTS} patients (as ingest)`);
    await loadSmallRegion(prefix);
  } else {
    step(`no rows yet: waiting for the publisher to read the ${events} events on the ICS topics`);
  }
  return waitForTopic(kafka, dataTopic, 'any row', (latest) => (liveRows(latest) > 0 ? latest : undefined));
}

/** npm run region:load as its own principal (ingest's), not the admin this demo runs as. */
async function loadSmallRegion(prefix: string | undefined): Promise<void> {
  const env = { ...process.env };
  for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD_FILE', 'SCHEMA_REGISTRY_URL'])
    delete env[name];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        path.join(REPO_ROOT, 'libs/local-stack/src/as-principal.ts'),
        servicePrincipalName('ingest'),
        path.join(REPO_ROOT, 'libs/synthetic-region/src/cli/load-region.ts'),
        '--patients',
        String(SMALL_REGION_PATIENTS),
        ...(prefix ? ['--prefix', prefix] : []),
      ],
      { env, stdio: 'inherit' },
    );
    child.on('exit', resolve);
  });
  if (code !== 0)
    throw new Error(`loading a region of ${SMALL_REGION_PATIENTS} patients failed (exit ${code})`);
}

/** The project's pseudonymiser, its key read as the publisher reads it. */
function projectPseudonyms(project: SdeProject, keysDir: string): Pseudonymiser {
  return loadProjectKeys([project], keysDir).get(project.id)!;
}

interface ChosenPatient {
  /** The patient's place in the region, from 1: all the demo ever prints of who they are. */
  readonly number: number;
  readonly nhsNumber: string;
  readonly pseudonym: string;
}

/** The region's first patient with rows on the topic (one with a standing opt-out has none). */
function choosePatient(latest: ReadonlyMap<string, Buffer | null>, pseudonyms: Pseudonymiser): ChosenPatient {
  for (let index = 0; index < REGION_PATIENTS; index++) {
    const nhsNumber = patientNhsNumbers(DEFAULT_FIRST_NHS_SERIAL, index).own;
    const pseudonym = pseudonyms.patient(nhsNumber);
    if (rowsOf(latest, pseudonym).live > 0) return { number: index + 1, nhsNumber, pseudonym };
  }
  throw new Error(
    `none of the region's first ${REGION_PATIENTS} patients has rows on the topic (was the region loaded with ` +
      "npm run region:load, and is SDE_KEYS_DIR the publisher's?)",
  );
}

interface OptOutPublisher {
  publish(nhsNumber: string, status: OptOutChanged['status']): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes National Data Opt-out changes as the opt-out import does: its own principal, the SDE serde, key
 * `<nhsNumber>/national-data-opt-out`, on the NHS number's partition (so a patient's opt-outs of every kind share one).
 */
async function optOutPublisher(
  kafkaConfig: KafkaConfig,
  paths: ReturnType<typeof stackPaths>,
  prefix: string | undefined,
  serde: EventSerde<SdeRecordMap>,
): Promise<OptOutPublisher> {
  // The stack's opt-out import, or SDE_DEMO_OPT_OUT_PRINCIPAL's (a test's own, its password in the same secrets).
  const principal = process.env.SDE_DEMO_OPT_OUT_PRINCIPAL?.trim() || servicePrincipalName('opt-out-import');
  if (!fs.existsSync(kafkaPasswordFile(paths, principal)))
    throw new Error(`the local stack has no password for ${principal}: npm run stack:up makes it`);
  const caFile = process.env.KAFKA_SSL_CA_FILE ?? localTlsPaths(paths).caFile;
  const asImport = loadConfig(
    kafkaVariables,
    toKafkaConfig,
    {
      ...process.env,
      ...localKafkaEnvironment({ bootstrap: [...kafkaConfig.brokers], caFile }, paths, principal),
    },
    checkKafkaVariables,
  );
  const kafka = createKafka(asImport, { defaultClientId: 'crosscare-sde-demo-opt-outs' });
  const topic = optOutTopic(prefix);
  const admin = kafka.admin();
  const producer = createRecordProducer(kafka);
  await admin.connect();
  let partitions: number;
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    partitions = metadata.topics[0].partitions.length;
  } finally {
    await admin.disconnect();
  }
  await producer.connect();
  return {
    async publish(nhsNumber, status) {
      const change: OptOutChanged = {
        changeId: randomUUID(),
        nhsNumber,
        kind: 'NATIONAL_DATA_OPT_OUT',
        status,
        statedOn: null,
        source: 'NDOP',
        sourceReference: 'sde-demo',
        recordedAt: Date.now(),
        correlationId: randomUUID(),
      };
      await producer.send({
        topic,
        messages: [
          {
            key: `${nhsNumber}/national-data-opt-out`,
            partition: partitionOfKey(nhsNumber, partitions),
            value: await serde.encode('OptOutChanged', change),
          },
        ],
      });
    },
    close: () => producer.disconnect(),
  };
}

/** The first notice of `action` for the pseudonym issued since `since`, or a failure naming it. */
async function waitForNotice(
  kafka: Kafka,
  serde: EventSerde<SdeRecordMap>,
  topic: string,
  pseudonym: string,
  action: SdeNotice['action'],
  since: number,
): Promise<SdeNotice> {
  step(`waiting for the ${action} notice of ${short(pseudonym)} on ${topic}`);
  const found = await readFromStart<SdeNotice>(kafka, {
    topics: [topic],
    reader: 'crosscare-sde-demo',
    keep: async ({ message }) => {
      if (message.key?.toString() !== pseudonym || !message.value) return undefined;
      const decoded = await serde.decode(message.value);
      if (decoded.type !== 'SdeNotice') return undefined;
      const notice = decoded.event;
      // Earlier runs' notices for the same patient are on the topic too (it is kept forever).
      return notice.action === action && notice.issuedAt >= since - 1000 ? notice : undefined;
    },
    until: (kept) => kept.length > 0,
    timeoutMs: STEP_TIMEOUT_MS,
  }).catch((error: unknown) => {
    throw new Error(`no ${action} notice for ${short(pseudonym)} on ${topic}: ${errorMessage(error)}`);
  });
  return found[0];
}

/** Enough of a pseudonym to tell rows apart on a screen. */
function short(pseudonym: string): string {
  return `${pseudonym.slice(0, 12)}…`;
}

function step(message: string): void {
  process.stdout.write(`▸ ${message}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`sde:demo: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
