import { checkSourceCluster } from '@crosscare/database';
import { errorMessage } from '@crosscare/errors';
import {
  createRecordChangeSerde,
  recordChangeTopic,
  SchemaRegistryClient,
  subscriptionsDeadLetterTopic,
} from '@crosscare/events';
import { DEFAULT_DELIVERY_POLICY, notificationBundle, topicByCode } from '@crosscare/fhir-subscriptions';
import { loadAccessRoles, loadProviderDirectory, type AccessRoles } from '@crosscare/governance';
import { readerTokenVerifier } from '@crosscare/identity';
import {
  createKafka,
  createRecordProducer,
  ensureTopics,
  type RecordProducer,
  type TopicSpec,
} from '@crosscare/kafka';
import { LagMonitor, registerCertificateExpiry, registerProcessMetrics } from '@crosscare/metrics';
import { activeSharingObjection, relationshipEvidence } from '@crosscare/projection';
import { ReadModelReader } from '@crosscare/read-model';
import { Logger } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { BindingTokens } from './access/binding-tokens';
import { HeaderSecrets } from './access/header-secrets';
import { SubscriberAccess } from './access/subscriber-access';
import { RecordChangeConsumer } from './consumer/record-change-consumer';
import { DeliveryWorker } from './delivery/delivery-worker';
import { NotificationContent } from './delivery/notification-content';
import { SourceEvents } from './delivery/source-events';
import { WebsocketChannel } from './delivery/websocket-channel';
import { encounterClassIn } from './matching/encounter-class';
import { firstCopies, matchRecordChanges, type PatientCare } from './matching/record-change-matcher';
import { SubscriptionIndex } from './matching/subscription-index';
import { DeliveryStore } from './store/delivery-store';
import { SubscriptionStore } from './store/subscription-store';
import {
  openSubscriptionsDatabase,
  readModelDataSource,
  resetConsumedState,
} from './store/subscriptions-database';
import { SubscriptionRequests } from './subscription-requests';
import type { SubscriptionsConfig } from './subscriptions-config';
import { SubscriptionsMetrics } from './subscriptions-metrics';

const DEAD_LETTER_PARTITIONS = 1;

/** The dead-letter topic as the service provisions it (and deploy/k8s declares it): kept for ever, for replay. */
export function subscriptionsDeadLetterTopicSpec(name: string, replicationFactor?: number): TopicSpec {
  return { name, partitions: DEAD_LETTER_PARTITIONS, replicationFactor, config: { 'retention.ms': '-1' } };
}
/** How often expired subscriptions are turned off and numbered events past their retention forgotten. */
const HOUSEKEEPING_MS = 60_000;
/** How often the consumer group's lag is measured. */
const LAG_INTERVAL_MS = 10_000;

/**
 * One subscription service instance, built from validated configuration and started: the API's collaborators, the
 * consumer that numbers record changes for subscriptions, and the delivery worker. Plain objects, each taking its
 * collaborators in its constructor, so tests build them the same way.
 */
export class SubscriptionsServices {
  private index: { version: string; index: SubscriptionIndex } | undefined;
  private housekeeping: NodeJS.Timeout | undefined;

  private constructor(
    readonly config: SubscriptionsConfig,
    readonly db: DataSource,
    private readonly readModelDb: DataSource,
    readonly kafka: Kafka,
    private readonly producer: RecordProducer,
    readonly store: SubscriptionStore,
    readonly roles: AccessRoles,
    readonly access: SubscriberAccess,
    readonly requests: SubscriptionRequests,
    readonly consumer: RecordChangeConsumer,
    readonly delivery: DeliveryWorker,
    readonly deliveries: DeliveryStore,
    readonly metrics: SubscriptionsMetrics,
    readonly websockets: WebsocketChannel,
    private readonly readModel: ReadModelReader,
    private readonly log: Logger,
    readonly lag: LagMonitor,
    private readonly lagAdmin: Admin,
  ) {}

