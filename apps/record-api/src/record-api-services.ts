import { errorMessage } from '@crosscare/errors';
import {
  accessAlertTopic,
  EventSerde,
  recordAccessAuditTopic,
  SchemaRegistryClient,
} from '@crosscare/events';
import {
  loadAccessRoles,
  loadProviderDirectory,
  type AccessRoles,
  type ProviderDirectory,
} from '@crosscare/governance';
import { readerTokenVerifier, type ReaderTokenVerifier } from '@crosscare/identity';
import {
  createKafka,
  createRecordProducer,
  ensureTopics,
  type RecordProducer,
  type TopicSpec,
} from '@crosscare/kafka';
import { registerCertificateExpiry, registerProcessMetrics } from '@crosscare/metrics';
import { ReadModelReader } from '@crosscare/read-model';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditTrail } from './audit/audit-trail';
import { AccessThrottle } from './access/access-throttle';
import { alertKeyOf, type AccessAlertRaised } from './audit/access-alert';
import { auditKeyOf, type RecordAccessed } from './audit/record-accessed';
import { AUDIT_NAMESPACE, RECORD_API_AUDIT_SCHEMAS } from './audit/record-accessed-schema';
import type { RecordApiConfig } from './record-api-config';
import { RecordApiMetrics } from './record-api-metrics';
import { SharedRecordReads } from './shared-record-reads';

export const AUDIT_TOPIC_PARTITIONS = 6;

/** The audit records the record API writes: one per request, and the privacy officer's alerts. */
type AuditRecords = { RecordAccessed: RecordAccessed; AccessAlertRaised: AccessAlertRaised };
/** Audit events are kept forever: the audit requirement outlives any operational retention window. */
const AUDIT_TOPIC_CONFIG = { 'retention.ms': '-1' };

/** The audit and alert topics as the record API provisions them (and deploy/k8s declares them). */
export function auditTopicSpecs(
  auditTopic: string,
  alertTopic: string,
  replicationFactor?: number,
): TopicSpec[] {
  return [auditTopic, alertTopic].map((name) => ({
    name,
    partitions: AUDIT_TOPIC_PARTITIONS,
    replicationFactor,
    config: AUDIT_TOPIC_CONFIG,
  }));
}

/**
 * Everything the record API's routes share, built once at start from validated config. Plain objects, each taking
 * its collaborators in its constructor, so tests build them the same way.
 */
export class RecordApiServices {
  private constructor(
    readonly config: RecordApiConfig,
    readonly db: DataSource,
    readonly directory: ProviderDirectory,
    readonly roles: AccessRoles,
    readonly readModel: ReadModelReader,
    /** Exposed so that tests can take the audit path down. */
    readonly auditProducer: RecordProducer,
    readonly audit: AuditTrail<AuditRecords>,
    readonly alerts: AuditTrail<AuditRecords>,
    readonly tokens: ReaderTokenVerifier,
    readonly reads: SharedRecordReads,
    /** What GET /metrics serves: reads, audit failures, HTTP and the process's own figures; no patient's data. */
    readonly metrics: RecordApiMetrics,
  ) {}

  static async start(config: RecordApiConfig): Promise<RecordApiServices> {
    const log = new Logger('RecordApi');
    // The reviewed data first: a bad file should stop the service before it opens any connection.
    const directory = loadProviderDirectory();
    const roles = loadAccessRoles();
    // So do a bad trusted-issuer list, a development issuer in production and an unreadable JWKS file.
    const tokens = readerTokenVerifier(config.auth, log);
    const db = readModelDataSource(config);
    const kafka = createKafka(config.kafka, {
      defaultClientId: 'crosscare-record-api',
      logger: new Logger('Kafka'),
    });
    const admin = kafka.admin();
    const producer = createRecordProducer(kafka);
    const topic = recordAccessAuditTopic(config.topicPrefix);
    const alertTopic = accessAlertTopic(config.topicPrefix);
    const registry = new SchemaRegistryClient(config.schemaRegistry);
    const serde = new EventSerde<AuditRecords>({
      registry,
      schemas: RECORD_API_AUDIT_SCHEMAS,
      namespace: AUDIT_NAMESPACE,
      autoRegister: false,
    });
    try {
      await db.initialize();
      await admin.connect();
      await ensureTopics(admin, auditTopicSpecs(topic, alertTopic));
      // The record API only looks its audit schemas up (the admin/CI principal registers them): one the registry does
      // not hold stops the start, naming the subject, rather than every read.
      await serde.resolveSchemaIds();
      await producer.connect();
    } catch (error) {
      await Promise.allSettled([producer.disconnect(), db.isInitialized ? db.destroy() : undefined]);
      throw error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }

    const send = (record: Parameters<RecordProducer['send']>[0]) => producer.send(record);
    const audit = new AuditTrail(serde, send, topic, config.auditTimeoutMs);
    const alerts = new AuditTrail(serde, send, alertTopic, config.auditTimeoutMs);
    const readModel = new ReadModelReader(db, config.collaborative, config.databaseSchema);
    const metrics = new RecordApiMetrics();
    registerProcessMetrics(metrics.registry);
    registerCertificateExpiry(metrics.registry, { 'kafka-ca': config.kafka.tls?.ca });
    const reads = new SharedRecordReads({
      records: readModel,
      history: readModel,
      linkBase: config.publicUrl ?? '',
      log: {
        accessed: (event) =>
          audit.record({
            name: 'RecordAccessed',
            value: event,
            key: auditKeyOf(event),
            correlationId: event.correlationId,
          }),
        alert: (event) =>
          alerts.record({
            name: 'AccessAlertRaised',
            value: event,
            key: alertKeyOf(event),
            correlationId: event.correlationId,
          }),
      },
      tokens,
      roles,
      organisation: (odsCode) => directory.provider(odsCode),
      throttle: new AccessThrottle(config.throttle),
      clock: Date.now,
      newId: randomUUID,
      onLogFailure: (error, correlationId) => {
        metrics.auditFailures.inc();
        log.error(`request ${correlationId} refused (503): ${errorMessage(error)}`);
      },
    });
    return new RecordApiServices(
      config,
      db,
      directory,
      roles,
      readModel,
      producer,
      audit,
      alerts,
      tokens,
      reads,
      metrics,
    );
  }

  /** Ready: Postgres answers and the projector has created the read model. */
  async readiness(): Promise<{ ready: boolean; database: string; readModel: string }> {
    const readModel = await this.readModel
      .isReady()
      .then((ready) => (ready ? 'UP' : 'MISSING'))
      .catch(() => 'DOWN');
    const database = readModel === 'DOWN' ? 'DOWN' : 'UP';
    return { ready: readModel === 'UP', database, readModel };
  }

  async stop(): Promise<void> {
    await this.auditProducer.disconnect().catch(() => undefined);
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/**
 * The projector's read model, read-only: every session defaults to read-only transactions, so no code path of this
 * service can write the projector's tables, whatever the database role allows.
 */
function readModelDataSource(config: RecordApiConfig): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.database.url,
    schema: config.databaseSchema,
    entities: [],
    extra: {
      max: config.database.poolSize,
      options: `-c search_path=${config.databaseSchema} -c default_transaction_read_only=on`,
    },
    applicationName: 'crosscare-record-api',
  });
}
