import { CrosscareError } from '@crosscare/errors';
import type { Admin, ITopicConfig } from 'kafkajs';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Omit to take the cluster's default.replication.factor. */
  readonly replicationFactor?: number;
  /** Topic-level configuration, e.g. { 'cleanup.policy': 'compact', 'retention.ms': '-1' }. */
  readonly config?: Readonly<Record<string, string>>;
}

export interface EnsureTopicsResult {
  readonly created: string[];
  readonly existing: string[];
}

export class TopicMismatchError extends CrosscareError {
  constructor(
    readonly topic: string,
    readonly expectedPartitions: number,
    readonly actualPartitions: number,
  ) {
    super(
      `topic ${topic} has ${actualPartitions} partitions but ${expectedPartitions} are required: ` +
        'partition counts are never changed automatically, because that moves keys to other partitions',
      { retriable: false },
    );
    this.name = 'TopicMismatchError';
  }
}

/**
 * Creates the topics that are missing and checks the partition count of those that exist. Safe to call from every
 * instance at start: a concurrent creation by another instance counts as existing.
 */
export async function ensureTopics(
  admin: Pick<Admin, 'listTopics' | 'createTopics' | 'fetchTopicMetadata'>,
  specs: readonly TopicSpec[],
  sleep?: (ms: number) => Promise<void>,
): Promise<EnsureTopicsResult> {
  const existingNames = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existingNames.has(s.name));
  const present = specs.filter((s) => existingNames.has(s.name));
  const created = missing.map((s) => s.name);

  if (missing.length > 0) {
    // createTopics answers false (not an error) when another instance won the race; either way the topics exist.
    // Its own wait for leaders is off: it retries "leader not available" but gives up at once on "does not host this
    // topic-partition", which a broker answers until it has applied the new topic (a projector stopped on start so).
    await admin.createTopics({ waitForLeaders: false, topics: missing.map(toTopicConfig) });
  }
  // The listed topics too: one that another service created a moment ago is listed before this broker hosts it.
  await waitUntilKnown(
    admin,
    specs.map((s) => s.name),
    undefined,
    sleep,
  );

  if (present.length > 0) {
    const metadata = await fetchKnownTopicMetadata(
      admin,
      present.map((s) => s.name),
      undefined,
      sleep,
    );
    for (const spec of present) {
      const topic = metadata.topics.find((t) => t.name === spec.name);
      const actual = topic?.partitions.length ?? 0;
      if (actual !== spec.partitions) throw new TopicMismatchError(spec.name, spec.partitions, actual);
    }
  }

  return { created, existing: present.map((s) => s.name) };
}

/**
 * Waits until the cluster's metadata has the topics with a leader for every partition. createTopics waits for
 * leaders as the controller sees them, but each broker learns of a topic on its own time (KRaft propagates metadata
 * asynchronously): on a cluster of several brokers, the next request may otherwise meet one that answers "does not
 * host this topic-partition".
 */
export async function waitUntilKnown(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: readonly string[],
  timeoutMs = 30_000,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  if (topics.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      const led = (name: string) => {
        const partitions = metadata.topics.find((t) => t.name === name)?.partitions ?? [];
        return partitions.length > 0 && partitions.every((p) => p.leader >= 0);
      };
      if (topics.every(led)) return;
    } catch (error) {
      if (!isNotYetKnown(error)) throw error;
    }
    if (Date.now() >= deadline)
      throw new Error(
        `topics ${topics.join(', ')} exist but the cluster's metadata did not show them with leaders within ${timeoutMs} ms`,
      );
    await sleep(delay);
  }
}

/**
 * The topics' metadata, asked again while the broker kafkajs picks has not applied them yet. waitUntilKnown saw one
 * broker's answer; kafkajs asks a broker at random and retries only on that one, so the next request can still meet
 * a broker answering "does not host this topic-partition" for a topic created a moment ago (a projector of a fresh
 * three-broker cluster failed to start so).
 */
export async function fetchKnownTopicMetadata(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: readonly string[],
  timeoutMs = 30_000,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<Awaited<ReturnType<Admin['fetchTopicMetadata']>>> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      return await admin.fetchTopicMetadata({ topics: [...topics] });
    } catch (error) {
      if (!isNotYetKnown(error) || Date.now() >= deadline) throw error;
    }
    await sleep(delay);
  }
}

function isNotYetKnown(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE';
}

function toTopicConfig(spec: TopicSpec): ITopicConfig {
  return {
    topic: spec.name,
    numPartitions: spec.partitions,
    replicationFactor: spec.replicationFactor ?? -1,
    configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
  };
}

/** The topic is not on the cluster, or the principal may not describe it (the broker does not say which). */
export class UnknownTopicError extends CrosscareError {
  constructor(readonly topic: string) {
    super(`topic ${topic} does not exist, or this principal may not describe it`, { retriable: false });
    this.name = 'UnknownTopicError';
  }
}

/**
 * How many partitions a topic has, for producers that choose partitions themselves (a key that extends the one the
 * topic is partitioned by). Lists the topics first: asking a broker for the metadata of a missing topic makes kafkajs
 * retry for seconds before it fails. A topic created a moment ago (a service's own, just ensured) may not be listed
 * yet by the broker asked: KRaft brokers apply new metadata each in their own time. So it is listed again, for up to
 * `waitMs`, before it is called missing.
 */
export async function topicPartitionCount(
  admin: Pick<Admin, 'listTopics' | 'fetchTopicMetadata'>,
  topic: string,
  waitMs = 10_000,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (let delay = 50; !(await admin.listTopics()).includes(topic); delay = Math.min(delay * 2, 1000)) {
    if (Date.now() >= deadline) throw new UnknownTopicError(topic);
    await sleep(delay);
  }
  const metadata = await fetchKnownTopicMetadata(admin, [topic]);
  const partitions = metadata.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
  if (partitions === 0) throw new UnknownTopicError(topic);
  return partitions;
}
