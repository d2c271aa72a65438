import { createRecordChangeSerde, SchemaRegistryClient } from '@crosscare/events';
import type { RecordProducer } from '@crosscare/kafka';
import { ChangelogSerde } from '@crosscare/read-model';
import type { Kafka } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { DeadLetterPublisher } from './consumer/dead-letter-publisher';
import { ProjectorConsumer, type ProjectorConsumerOptions } from './consumer/projector-consumer';
import type { ProjectorMetrics } from './metrics/projector-metrics';
import type { ProjectorConfig } from './projector-config';
import type { ProjectorTopology } from './projector-topology';
import { RecordChangeProjection } from './projection/record-change-projection';
import { RemoteViewProjection } from './projection/remote-view-projection';

/** What a projection pipeline reads from and writes to, connected by its caller. */
export interface PipelineConnections {
  readonly kafka: Kafka;
  /** Publishes the dead letters. */
  readonly producer: RecordProducer;
  /** The read model projected into: the schema serving it, or the fresh schema a rebuild fills. */
  readonly db: DataSource;
}

/** Where the live projector and a rebuild's replay differ. */
export interface PipelineOptions {
  /** The consumer group; dead letters name it too. */
  readonly groupId: string;
  /**
   * Write each change to the changelog outbox. Off while a rebuild replays: the serving read model keeps publishing,
   * and the switch publishes only what the rebuild changed.
   */
  readonly publishChangelog: boolean;
  /** First step of every batch transaction: throws when the read model no longer serves (a rebuild switched it). */
  readonly assertServing?: (tx: EntityManager) => Promise<void>;
  /** Failures already on the dead-letter topic (by failureIdentity), left out rather than published twice. */
  readonly alreadyDeadLettered?: ReadonlySet<string>;
  readonly metrics: ProjectorMetrics;
  readonly log: ProjectorConsumerOptions['log'];
  readonly onReadModelSwitched?: ProjectorConsumerOptions['onReadModelSwitched'];
  /** Called after a batch that wrote changelog messages has committed (the live projector wakes its relay). */
  readonly onChangelogWritten?: () => void;
}

/** A projection pipeline, not yet started. */
export interface ProjectorPipeline {
  /** Consumes the collaborative's topics and the other side's changelog into the two projections. */
  readonly consumer: ProjectorConsumer;
  /** The changelog's serde: the messages the pipeline (or a rebuild's switch) publishes. */
  readonly changelog: ChangelogSerde;
}

/**
 * The one place a projector's pipeline is wired: the consumer, the record-change and remote-view projections it
 * feeds, the dead-letter publisher they share and the serdes they decode and encode with. The live projector
 * (ProjectorServices) and a rebuild (rebuildReadModel) both build theirs here, so they project alike.
 */
export function projectorPipeline(
  config: ProjectorConfig,
  topology: ProjectorTopology,
  connections: PipelineConnections,
  options: PipelineOptions,
): ProjectorPipeline {
  const { kafka, producer, db } = connections;
  const registry = new SchemaRegistryClient(config.schemaRegistry);
  const changelog = new ChangelogSerde(registry, { register: false });
  const consumer = new ProjectorConsumer(
    kafka,
    db,
    topology,
    createRecordChangeSerde(registry),
    (key, value, sequenceHeader) => changelog.decode(key, value, sequenceHeader),
    new RecordChangeProjection(db, {
      collaborative: config.collaborative,
      publishChangelog: options.publishChangelog,
      changelog,
      assertServing: options.assertServing,
      onChangelogWritten: options.onChangelogWritten,
    }),
    new RemoteViewProjection(db, options.assertServing),
    new DeadLetterPublisher(
      producer,
      topology.deadLetterTopic,
      options.groupId,
      Date.now,
      options.alreadyDeadLettered,
    ),
    options.metrics,
    {
      groupId: options.groupId,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
      maxBytesPerPartition: config.maxBytesPerPartition,
      fetchMinBytes: config.fetchMinBytes,
      fetchMaxWaitMs: config.fetchMaxWaitMs,
      sessionTimeoutMs: config.sessionTimeoutMs,
      log: options.log,
      onReadModelSwitched: options.onReadModelSwitched,
      assertServing: options.assertServing,
    },
  );
  return { consumer, changelog };
}
