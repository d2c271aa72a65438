import { ChangelogSerde, SEQUENCE_HEADER, type ReadChangelogMessage } from '@crosscare/read-model';
import { Logger } from '@nestjs/common';
import {
  createRecordChangeSerde,
  recordChangeTopic,
  registerContractSchemas,
  SchemaRegistryClient,
  type RecordChangeEvent,
  type RecordChangeSerde,
} from '@crosscare/events';
import { ICS_CODES, type CollaborativeCode } from '@crosscare/governance';
import { readFromStart, type RecordProducer } from '@crosscare/kafka';
import { ChangelogFold, type FoldFinding, type PatientRecord } from '@crosscare/projection';
import { startTestRegistry, TestKafka, uniqueIdentifier, type TestRegistry } from '@crosscare/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { Pool } from 'pg';
import { loadProjectorConfig } from '../projector-config';
import { ProjectorRuntime } from '../projector-runtime';
import { projectorTopology, type ProjectorTopology } from '../projector-topology';
import { loadProviderDirectory } from '@crosscare/governance';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * A private region for one suite: its own registry, its six ICS topics (a unique prefix), and projectors started
 * in-process or as child processes (to kill -9), each on a read model schema of its own. Real broker, real
 * Postgres, real registry.
 */
export class RegionUnderTest {
  private readonly pool: Pool;
  private readonly schemas = new Set<string>();
  private readonly running: ProjectorRuntime[] = [];
  private readonly children: ChildProcess[] = [];
  private producerPromise?: Promise<RecordProducer>;