  static async start(config: SubscriptionsConfig): Promise<SubscriptionsServices> {
    const log = new Logger('Subscriptions');
    // Reviewed data first: a bad file stops the service before it opens any connection.
    const directory = loadProviderDirectory();
    const roles = loadAccessRoles();
    const tokens = readerTokenVerifier(config.auth, log);
    const secrets = new HeaderSecrets(config.headerKey);
    const registry = new SchemaRegistryClient(config.schemaRegistry);
    const serde = createRecordChangeSerde(registry);
    await serde.resolveSchemaIds();
    const db = await openSubscriptionsDatabase(config.database, config.databaseSchema);
    const readModelDb = readModelDataSource(config.database, config.readModelSchema);
    const kafka = createKafka(config.kafka, {
      defaultClientId: 'crosscare-subscriptions',
      logger: new Logger('Kafka'),
    });
    const admin = kafka.admin();
    const producer = createRecordProducer(kafka);
    const deadLetterTopic = subscriptionsDeadLetterTopic(config.topicPrefix);
    const topics = directory.icss().map((ics) => recordChangeTopic(ics.code, config.topicPrefix));
    try {
      await readModelDb.initialize();
      await admin.connect();
      const cluster = await admin.describeCluster();
      const check = await checkSourceCluster(db, cluster.clusterId);
      if (check.outcome === 'different') {
        // The event numbers' positions belong to topics that no longer exist: forget them, keep the subscriptions.
        log.warn(
          `consumed positions belong to cluster ${check.recorded}, not ${cluster.clusterId}: starting afresh`,
        );
        await resetConsumedState(db);
        await checkSourceCluster(db, cluster.clusterId);
      }
      await ensureTopics(admin, [subscriptionsDeadLetterTopicSpec(deadLetterTopic)]);
      await producer.connect();
    } catch (error) {
      await Promise.allSettled([
        producer.disconnect(),
        db.destroy(),
        readModelDb.isInitialized ? readModelDb.destroy() : undefined,
      ]);
      throw error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }

    const store = new SubscriptionStore();
    const metrics = new SubscriptionsMetrics(
      { instance: config.instanceId },
      () => store.countByStatus(db),
      (m) => log.warn(m),
    );
    registerProcessMetrics(metrics.registry);
    registerCertificateExpiry(metrics.registry, { 'kafka-ca': config.kafka.tls?.ca });
    const readModel = new ReadModelReader(readModelDb, config.collaborative, config.readModelSchema);
    const care = async (nhsNumber: string): Promise<PatientCare> => {
      const set = await readModel.loadPatient(nhsNumber);
      return {
        evidence: relationshipEvidence(set.records, Date.now()),
        objects: activeSharingObjection(set.records) !== null,
        encounterClass: (provider, sourceRecordId) => encounterClassIn(set.records, provider, sourceRecordId),
      };
    };
    const access = new SubscriberAccess(tokens, roles, (ods) => directory.provider(ods), care);
    const source = new SourceEvents(kafka, serde, `${config.groupId}-reader`, config.eventCacheSize);
    const content = new NotificationContent(source, (ods) => directory.provider(ods)?.name);
    const deliveries = new DeliveryStore(db);
    const bindings = new BindingTokens(config.headerKey);
    // Filled below: binding and delivery wake each other.
    let wakeDelivery = () => {};
    const websockets = new WebsocketChannel(
      bindings,
      async (owner, ids) => {
        const bound: string[] = [];
        const handshakes = new Map<string, string>();
        for (const id of ids) {
          const row = await store.get(db, id);
          if (!row || row.ownerOdsCode !== owner || row.channelType !== 'websocket' || row.status === 'off')
            continue;
          await deliveries.bound(id, new Date());
          bound.push(id);
          handshakes.set(
            id,
            JSON.stringify(
              notificationBundle({
                type: 'handshake',
                subscription: {
                  id,
                  topicUrl: topicByCode(row.topic)!.url,
                  status: 'active',
                  eventsSinceSubscriptionStart: row.eventsSinceStart,
                },
                baseUrl: config.baseUrl,
                payload: row.payload,
                events: [],
                now: new Date().toISOString(),
              }),
            ),
          );
        }
        return { bound, handshakes };
      },
      () => wakeDelivery(),
      log,
    );
    const delivery = new DeliveryWorker(deliveries, store, db, secrets, content, websockets, metrics, {
      concurrency: config.delivery.concurrency,
      timeoutMs: config.delivery.timeoutMs,
      pollMs: config.delivery.pollMs,
      baseUrl: config.baseUrl,
      allowLocalEndpoints: config.delivery.allowLocalEndpoints,
      policy: {
        ...DEFAULT_DELIVERY_POLICY,
        initialMs: config.delivery.retryInitialMs,
        maxMs: config.delivery.retryMaxMs,
        failuresBeforeError: config.delivery.failuresBeforeError,
        errorRetryMs: config.delivery.errorRetryMs,
      },
      log,
    });
    wakeDelivery = () => delivery.notify();
    const requests = new SubscriptionRequests(db, store, access, secrets, content, bindings, {
      baseUrl: config.baseUrl,
      allowLocalEndpoints: config.delivery.allowLocalEndpoints,
      onChange: () => delivery.notify(),
    });
    const consumer = new RecordChangeConsumer(
      kafka,
      db,
      store,
      serde,
      async (tx, changes) => {
        const index = await services.currentIndex();
        const matches = await matchRecordChanges(changes, index, care);
        const now = new Date();
        const fresh = await store.firstSightings(tx, [...new Set(matches.map((m) => m.recordChangeId))], now);
        return store.number(tx, firstCopies(matches, fresh), now);
      },
      producer,
      metrics,
      {
        groupId: config.groupId,
        topics,
        deadLetterTopic,
        partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
        log,
      },
      (_numbered, changes) => {
        source.remember(changes);
        delivery.notify();
      },
    );
    // An admin client of its own for the lag: the start's one is closed once the topics are in place.
    const lagAdmin = kafka.admin();
    await lagAdmin.connect();
    const lag = new LagMonitor({
      brokers: lagAdmin,
      positions: (topics) => store.positions.of(db, topics),
      topics,
      group: config.groupId,
      metrics: metrics.lag,
      intervalMs: LAG_INTERVAL_MS,
      warn: (m) => log.warn(m),
    });
    const services: SubscriptionsServices = new SubscriptionsServices(
      config,
      db,
      readModelDb,
      kafka,
      producer,
      store,
      roles,
      access,
      requests,
      consumer,
      delivery,
      deliveries,
      metrics,
      websockets,
      readModel,
      log,
      lag,
      lagAdmin,
    );
    await consumer.start();
    delivery.start();
    lag.start();
    services.housekeeping = setInterval(() => void services.keepHouse(), HOUSEKEEPING_MS);
    services.housekeeping.unref();
    return services;
  }

