import { optOutTopic, recordChangeTopic } from '@crosscare/events';
import { ICS_CODES } from '@crosscare/governance';
import { ensureTopics, TopicMismatchError, type EnsureTopicsResult, type TopicSpec } from '@crosscare/kafka';
import { silentProgress, type Progress } from './progress';
import { withLocalAdmin, type LocalKafkaAccess } from './readiness';
import { StackError } from './stack-error';

/** Partitions of each ICS's record-change topic; never changed on a live topic (keys would move). */
export const RECORD_CHANGE_PARTITIONS = 6;

/**
 * The six ICSs' record-change topics as the local stack provisions them. They are the event store, the source of
 * truth, so nothing ever ages out. min.insync.replicas is left to the brokers, which set it for their mode
 * (kafka-layout.ts).
 */
export function recordChangeTopicSpecs(replicationFactor: number, prefix?: string): TopicSpec[] {
  return ICS_CODES.map((ics) => ({
    name: recordChangeTopic(ics, prefix),
    partitions: RECORD_CHANGE_PARTITIONS,
    replicationFactor,
    config: { 'retention.ms': '-1' },
  }));
}

/**
 * The opt-out topic (OptOutChanged, libs/governance opt-outs) as the local stack provisions it: compacted, so that it
 * holds each patient's latest opt-out of each kind for ever, however many imports and objections came before; as
 * many partitions as the ICS topics, because it is partitioned by NHS number like them. min.insync.replicas is the
 * brokers', as for the ICS topics.
 */
export function optOutTopicSpec(replicationFactor: number, prefix?: string): TopicSpec {
  return {
    name: optOutTopic(prefix),
    partitions: RECORD_CHANGE_PARTITIONS,
    replicationFactor,
    config: { 'cleanup.policy': 'compact', 'retention.ms': '-1' },
  };
}

export interface RecordChangeTopicsOptions {
  readonly access: LocalKafkaAccess;
  readonly replicationFactor: number;
  /** Ingest's INGEST_TOPIC_PREFIX, when set: the topics must be the ones it publishes to. */
  readonly prefix?: string;
  readonly progress?: Progress;
}

/**
 * Creates the record-change topics and the opt-out topic (which ingest also writes) that are missing; an existing one
 * with other partitions is an error.
 */
export async function ensureRecordChangeTopics(
  options: RecordChangeTopicsOptions,
): Promise<EnsureTopicsResult> {
  const progress = options.progress ?? silentProgress;
  const icsTopics = recordChangeTopicSpecs(options.replicationFactor, options.prefix);
  const specs = [...icsTopics, optOutTopicSpec(options.replicationFactor, options.prefix)];
  const label =
    `Ensuring the ${icsTopics.length} record-change topics (${recordChangeTopic('<ics>', options.prefix)}) and ` +
    `the opt-out topic (${optOutTopic(options.prefix)}, compacted), ${RECORD_CHANGE_PARTITIONS} partitions, ` +
    `replication ${options.replicationFactor}`;
  const result = await progress
    .step(label, () =>
      withLocalAdmin(options.access, { timeoutMs: 30_000, retries: 5 }, (admin) =>
        ensureTopics(admin, specs),
      ),
    )
    .catch((error: unknown) => {
      if (error instanceof TopicMismatchError) {
        throw new StackError(`${error.message}; npm run stack:down -- --purge deletes the local topics`);
      }
      throw error;
    });
  if (result.created.length > 0) progress.info(`  created ${result.created.join(', ')}`);
  return result;
}
