import {
  createRecordChangeSerde,
  decodeFrame,
  EventSerde,
  optOutTopic,
  recordChangeTopic,
  registerContractSchemas,
  SchemaRegistryClient,
  SDE_NAMESPACE,
  SDE_SCHEMAS,
  type RecordChangeEvent,
  type RecordChangeSerde,
} from '@crosscare/events';
import { ICS_CODES } from '@crosscare/governance';
import { partitionOfKey, readFromStart, type RecordProducer } from '@crosscare/kafka';
import {
  loadSdeProjects,
  projectRowSchema,
  projectRowSubject,
  type OptOutChanged,
  type SdeNotice,
  type SdeProject,
  type SdeRecordMap,
} from '@crosscare/sde';
import { startTestRegistry, TestKafka, uniqueIdentifier, type TestRegistry } from '@crosscare/testing';
import * as avro from 'avsc';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { loadSdePublisherConfig } from '../sde-publisher-config';
import { SdePublisherServices } from '../sde-publisher-services';

/** One message of an SDE data topic as an SDE team reads it: a row, or a tombstone (value null). */
export interface SdeTopicMessage {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  /** The raw bytes, for scans of everything a team receives. */
  readonly raw: Buffer | null;
  readonly row: Record<string, unknown> | null;
}

/**
 * A private SDE setting for one suite: its own registry, ICS and opt-out topics under a unique prefix, the approved
 * projects with fresh random keys, and publishers started in-process on store schemas of their own. Real broker, real
 * Postgres, real registry.
 */
export class SdeUnderTest {
  private readonly pool: Pool;
  private readonly stores = new Set<string>();
  private readonly running: SdePublisherServices[] = [];
  private producerPromise?: Promise<RecordProducer>;

  private constructor(
    readonly kafka: TestKafka,
    readonly registry: TestRegistry,
    readonly client: SchemaRegistryClient,
    readonly prefix: string,
    readonly projects: readonly SdeProject[],
    readonly keysDir: string,
    readonly serde: RecordChangeSerde,
    readonly sdeSerde: EventSerde<SdeRecordMap>,
    readonly optOutPartitions: number,
  ) {
    this.pool = new Pool({ connectionString: registry.db.databaseUrl, max: 3 });
  }

  static async start(kind: string, partitions = 3): Promise<SdeUnderTest> {
    const registry = await startTestRegistry(`sde_${kind}`);
    const kafka = new TestKafka();
    const prefix = uniqueIdentifier(`sde_${kind}`).replace(/_/g, '-');
    const client = new SchemaRegistryClient({ url: registry.url });
    await registerContractSchemas(client);
    const projects = loadSdeProjects();
    for (const project of projects)
      await client.register(projectRowSubject(project), projectRowSchema(project));
    for (const ics of ICS_CODES)
      await kafka.createTopic({ name: recordChangeTopic(ics, prefix), partitions });
    await kafka.createTopic({
      name: optOutTopic(prefix),
      partitions,
      config: { 'cleanup.policy': 'compact' },
    });
    const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sde-keys-'));
    for (const project of projects) {
      fs.writeFileSync(path.join(keysDir, project.pseudonymisationKey), randomBytes(32).toString('hex'), {
        mode: 0o600,
      });
    }
    return new SdeUnderTest(
      kafka,
      registry,
      client,
      prefix,
      projects,
      keysDir,
      createRecordChangeSerde(client),
      new EventSerde<SdeRecordMap>({ registry: client, schemas: SDE_SCHEMAS, namespace: SDE_NAMESPACE }),
      partitions,
    );
  }

  project(id: string): SdeProject {
    const found = this.projects.find((p) => p.id === id);
    if (!found) throw new Error(`no project ${id}`);
    return found;
  }

  /** The key of a project, as the publisher reads it: for tests that recompute a pseudonym. */
  key(projectId: string): Buffer {
    return Buffer.from(
      fs.readFileSync(path.join(this.keysDir, this.project(projectId).pseudonymisationKey), 'utf8'),
      'hex',
    );
  }

