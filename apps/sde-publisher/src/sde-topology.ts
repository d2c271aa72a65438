import type { TopicSpec } from '@crosscare/kafka';
import type { ProjectOutput } from './publishing/project-output';

/** How long a tombstone outlives compaction: an SDE consumer offline longer must act on the notices instead. */
export const TOMBSTONE_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * The topics the publisher creates at start when missing. A project's data topic is compacted (an SDE store
 * bootstrapping from offset 0 reads each row's latest state, and a removed patient's rows not at all once compacted);
 * its notices are kept forever, the record of every removal a store must have acted on. Dead letters are kept until
 * deleted.
 */
export function sdeTopicSpecs(
  projects: readonly ProjectOutput[],
  deadLetterTopic: string,
  replicationFactor?: number,
): TopicSpec[] {
  return [
    ...projects.flatMap((p): TopicSpec[] => [
      {
        name: p.dataTopic,
        partitions: p.project.output.partitions,
        replicationFactor,
        config: {
          'cleanup.policy': 'compact',
          'min.compaction.lag.ms': '60000',
          'delete.retention.ms': String(TOMBSTONE_RETENTION_MS),
        },
      },
      {
        name: p.noticeTopic,
        partitions: p.project.output.partitions,
        replicationFactor,
        config: { 'retention.ms': '-1' },
      },
    ]),
    { name: deadLetterTopic, partitions: 1, replicationFactor, config: { 'retention.ms': '-1' } },
  ];
}
