import {
  changelogTopic,
  projectorDeadLetterTopic,
  projectorRetryTopic,
  recordChangeTopic,
} from '@crosscare/events';
import type { Collaborative, CollaborativeCode } from '@crosscare/governance';
import type { TopicSpec } from '@crosscare/kafka';

/** Partitions of the topics a projector owns; the changelog's never change (keys would move). */
export const PROJECTOR_TOPIC_PARTITIONS = 6;

/** Which topics one collaborative's projector reads and writes. */
export interface ProjectorTopology {
  readonly collaborative: CollaborativeCode;
  /** Its ICSs' record-change topics, and its retry topic (dead letters re-driven). */
  readonly recordChangeTopics: readonly string[];
  /** The other collaborative's changelog, projected into the remote view. */
  readonly remoteChangelogTopic: string;
  readonly remoteCollaborative: CollaborativeCode;
  readonly changelogTopic: string;
  readonly deadLetterTopic: string;
  readonly retryTopic: string;
}

export function projectorTopology(
  collaborative: CollaborativeCode,
  collaboratives: readonly Collaborative[],
  prefix: string,
): ProjectorTopology {
  const own = collaboratives.find((c) => c.code === collaborative);
  const remote = collaboratives.find((c) => c.code !== collaborative);
  if (!own || !remote)
    throw new Error(`the provider directory has no collaborative ${collaborative} and another`);
  const retryTopic = projectorRetryTopic(collaborative, prefix);
  return {
    collaborative,
    recordChangeTopics: [...own.ics.map((ics) => recordChangeTopic(ics, prefix)), retryTopic],
    remoteChangelogTopic: changelogTopic(remote.code, prefix),
    remoteCollaborative: remote.code,
    changelogTopic: changelogTopic(collaborative, prefix),
    deadLetterTopic: projectorDeadLetterTopic(collaborative, prefix),
    retryTopic,
  };
}

/**
 * The topics a projector creates at start when missing: its changelog (compacted: a subscriber bootstrapping from
 * offset 0 reads each item's latest version and each patient's latest head, not every version), its dead letters and retries (kept until
 * deleted: a dead letter is a record change not yet in the read model), and the other side's changelog with the
 * same spec, so the two projectors can start in either order.
 */
export function projectorTopicSpecs(topology: ProjectorTopology, replicationFactor?: number): TopicSpec[] {
  const changelog = (name: string): TopicSpec => ({
    name,
    partitions: PROJECTOR_TOPIC_PARTITIONS,
    replicationFactor,
    // One message is one item (or a head), whatever the record's size: an event as large as an ICS topic accepts
    // (1 MiB, the broker's default) plus the item's identity fits in 2 MiB.
    config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000', 'max.message.bytes': '2097152' },
  });
  const kept = (name: string): TopicSpec => ({
    name,
    partitions: PROJECTOR_TOPIC_PARTITIONS,
    replicationFactor,
    config: { 'retention.ms': '-1' },
  });
  return [
    changelog(topology.changelogTopic),
    changelog(topology.remoteChangelogTopic),
    kept(topology.deadLetterTopic),
    kept(topology.retryTopic),
  ];
}
