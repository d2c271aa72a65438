import {
  createRecordChangeSerde,
  ingestRelayPositionTopic,
  optOutTopic,
  SchemaRegistryClient,
} from '@crosscare/events';
import { ensureR4DefinitionsLoaded } from '@crosscare/fhir';
import { loadProviderDirectory, recordKindOf, type ProviderDirectory } from '@crosscare/governance';
import { createKafka } from '@crosscare/kafka';
import { registerCertificateExpiry, registerProcessMetrics } from '@crosscare/metrics';
import { createOptOutSerde, optOutKafkaMessage, OptOutPartitions } from '@crosscare/opt-outs';
import { TokenBuckets } from '@crosscare/throttling';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ProviderAdmission } from './auth/provider-admission';
import { ProviderAuthenticator } from './auth/provider-authenticator';
import type { IngestConfig } from './ingest-config';
import { IngestMetrics } from './ingest-metrics';
import { FhirIntake } from './intake/fhir-intake';
import { Hl7v2Intake } from './intake/hl7v2-intake';
import { RecordChangeIntake, type Acceptance, type OptOutOutlet } from './intake/record-change-intake';
import { IngestOutboxRelay } from './relay/ingest-outbox-relay';
import { OutboxAcceptance } from './relay/outbox-acceptance';
import { registerRelayMetrics } from './relay/relay-metrics';
import { SocialCareIntake } from './intake/social-care-intake';
import { CredentialStore } from './storage/credential-store';
import { openIngestDatabase } from './storage/data-source';
import { IngestOutbox } from './storage/ingest-outbox';
import { SharedRecordLedger } from './storage/shared-record-ledger';

/**
 * Ingest wired once at start from validated config: the admission every route passes, one intake per format (each
 * given only the collaborators it uses), and what the health, directory and key routes read. Plain objects rather
 * than Nest providers: each takes its collaborators in its constructor, so tests build them the same way.
 */
export class IngestServices {
  private constructor(
    readonly config: IngestConfig,
    readonly db: DataSource,
    readonly directory: ProviderDirectory,
    readonly credentials: CredentialStore,
    readonly relay: IngestOutboxRelay,
    readonly optOuts: OptOutOutlet,
    readonly admission: ProviderAdmission,
    readonly fhir: FhirIntake,
    readonly hl7v2: Hl7v2Intake,
    readonly socialCare: SocialCareIntake,
    readonly metrics: IngestMetrics,
  ) {}

  static async start(config: IngestConfig): Promise<IngestServices> {
    // The directory first: a bad data file should stop the service before it opens any connection.
    const directory = loadDirectoryOf(config);
    // The R4 definitions are indexed before the first request rather than during it (most of a second).
    ensureR4DefinitionsLoaded();
    const db = await openIngestDatabase(config.database, config.databaseSchema);
    const credentials = new CredentialStore(db);
    const ledger = new SharedRecordLedger();
    const registry = new SchemaRegistryClient(config.schemaRegistry);
    const serde = createRecordChangeSerde(registry);
    const kafka = createKafka(config.kafka, {
      defaultClientId: 'crosscare-ingest',
      logger: new Logger('Kafka'),
    });
    const outbox = new IngestOutbox();
    // What GET /metrics serves: the process's own figures, the requests', the relay's; no provider's data.
    const metrics = new IngestMetrics();
    registerProcessMetrics(metrics.registry);
    registerCertificateExpiry(metrics.registry, { 'kafka-ca': config.kafka.tls?.ca });
    const relay: IngestOutboxRelay = ingestOutboxRelay(config, db, kafka, (count, acceptedAt) => {
      relayMetrics.published.inc(count);
      metrics.published(acceptedAt);
    });
    const relayMetrics = registerRelayMetrics(metrics.registry, db, outbox, relay);
    const outboxAcceptance = new OutboxAcceptance(db, outbox, relay, {
      maxPending: config.outboxMaxPending,
      refreshMs: 1_000,
      retryAfterSeconds: config.retryAfterSeconds,
    });
    const acceptance: Acceptance = {
      refusal: () => outboxAcceptance.refusal(),
      accepted: (events) => {
        outboxAcceptance.accepted();
        metrics.transactionEvents.observe(events);
      },
    };
    const optOuts = optOutOutlet(kafka, registry, config.topicPrefix);
    const records = new RecordChangeIntake(
      db,
      ledger,
      serde,
      outbox,
      acceptance,
      (sender, draft) => directory.policy.forbiddenReason(sender, recordKindOf(draft)) ?? null,
      optOuts,
      {
        topicPrefix: config.topicPrefix,
        retryAfterSeconds: config.retryAfterSeconds,
        maxEventBytes: config.limits.maxEventBytes,
      },
    );
    const admission = new ProviderAdmission(
      new ProviderAuthenticator(credentials, config.credentialCacheMs),
      directory,
      new TokenBuckets({ perMinute: config.limits.requestsPerMinute, burst: config.limits.burst }),
      config.limits,
    );
    const { maxEntries } = config.limits;
    relay.start();
    return new IngestServices(
      config,
      db,
      directory,
      credentials,
      relay,
      optOuts,
      admission,
      new FhirIntake(records, ledger, db, { maxEntries }),
      new Hl7v2Intake(admission, records),
      new SocialCareIntake(directory, records, { maxEntries }),
      metrics,
    );
  }

  /** Publishes what was accepted (for a while: see IngestOutboxRelay.stop), then lets go of Kafka and Postgres. */
  async stop(): Promise<void> {
    await this.relay.stop();
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/** The provider directory as this configuration names it (release and onboarding waves): for the service and CLIs. */
export function loadDirectoryOf(config: IngestConfig): ProviderDirectory {
  return loadProviderDirectory({
    dataDir: config.directoryDataDir,
    onboardingDirs: config.onboardingDirs.length > 0 ? config.onboardingDirs : undefined,
  });
}

/**
 * The relay of this configuration's outbox: the service's, and a command line's that accepts through the intake. One
 * lock per ledger schema, one transactional id per deployment (INGEST_RELAY_ID).
 */
export function ingestOutboxRelay(
  config: IngestConfig,
  db: DataSource,
  kafka: ReturnType<typeof createKafka>,
  onPublished?: (count: number, acceptedAt: readonly number[]) => void,
): IngestOutboxRelay {
  return new IngestOutboxRelay(db, kafka, {
    relayId: config.relayId,
    positionTopic: ingestRelayPositionTopic(config.topicPrefix),
    leaderLockName: `crosscare-ingest-relay:${config.databaseSchema}`,
    intervalMs: config.relayIntervalMs,
    transactionTimeoutMs: config.relayTimeoutMs,
    log: new Logger('IngestOutboxRelay'),
    onPublished,
  });
}

/**
 * Where ingest's opt-outs (GP practices' type 1 objections) go: the opt-out topic under the same prefix as the ICS
 * topics, its partition count learnt from the cluster at the first objection (so ingest starts without the topic, and
 * a deployment that lacks it fails only those requests, naming it).
 */
export function optOutOutlet(
  kafka: ReturnType<typeof createKafka>,
  registry: SchemaRegistryClient,
  topicPrefix: string,
): OptOutOutlet {
  const serde = createOptOutSerde(registry);
  const partitions = new OptOutPartitions(kafka, optOutTopic(topicPrefix));
  return { message: async (change) => optOutKafkaMessage(change, serde, await partitions.of()) };
}
