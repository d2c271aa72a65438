import { recordChangeTopic } from '@crosscare/events';
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

export interface RecordChangeTopicsOptions {
  readonly access: LocalKafkaAccess;
  readonly replicationFactor: number;
  /** Ingest's INGEST_TOPIC_PREFIX, when set: the topics must be the ones it publishes to. */
  readonly prefix?: string;
  readonly progress?: Progress;
}

/** Creates the record-change topics that are missing; an existing one with other partitions is an error. */
export async function ensureRecordChangeTopics(
  options: RecordChangeTopicsOptions,
): Promise<EnsureTopicsResult> {
  const progress = options.progress ?? silentProgress;
  const specs = recordChangeTopicSpecs(options.replicationFactor, options.prefix);
  const label =
    `Ensuring the ${specs.length} record-change topics (${recordChangeTopic('<ics>', options.prefix)}, ` +
    `${RECORD_CHANGE_PARTITIONS} partitions, replication ${options.replicationFactor})`;
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
