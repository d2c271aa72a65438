import {
  createRecordChangeSerde,
  EventSerde,
  optOutTopic,
  recordChangeTopic,
  SchemaRegistryClient,
  SDE_NAMESPACE,
  SDE_SCHEMAS,
  sdePublisherDeadLetterTopic,
} from '@crosscare/events';
import { checkSourceCluster } from '@crosscare/database';
import { loadProviderDirectory, relayTransactionalId } from '@crosscare/governance';
import {
  createKafka,
  createRecordProducer,
  ensureTopics,
  RelayTransactions,
  type RecordProducer,
} from '@crosscare/kafka';
import { LagMonitor, registerCertificateExpiry, registerProcessMetrics } from '@crosscare/metrics';
import { DEFAULT_GRANTS_SCHEMA } from '@crosscare/subscribers';
import { loadSdeProjects, projectRowSchema, projectRowSubject, type SdeRecordMap } from '@crosscare/sde';
import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { SdeConsumer } from './consumer/sde-consumer';
import { grantExpiries, registerGrantExpiry } from './metrics/grant-expiry';
import { SdeMetrics } from './metrics/sde-metrics';
import { loadProjectKeys } from './project-keys';
import { ProjectOutput } from './publishing/project-output';
import { SdePublishing } from './publishing/sde-publishing';
import { SdeOutboxRelay } from './relay/sde-outbox-relay';
import type { SdePublisherConfig } from './sde-publisher-config';
import { sdeTopicSpecs } from './sde-topology';
import { openSdeDatabase, resetSdeStore } from './store/sde-database';
import { SdeStore } from './store/sde-store';

/** How often the consumer group's lag is measured. */
const LAG_INTERVAL_MS = 10_000;

/**
 * One publisher instance, built from validated configuration and started: the approved projects with their keys and
 * registered schemas, the consumer, and the outbox relay (when this instance holds the relay lock). A project whose
 * key is missing or whose schema is not registered stops the start, naming it.
 */
export class SdePublisherServices {
  private constructor(
    readonly config: SdePublisherConfig,
    readonly projects: readonly ProjectOutput[],
    readonly db: DataSource,
    readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: RecordProducer,
    readonly metrics: SdeMetrics,
    readonly consumer: SdeConsumer,
    readonly relay: SdeOutboxRelay,
    readonly lag: LagMonitor,
  ) {}

  static async start(config: SdePublisherConfig): Promise<SdePublisherServices> {
    const log = new Logger('SDE publisher');
    const approved = loadSdeProjects({ file: config.projectsFile });
    const keys = loadProjectKeys(approved, config.keysDir);
    const registry = new SchemaRegistryClient(config.schemaRegistry);
    const projects: ProjectOutput[] = [];
    for (const project of approved) {
      const subject = projectRowSubject(project);
      const registered = await registry.lookup(subject, projectRowSchema(project)).catch((error: unknown) => {
        throw new Error(
          `project ${project.id}: its row schema is not registered under ${subject} as the projects file derives ` +
            `it (run npm run schemas:register, which registers approved projects' schemas): ${String(error)}`,
        );
      });
      projects.push(new ProjectOutput(project, keys.get(project.id)!, registered.id, config.topicPrefix));
    }
    const directory = loadProviderDirectory();
    const sdeRecords = new EventSerde<SdeRecordMap>({
      registry,
      schemas: SDE_SCHEMAS,
      namespace: SDE_NAMESPACE,
    });
    await sdeRecords.resolveSchemaIds();
    const db = await openSdeDatabase(config.database, config.databaseSchema);
    const kafka = createKafka(config.kafka, {
      defaultClientId: 'crosscare-sde-publisher',
      logger: new Logger('Kafka'),
    });
    const admin = kafka.admin();
    const producer = createRecordProducer(kafka);
    const deadLetterTopic = sdePublisherDeadLetterTopic(config.topicPrefix);
    const recordChangeTopics = directory.icss().map((ics) => recordChangeTopic(ics.code, config.topicPrefix));
    const store = new SdeStore();
    try {
      await admin.connect();
      await ensureStoreFitsBrokers(
        db,
        admin,
        store,
        [...recordChangeTopics, optOutTopic(config.topicPrefix)],
        config,
        log,
      );
      await ensureTopics(admin, sdeTopicSpecs(projects, deadLetterTopic));
      await producer.connect();
    } catch (error) {
      await Promise.allSettled([admin.disconnect(), producer.disconnect(), db.destroy()]);
      throw error;
    }
    const metrics = new SdeMetrics({ instance: config.instanceId });
    registerProcessMetrics(metrics.registry);
    registerCertificateExpiry(metrics.registry, { 'kafka-ca': config.kafka.tls?.ca });
    // The publisher is the service that acts on SDE project grants; its role may read the register's table.
    registerGrantExpiry(
      metrics.registry,
      () => grantExpiries(db, DEFAULT_GRANTS_SCHEMA),
      (m) => log.warn(m),
    );
    // Its own producer, transactional, connected only while this instance relays: see SdeOutboxRelay.
    const relayTransactions = new RelayTransactions(kafka, {
      transactionalId: relayTransactionalId(config.groupId, config.databaseSchema),
    });
    const relay = new SdeOutboxRelay(db, relayTransactions, metrics, {
      leaderLockName: `crosscare-sde-relay:${config.databaseSchema}`,
      intervalMs: config.relayIntervalMs,
      log,
    });
    const publishing = new SdePublishing(
      projects,
      store,
      (notice) => sdeRecords.encode('SdeNotice', notice),
      (ods) => directory.provider(ods)?.type,
    );
    const consumer = new SdeConsumer(
      kafka,
      db,
      store,
      createRecordChangeSerde(registry),
      sdeRecords,
      publishing,
      producer,
      metrics,
      {
        groupId: config.groupId,
        recordChangeTopics,
        optOutTopic: optOutTopic(config.topicPrefix),
        deadLetterTopic,
        partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
        log,
        onQueued: () => relay.notify(),
      },
    );
    const lag = new LagMonitor({
      brokers: admin,
      positions: (topics) => store.positions.of(db, topics),
      topics: consumer.topics,
      group: config.groupId,
      metrics: metrics.lag,
      intervalMs: LAG_INTERVAL_MS,
      warn: (m) => log.warn(m),
    });
    const services = new SdePublisherServices(
      config,
      projects,
      db,
      kafka,
      admin,
      producer,
      metrics,
      consumer,
      relay,
      lag,
    );
    try {
      await startFreshStoreFromTheBeginning(admin, db, store, consumer, config.groupId, log);
      await consumer.start();
    } catch (error) {
      await services.stop();
      throw error;
    }
    relay.start();
    lag.start();
    return services;
  }