  environment(store: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...this.kafka.environment,
      SCHEMA_REGISTRY_URL: this.registry.url,
      DATABASE_URL: this.registry.db.databaseUrl,
      DATABASE_POOL_SIZE: '6',
      SDE_DATABASE_SCHEMA: store,
      SDE_KEYS_DIR: this.keysDir,
      SDE_TOPIC_PREFIX: this.prefix,
      SDE_PUBLISHER_GROUP_ID: `${this.prefix}-${store}`,
      SDE_PUBLISHER_PORT: '0',
      SDE_PUBLISHER_RELAY_INTERVAL_MS: '50',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...extra,
    };
  }

  newStore(): string {
    const name = uniqueIdentifier('test_sde');
    this.stores.add(name);
    return name;
  }

  async startPublisher(
    store = this.newStore(),
    extra: NodeJS.ProcessEnv = {},
  ): Promise<SdePublisherServices> {
    const services = await SdePublisherServices.start(loadSdePublisherConfig(this.environment(store, extra)));
    this.running.push(services);
    return services;
  }

  async stopPublisher(services: SdePublisherServices): Promise<void> {
    this.running.splice(this.running.indexOf(services), 1);
    await services.stop();
  }

  async producer(): Promise<RecordProducer> {
    this.producerPromise ??= this.kafka.producer();
    return this.producerPromise;
  }

  /** Publishes record changes on their ICS topics, keyed by NHS number, as ingest does. */
  async publish(events: readonly RecordChangeEvent[]): Promise<void> {
    const producer = await this.producer();
    const byTopic = new Map<string, { key: string; value: Buffer }[]>();
    for (const event of events) {
      const topic = recordChangeTopic(event.header.ics, this.prefix);
      const list = byTopic.get(topic) ?? [];
      list.push({
        key: event.header.nhsNumber,
        value: await this.serde.encode(event.header.eventType as never, event as never),
      });
      byTopic.set(topic, list);
    }
    for (const [topic, messages] of byTopic) {
      for (let i = 0; i < messages.length; i += 500)
        await producer.send({ topic, messages: messages.slice(i, i + 500) });
    }
  }

  /** Publishes an opt-out change as the import or ingest would: keyed by NHS number and kind, by NHS number's partition. */
  async optOut(
    nhsNumber: string,
    kind: OptOutChanged['kind'],
    status: OptOutChanged['status'] = 'ACTIVE',
  ): Promise<void> {
    const producer = await this.producer();
    const change: OptOutChanged = {
      changeId: randomUUID(),
      nhsNumber,
      kind,
      status,
      statedOn: null,
      source: 'NDOP',
      sourceReference: 'test',
      recordedAt: Date.now(),
      correlationId: randomUUID(),
    };
    await producer.send({
      topic: optOutTopic(this.prefix),
      messages: [
        {
          key: `${nhsNumber}/${kind.toLowerCase().replace(/_/g, '-')}`,
          value: await this.sdeSerde.encode('OptOutChanged', change),
          partition: partitionOfKey(nhsNumber, this.optOutPartitions),
        },
      ],
    });
  }

  /** SQL on the suite's database as its admin: to inspect, or to tamper with, a publisher's store. */
  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query(sql, params)).rows as R[];
  }

  /** Waits until the publisher has consumed everything on its sources and relayed its outbox. */
  async settled(services: SdePublisherServices, timeoutMs = 60_000): Promise<void> {
    const admin = await this.kafka.connectedAdmin();
    const topics = services.consumer.topics;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ends = (await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t)))).flatMap((offsets, i) =>
        offsets.map((o) => ({ topic: topics[i], partition: o.partition, end: BigInt(o.high) })),
      );
      const positions = await services.db.query<{ topic: string; partition: number; next_offset: string }[]>(
        `select topic, partition, next_offset from consumed_offsets`,
      );
      const at = (t: string, p: number) =>
        BigInt(positions.find((r) => r.topic === t && r.partition === p)?.next_offset ?? '0');
      const caughtUp = ends.every((e) => e.end === 0n || at(e.topic, e.partition) >= e.end);
      const [{ pending }] = await services.db.query<{ pending: string }[]>(
        `select count(*) as pending from outbox`,
      );
      if (caughtUp && pending === '0') return;
      if (Date.now() > deadline)
        throw new Error(`the SDE publisher did not settle within ${timeoutMs} ms (outbox ${pending})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Every message of a topic from its start, decoded with the registry where it is a row. */
  async readTopic(topic: string): Promise<SdeTopicMessage[]> {
    const kafka = this.kafka.kafka;
    const types = new Map<number, avro.Type>();
    return readFromStart(kafka, {
      topics: [topic],
      reader: `${this.prefix}-reader`,
      until: 'end-offsets',
      timeoutMs: 60_000,
      keep: async ({ partition, message }) => {
        let row: Record<string, unknown> | null = null;
        if (message.value) {
          const { schemaId, payload } = decodeFrame(message.value);
          if (!types.has(schemaId))
            types.set(
              schemaId,
              avro.Type.forSchema(JSON.parse(await this.client.schemaById(schemaId)) as avro.Schema),
            );
          row = types.get(schemaId)!.fromBuffer(payload) as Record<string, unknown>;
        }
        return {
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          raw: message.value,
          row,
        };
      },
    });
  }

  /** The current state of a compacted data topic as a store applying it would hold: latest per key, tombstones removed. */
  static current(messages: readonly SdeTopicMessage[]): Map<string, Record<string, unknown>> {
    const state = new Map<string, Record<string, unknown>>();
    for (const m of messages) {
      if (m.row === null) state.delete(m.key);
      else state.set(m.key, m.row);
    }
    return state;
  }

  async readNotices(topic: string): Promise<SdeNotice[]> {
    const messages = await readFromStart(this.kafka.kafka, {
      topics: [topic],
      reader: `${this.prefix}-reader`,
      until: 'end-offsets',
      timeoutMs: 60_000,
      keep: async ({ message }) =>
        message.value ? (await this.sdeSerde.decode(message.value)).event : undefined,
    });
    return messages as SdeNotice[];
  }

  async close(): Promise<void> {
    for (const services of [...this.running]) await this.stopPublisher(services).catch(() => undefined);
    for (const store of this.stores)
      await this.pool.query(`drop schema if exists ${store} cascade`).catch(() => undefined);
    await this.pool.end();
    if (this.producerPromise) await (await this.producerPromise).disconnect().catch(() => undefined);
    // The publisher created its projects' topics under this suite's prefix: remove them with the rest.
    const admin = await this.kafka.connectedAdmin();
    const own = (await admin.listTopics()).filter((t) => t.startsWith(`${this.prefix}.`));
    await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await this.kafka.cleanup();
    await this.registry.close();
    fs.rmSync(this.keysDir, { recursive: true, force: true });
  }
}
