import {
  assertOwnItemEncoding,
  ConsumedOffsets,
  dropReadModel,
  openReadModel,
  readChangelogContract,
  ReadModelControl,
} from '@crosscare/read-model';
import { checkSourceCluster } from '@crosscare/database';
import { loadProviderDirectory, relayTransactionalId } from '@crosscare/governance';
import {
  createKafka,
  createRecordProducer,
  ensureTopics,
  topicPartitionCount,
  RelayTransactions,
  type RecordProducer,
} from '@crosscare/kafka';
import { LagMonitor, registerCertificateExpiry, registerProcessMetrics } from '@crosscare/metrics';
import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { OutboxRelay } from './changelog/outbox-relay';
import type { ProjectorConsumer } from './consumer/projector-consumer';
import { ProjectorMetrics } from './metrics/projector-metrics';
import type { ProjectorConfig } from './projector-config';
import { projectorPipeline } from './projector-pipeline';
import { projectorTopicSpecs, projectorTopology, type ProjectorTopology } from './projector-topology';

/**
 * One projector instance, built from validated config and started: the consumer projecting into the read model,
 * the outbox relay publishing the changelog (when this instance holds the relay lock), and the lag monitor. Plain
 * objects, each taking its collaborators in its constructor, so tests build them the same way.
 */
export class ProjectorServices {
  private constructor(
    readonly config: ProjectorConfig,
    /** The schema this instance projects into. */
    readonly schema: string,
    readonly topology: ProjectorTopology,
    readonly db: DataSource,
    readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: RecordProducer,
    readonly metrics: ProjectorMetrics,
    readonly consumer: ProjectorConsumer,
    readonly relay: OutboxRelay,
    readonly lag: LagMonitor,
  ) {}

  /**
   * `schema` is the schema serving the read model named config.databaseSchema (the same until a rebuild switches
   * it); `onReadModelSwitched` is told when a batch finds that a rebuild switched it since.
   */
  static async start(
    config: ProjectorConfig,
    options: { schema?: string; onReadModelSwitched?: () => void } = {},
  ): Promise<ProjectorServices> {
    const log = new Logger(`Projector ${config.collaborative}`);
    const schema = options.schema ?? config.databaseSchema;
    const assertServing = (tx: EntityManager) =>
      ReadModelControl.assertServing(tx, config.databaseSchema, schema);
    const topology = projectorTopology(
      config.collaborative,
      loadProviderDirectory().collaboratives(),
      config.topicPrefix,
    );
    let db = await openReadModel(config.database, schema);
    const kafka = createKafka(config.kafka, {
      defaultClientId: `crosscare-projector-${config.collaborative.toLowerCase()}`,
      logger: new Logger('Kafka'),
    });
    const admin = kafka.admin();
    const producer = createRecordProducer(kafka);
    let changelogPartitions: number;
    try {
      await admin.connect();
      db = await ensureSameCluster(db, (await admin.describeCluster()).clusterId, config, schema, log);
      await assertOwnItemEncoding(db, schema);
      await ensureTopics(admin, projectorTopicSpecs(topology));
      changelogPartitions = await topicPartitionCount(admin, topology.changelogTopic);
      await warnIfChangelogIncomplete(db, topology.changelogTopic, log);
      await producer.connect();
    } catch (error) {
      await Promise.allSettled([admin.disconnect(), producer.disconnect(), db.destroy()]);
      throw error;
    }

    const metrics = new ProjectorMetrics({
      collaborative: config.collaborative,
      instance: config.instanceId,
    });
    // Here, not in ProjectorMetrics: a rebuild's metrics are never served, and need no event-loop monitor.
    registerProcessMetrics(metrics.registry);
    registerCertificateExpiry(metrics.registry, { 'kafka-ca': config.kafka.tls?.ca });
    // Its own producer, transactional, connected only while this instance relays: see OutboxRelay.
    const relayTransactions = new RelayTransactions(kafka, {
      transactionalId: relayTransactionalId(config.groupId, schema),
    });
    const relay = new OutboxRelay(db, relayTransactions, metrics, {
      changelogTopic: topology.changelogTopic,
      changelogPartitions,
      leaderLockName: `crosscare-changelog-relay:${schema}`,
      intervalMs: config.relayIntervalMs,
      log,
    });
    const { consumer, changelog } = projectorPipeline(
      config,
      topology,
      { kafka, producer, db },
      {
        groupId: config.groupId,
        publishChangelog: true,
        assertServing,
        metrics,
        log,
        onReadModelSwitched: options.onReadModelSwitched,
        onChangelogWritten: () => relay.notify(),
      },
    );
    // The projector only looks its changelog schemas up (the admin/CI principal registers them): one it cannot find
    // stops the start, naming the subject, instead of the first change.
    await changelog.resolveSchemaIds();
    // One group reads the ICS topics and the other side's changelog: its lag covers both.
    const offsets = new ConsumedOffsets();
    const lag = new LagMonitor({
      brokers: admin,
      positions: (topics) => offsets.all(db, topics),
      topics: consumer.topics,
      group: config.groupId,
      metrics: metrics.lag,
      intervalMs: config.lagIntervalMs,
      warn: (m) => log.warn(m),
    });
    const services = new ProjectorServices(
      config,
      schema,
      topology,
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
      await consumer.start();
    } catch (error) {
      await services.stop();
      throw error;
    }
    relay.start();
    lag.start();
    return services;
  }