  /** Ready: consuming, and the database answers. */
  async readiness(): Promise<{ ready: boolean; consumer: string; database: string }> {
    const database = await this.db
      .query('select 1')
      .then(() => 'UP')
      .catch(() => 'DOWN');
    const consumer = this.consumer.state;
    return { ready: consumer === 'running' && database === 'UP', consumer, database };
  }

  async stop(): Promise<void> {
    await this.lag.stop();
    await this.consumer.stop().catch(() => undefined);
    await this.relay.stop().catch(() => undefined);
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/**
 * A store with no positions (new, or dropped to publish afresh) must see every event, whatever the group committed
 * before: its committed offsets go back to the earliest.
 */
async function startFreshStoreFromTheBeginning(
  admin: Admin,
  db: DataSource,
  store: SdeStore,
  consumer: SdeConsumer,
  groupId: string,
  log: Logger,
): Promise<void> {
  if ((await store.positions.of(db, consumer.topics)).length > 0) return;
  const committed = await admin.fetchOffsets({ groupId, topics: consumer.topics }).catch(() => []);
  for (const t of committed.filter((c) => c.partitions.some((p) => p.offset !== '-1'))) {
    await admin
      .resetOffsets({ groupId, topic: t.topic, earliest: true })
      .catch((error: unknown) => log.warn(`kept the group's offsets on ${t.topic}: ${String(error)}`));
  }
}

/**
 * A store consumed from another Kafka cluster, or from a topic since recreated, would resume at offsets that mean
 * nothing here, skip this cluster's events as consumed and publish nothing. The recorded cluster id catches the first;
 * a stored position past its partition's end catches the second, and a store that predates the recorded id. In
 * production either is a misconfiguration to stop on; the local stack, whose broker data may be recreated under a
 * database that stays, sets SDE_RESET_ON_NEW_CLUSTER to start afresh.
 */
async function ensureStoreFitsBrokers(
  db: DataSource,
  admin: Admin,
  store: SdeStore,
  topics: readonly string[],
  config: SdePublisherConfig,
  log: Logger,
): Promise<void> {
  const clusterId = (await admin.describeCluster()).clusterId;
  const check = await checkSourceCluster(db, clusterId);
  const misfit =
    check.outcome === 'different'
      ? `was consumed from Kafka cluster ${check.recorded}, but the brokers are cluster ${clusterId}`
      : await positionPastEnd(db, admin, store, topics);
  if (misfit === undefined) return;
  const schema = `the SDE store (schema ${config.databaseSchema})`;
  if (!config.resetOnNewCluster)
    throw new Error(
      `${schema} ${misfit}: point KAFKA_BROKERS at the right cluster, or empty the store ` +
        '(SDE_RESET_ON_NEW_CLUSTER=true) to publish every project afresh from these brokers',
    );
  log.warn(`${schema} ${misfit}; emptying it to publish afresh from cluster ${clusterId}`);
  await resetSdeStore(db);
  await checkSourceCluster(db, clusterId);
}

/** The first stored position beyond what its partition holds, described; undefined when every one is within. */
async function positionPastEnd(
  db: DataSource,
  admin: Admin,
  store: SdeStore,
  topics: readonly string[],
): Promise<string | undefined> {
  const positions = await store.positions.of(db, topics);
  for (const topic of new Set(positions.map((p) => p.topic))) {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
    for (const p of positions.filter((q) => q.topic === topic)) {
      const end = ends.get(p.partition) ?? 0n;
      if (p.nextOffset > end)
        return (
          `holds position ${p.nextOffset} of ${topic} partition ${p.partition}, past its end (${end}): the topic ` +
          "was recreated, or the positions are another cluster's"
        );
    }
  }
  return undefined;
}