  /**
   * The subscriptions to match against, reloaded when any changed (one cheap read per batch), so a subscription
   * created on any instance is matched from the next batch on.
   */
  async currentIndex(): Promise<SubscriptionIndex> {
    const version = await this.store.indexVersion(this.db);
    if (this.index?.version !== version) {
      const rows = await this.store.matchable(this.db);
      this.index = { version, index: new SubscriptionIndex(rows, this.roles) };
      this.metrics.subscriptions.set(this.index.index.size);
    }
    return this.index.index;
  }

  private async keepHouse(): Promise<void> {
    try {
      const now = Date.now();
      const ended = await this.deliveries.endExpired(new Date(now));
      if (ended > 0) this.log.log(`${ended} subscriptions reached their end and are off`);
      await this.store.prune(this.db, new Date(now - this.config.eventRetentionDays * 86_400_000));
    } catch (error) {
      this.log.warn(`housekeeping failed (it runs again): ${errorMessage(error)}`);
    }
  }

  /** Ready: the store and the read model answer, and the consumer runs. */
  async readiness(): Promise<{ ready: boolean; database: string; readModel: string; consumer: string }> {
    const database = await this.db
      .query('select 1')
      .then(() => 'UP')
      .catch(() => 'DOWN');
    const readModel = await this.readModel
      .isReady()
      .then((ready) => (ready ? 'UP' : 'MISSING'))
      .catch(() => 'DOWN');
    const consumer = this.consumer.state;
    return {
      ready: database === 'UP' && readModel === 'UP' && consumer === 'running',
      database,
      readModel,
      consumer,
    };
  }

  async stop(): Promise<void> {
    if (this.housekeeping) clearInterval(this.housekeeping);
    await this.lag.stop();
    await this.lagAdmin.disconnect().catch(() => undefined);
    await this.consumer.stop().catch(() => undefined);
    await this.websockets.close();
    await this.delivery.stop();
    await this.producer.disconnect().catch(() => undefined);
    if (this.readModelDb.isInitialized) await this.readModelDb.destroy();
    if (this.db.isInitialized) await this.db.destroy();
  }
}
