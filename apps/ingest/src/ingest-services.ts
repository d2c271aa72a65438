import { createRecordChangeSerde, SchemaRegistryClient, type RecordChangeSerde } from '@crosscare/events';
import { loadProviderDirectory, recordKindOf, type ProviderDirectory } from '@crosscare/governance';
import { createKafka, TransactionalPublisher } from '@crosscare/kafka';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ProviderAuthenticator } from './auth/provider-authenticator';
import type { IngestConfig } from './ingest-config';
import { ProviderRateLimiter } from './limits/rate-limiter';
import { RecordChangeIntake } from './intake/record-change-intake';
import { CredentialStore } from './storage/credential-store';
import { openIngestDatabase } from './storage/data-source';
import { SharedRecordLedger } from './storage/shared-record-ledger';

/**
 * Everything the ingest routes and the MLLP listener share, built once at start from validated config. Plain
 * objects rather than Nest providers: each takes its collaborators in its constructor, so tests build them the same
 * way.
 */
export class IngestServices {
  private constructor(
    readonly config: IngestConfig,
    readonly db: DataSource,
    readonly directory: ProviderDirectory,
    readonly credentials: CredentialStore,
    readonly authenticator: ProviderAuthenticator,
    readonly limiter: ProviderRateLimiter,
    readonly ledger: SharedRecordLedger,
    readonly serde: RecordChangeSerde,
    readonly publisher: TransactionalPublisher,
    readonly intake: RecordChangeIntake,
  ) {}

  static async start(config: IngestConfig): Promise<IngestServices> {
    // The directory first: a bad data file should stop the service before it opens any connection.
    const directory = loadDirectoryOf(config);
    const db = await openIngestDatabase(config.database, config.databaseSchema);
    const credentials = new CredentialStore(db);
    const ledger = new SharedRecordLedger();
    const serde = createRecordChangeSerde(new SchemaRegistryClient(config.schemaRegistry));
    const kafka = createKafka(config.kafka, {
      defaultClientId: 'crosscare-ingest',
      logger: new Logger('Kafka'),
    });
    const publisher = new TransactionalPublisher(kafka, {
      transactionalId: config.transactionalId,
      timeoutMs: config.publishTimeoutMs,
      lanes: config.publishLanes,
    });
    const intake = new RecordChangeIntake(
      db,
      ledger,
      serde,
      publisher,
      (sender, draft) => directory.policy.forbiddenReason(sender, recordKindOf(draft)) ?? null,
      { topicPrefix: config.topicPrefix, retryAfterSeconds: config.retryAfterSeconds },
    );
    return new IngestServices(
      config,
      db,
      directory,
      credentials,
      new ProviderAuthenticator(credentials, config.credentialCacheMs),
      new ProviderRateLimiter(config.limits.requestsPerMinute, config.limits.burst),
      ledger,
      serde,
      publisher,
      intake,
    );
  }

  async stop(): Promise<void> {
    await this.publisher.close();
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