  /** Ready: the consumer runs and the database answers. An instance with no partitions (a standby) is ready too. */
  async readiness(): Promise<{ ready: boolean; consumer: string; database: string }> {
    const database = await this.db
      .query('select 1')
      .then(() => 'UP')
      .catch(() => 'DOWN');
    const consumer = this.consumer.state;
    return { ready: consumer === 'running' && database === 'UP', consumer, database };
  }

  /** Stops consuming first (what is in flight commits or rolls back), then the relay, then the connections. */
  async stop(): Promise<void> {
    await this.lag.stop();
    await this.consumer.stop().catch(() => undefined);
    await this.relay.stop().catch(() => undefined);
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/**
 * A read model built from another Kafka cluster would resume at offsets that mean nothing here and skip this
 * cluster's events as already projected. In production that is a misconfiguration to stop on; the local stack, whose
 * broker data may be recreated under a database that stays, sets PROJECTOR_RESET_ON_NEW_CLUSTER to start afresh.
 */
async function ensureSameCluster(
  db: DataSource,
  clusterId: string,
  config: ProjectorConfig,
  schema: string,
  log: Logger,
): Promise<DataSource> {
  const check = await checkSourceCluster(db, clusterId);
  if (check.outcome !== 'different') return db;
  if (!config.resetOnNewCluster)
    throw new Error(
      `read model schema ${schema} was built from Kafka cluster ${check.recorded}, but the brokers are cluster ` +
        `${clusterId}: point KAFKA_BROKERS at the right cluster, or rebuild the read model (npm run projector:rebuild)`,
    );
  log.warn(
    `read model schema ${schema} was built from Kafka cluster ${check.recorded}; starting it afresh for ${clusterId}`,
  );
  await dropReadModel(db, schema);
  await db.destroy();
  const fresh = await openReadModel(config.database, schema);
  await checkSourceCluster(fresh, clusterId);
  return fresh;
}

/**
 * A read model migrated from the whole-record changelog publishes its changes on v2 from then on, but what it held
 * before is not on the v2 topic until a rebuild fills it: say so at every start until then.
 */
async function warnIfChangelogIncomplete(db: DataSource, topic: string, log: Logger): Promise<void> {
  if ((await readChangelogContract(db)).complete) return;
  log.warn(
    `${topic} does not yet hold what this read model held before its migration to the item-level changelog: ` +
      'run npm run projector:rebuild to fill it (subscribers see only changes made since the migration until then)',
  );
}