  private constructor(
    readonly kafka: TestKafka,
    readonly registry: TestRegistry,
    readonly prefix: string,
    readonly serde: RecordChangeSerde,
    readonly changelogSerde: ChangelogSerde,
    readonly databaseUrl: string,
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 3 });
  }

  static async start(kind: string, partitions = 3): Promise<RegionUnderTest> {
    const registry = await startTestRegistry(`projector_${kind}`);
    const kafka = new TestKafka();
    const prefix = uniqueIdentifier(`proj_${kind}`).replace(/_/g, '-');
    const client = new SchemaRegistryClient({ url: registry.url });
    await registerContractSchemas(client);
    for (const ics of ICS_CODES)
      await kafka.createTopic({ name: recordChangeTopic(ics, prefix), partitions });
    return new RegionUnderTest(
      kafka,
      registry,
      prefix,
      createRecordChangeSerde(client),
      new ChangelogSerde(client, { register: false }),
      registry.db.databaseUrl,
    );
  }

  topology(collaborative: CollaborativeCode): ProjectorTopology {
    return projectorTopology(collaborative, loadProviderDirectory().collaboratives(), this.prefix);
  }

  /** A new, unique read model schema name (dropped by close()). */
  newSchema(collaborative: CollaborativeCode): string {
    const name = uniqueIdentifier(`test_rm_${collaborative.toLowerCase()}`);
    this.schemas.add(name);
    return name;
  }

  environment(
    collaborative: CollaborativeCode,
    schema: string,
    extra: NodeJS.ProcessEnv = {},
  ): NodeJS.ProcessEnv {
    return {
      ...this.kafka.environment,
      SCHEMA_REGISTRY_URL: this.registry.url,
      DATABASE_URL: this.databaseUrl,
      DATABASE_POOL_SIZE: '6',
      PROJECTOR_COLLABORATIVE: collaborative,
      PROJECTOR_DATABASE_SCHEMA: schema,
      PROJECTOR_TOPIC_PREFIX: this.prefix,
      PROJECTOR_GROUP_ID: `${this.prefix}-${schema}`,
      PROJECTOR_PORT: '0',
      PROJECTOR_RELAY_INTERVAL_MS: '50',
      PROJECTOR_LAG_INTERVAL_SECONDS: '1',
      // The broker's minimum: a killed instance's partitions move on within seconds.
      PROJECTOR_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...extra,
    };
  }

  /** A projector in this process. */
  async startProjector(
    collaborative: CollaborativeCode,
    schema = this.newSchema(collaborative),
    extra: NodeJS.ProcessEnv = {},
  ): Promise<ProjectorRuntime> {
    const config = loadProjectorConfig(this.environment(collaborative, schema, extra));
    // Nest's console logger, as main.ts's service logger would be, writes only LOG_LEVEL and above (no app is created
    // here to set it): per-batch debug lines stay out of test output.
    Logger.overrideLogger(config.logLevels);
    const runtime = await ProjectorRuntime.start(config);
    this.running.push(runtime);
    return runtime;
  }

  async stopProjector(runtime: ProjectorRuntime): Promise<void> {
    this.running.splice(this.running.indexOf(runtime), 1);
    await runtime.stop();
  }

  /** A projector as a separate process (tsx, from source), for tests that kill it. */
  spawnProjector(
    collaborative: CollaborativeCode,
    schema: string,
    extra: NodeJS.ProcessEnv = {},
  ): ChildProcess {
    const child = spawn(
      process.execPath,
      // tsx as a loader of this very process (not its CLI, which runs the app in a grandchild): kill -9 must hit
      // the projector itself.
      ['--import', 'tsx', path.join('apps', 'projector', 'src', 'main.ts')],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...this.environment(collaborative, schema, extra) },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    this.children.push(child);
    return child;
  }

  /**
   * An operator's tool as a user runs it, `npm run <script> -- <args>`, with the projector's environment for this
   * region (`schema` is the read model's name): resolves with its exit code and what it wrote, once it has exited.
   */
  runTool(
    script: 'dlq' | 'projector:rebuild',
    args: readonly string[],
    collaborative: CollaborativeCode,
    schema: string,
  ): Promise<ToolRun> {
    return new Promise((resolve, reject) => {
      const child = spawn('npm', ['run', script, '--', ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...this.environment(collaborative, schema) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.children.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  async producer(): Promise<RecordProducer> {
    this.producerPromise ??= this.kafka.producer();
    return this.producerPromise;
  }

  /** Publishes events to their ICS topics as ingest would: keyed by NHS number, Avro, in the order given. */
  async publish(events: readonly RecordChangeEvent[]): Promise<void> {
    const producer = await this.producer();
    const byTopic = new Map<string, { key: string; value: Buffer }[]>();
    for (const event of events) {
      const topic = recordChangeTopic(event.header.ics, this.prefix);
      const value = await this.serde.encode(event.header.eventType as never, event as never);
      const list = byTopic.get(topic) ?? [];
      list.push({ key: event.header.nhsNumber, value });
      byTopic.set(topic, list);
    }
    for (const [topic, messages] of byTopic) await producer.send({ topic, messages });
  }

  /** Raw bytes on a topic, for poison messages. */
  async publishRaw(topic: string, key: string, value: Buffer): Promise<void> {
    await (await this.producer()).send({ topic, messages: [{ key, value }] });
  }

  query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return this.pool.query(sql, params).then((r) => r.rows as R[]);
  }

  /** The read model's items of a schema, in a stable order, for row-for-row comparison. */
  items(schema: string, where = 'true', params: unknown[] = []) {
    return this.query<ItemRow>(
      `select provider_ods_code, source_record_id, part, nhs_number, kind, ics, collaborative,
         source_record_version::text, event_id, event_type, removed, item
       from "${schema}".record_item where ${where}
       order by provider_ods_code, source_record_id, part`,
      params,
    );
  }

  /**
   * Reads a changelog from the beginning as a subscriber does (ChangelogFold), until `until` holds of the records
   * read so far: one per head, the patient's whole record as of that head. On a timeout, what was read.
   */
  async readChangelog(
    topic: string,
    until: (records: readonly ChangelogRecord[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<ChangelogRecord[]> {
    const fold = new ChangelogFold();
    const heads = (entries: readonly ChangelogEntry[]) =>
      entries.filter((e): e is ChangelogEntry & { record: PatientRecord } => e.record !== undefined);
    const entries = await this.readChangelogMessages(topic, (read) => until(heads(read)), timeoutMs, fold);
    return heads(entries);
  }

  /**
   * Reads a changelog's messages from the beginning, decoded, until `until` holds ('end-offsets': the whole topic as
   * it stood when the read began); on a timeout, what was read. kafkajs reads read_committed: an aborted relay
   * transaction's messages never reach the reader, as they never reach a subscriber.
   */
  readChangelogMessages(
    topic: string,
    until: ((entries: readonly ChangelogEntry[]) => boolean) | 'end-offsets',
    timeoutMs = 30_000,
    fold = new ChangelogFold(),
  ): Promise<ChangelogEntry[]> {
    return readFromStart(this.kafka.kafka, {
      topics: [topic],
      reader: 'changelog-reader',
      keep: async ({ partition, message }): Promise<ChangelogEntry> => {
        const key = message.key?.toString() ?? '';
        const sequenceHeader = message.headers?.[SEQUENCE_HEADER]?.toString();
        const decoded = await this.changelogSerde.decode(key, message.value, sequenceHeader);
        const { finding } = fold.apply(decoded);
        const nhsNumber = decoded.type === 'head' ? decoded.head.nhsNumber : decoded.nhsNumber;
        return {
          key,
          partition,
          offset: message.offset,
          sequenceHeader,
          bytes: (message.key?.length ?? 0) + (message.value?.length ?? 0),
          value: message.value,
          message: decoded,
          finding,
          record: decoded.type === 'head' ? fold.record(nhsNumber) : undefined,
        };
      },
      until,
      timeoutMs,
      onTimeout: 'return-partial',
    });
  }

  async close(): Promise<void> {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL');
    const steps = [
      ...this.running.map((s) => () => s.stop()),
      () => this.kafka.cleanup(),
      ...[...this.schemas].map((s) => () => this.pool.query(`drop schema if exists "${s}" cascade`)),
      () => this.pool.end(),
      () => this.registry.close(),
    ];
    for (const step of steps) await step().catch(() => undefined);
  }
}

export interface ItemRow {
  provider_ods_code: string;
  source_record_id: string;
  part: string;
  nhs_number: string;
  kind: string;
  ics: string;
  collaborative: string;
  source_record_version: string;
  event_id: string;
  event_type: string;
  removed: boolean;
  /** The item's event, Avro-encoded as stored (null for a tombstone). */
  item: Buffer | null;
}

/** One changelog message as a test reads it: decoded, with what the fold found, and the record at a head. */
export interface ChangelogEntry {
  readonly key: string;
  readonly partition: number;
  readonly offset: string;
  readonly sequenceHeader?: string;
  /** Key and value bytes. */
  readonly bytes: number;
  /** The value as published (null for a tombstone): a redelivered copy has the same bytes. */
  readonly value: Buffer | null;
  readonly message: ReadChangelogMessage;
  readonly finding?: FoldFinding;
  /** At a head: the patient's whole record as a subscriber holds it after the head. */
  readonly record?: PatientRecord;
}

/** A tool's run: its exit code (null when a signal ended it) and its output. */
export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A head as a test reads it, with the whole record a subscriber holds after it. */
export type ChangelogRecord = ChangelogEntry & { readonly record: PatientRecord };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
