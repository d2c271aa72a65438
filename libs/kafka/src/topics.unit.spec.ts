import type { Admin } from 'kafkajs';
import {
  ensureTopics,
  fetchKnownTopicMetadata,
  TopicMismatchError,
  topicPartitionCount,
  UnknownTopicError,
  waitUntilKnown,
} from './topics';

type Metadata = Awaited<ReturnType<Admin['fetchTopicMetadata']>>;

const notHosted = Object.assign(new Error('This server does not host this topic-partition'), {
  type: 'UNKNOWN_TOPIC_OR_PARTITION',
});
const led = (name: string, leader = 1): Metadata => ({
  topics: [
    { name, partitions: [{ partitionId: 0, leader, replicas: [1], isr: [1], partitionErrorCode: 0 }] },
  ],
});

/** A broker whose metadata answers are given in turn: an error to throw or metadata to return. */
function brokerAnswering(...answers: (Error | Metadata)[]) {
  const asked: number[] = [];
  const admin = {
    fetchTopicMetadata: () => {
      asked.push(asked.length);
      const answer = answers[Math.min(asked.length - 1, answers.length - 1)];
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  return { admin, asked };
}

const noWait = () => Promise.resolve();

describe('waitUntilKnown', () => {
  it('given a broker that does not know the topic yet, then a leader-less one, asks again until it is led', async () => {
    const { admin, asked } = brokerAnswering(notHosted, led('t', -1), led('t'));

    await waitUntilKnown(admin, ['t'], 30_000, noWait);

    expect(asked).toHaveLength(3);
  });

  it('given any other error, fails at once with it', async () => {
    const denied = Object.assign(new Error('denied'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
    const { admin, asked } = brokerAnswering(denied, led('t'));

    await expect(waitUntilKnown(admin, ['t'], 30_000, noWait)).rejects.toBe(denied);
    expect(asked).toHaveLength(1);
  });

  it('given a topic that never appears, fails after the timeout naming it', async () => {
    const { admin } = brokerAnswering(notHosted);

    await expect(waitUntilKnown(admin, ['crosscare.qhl.record-changes.v1'], 0, noWait)).rejects.toThrow(
      'topics crosscare.qhl.record-changes.v1 exist but',
    );
  });
});

describe('ensureTopics', () => {
  const spec = { name: 'crosscare.ohc.patient-records.v2', partitions: 1 };
  const listing = (admin: ReturnType<typeof brokerAnswering>['admin']) => ({
    ...admin,
    listTopics: () => Promise.resolve([spec.name]),
    createTopics: () => Promise.reject(new Error('a listed topic is not created')),
  });

  it('given a topic another service has just created, listed but not yet hosted, waits until it is led', async () => {
    const { admin, asked } = brokerAnswering(notHosted, notHosted, led(spec.name));

    const result = await ensureTopics(listing(admin), [spec], noWait);

    expect(result).toEqual({ created: [], existing: [spec.name] });
    expect(asked.length).toBeGreaterThanOrEqual(3);
  });

  it('given a missing topic, creates it and waits through "not hosted" until it is led', async () => {
    const { admin, asked } = brokerAnswering(notHosted, led(spec.name, -1), led(spec.name));
    const creations: unknown[] = [];
    const creating = {
      ...admin,
      listTopics: () => Promise.resolve([]),
      createTopics: (request: unknown) => {
        creations.push(request);
        return Promise.resolve(true);
      },
    };

    const result = await ensureTopics(creating, [spec], noWait);

    expect(result).toEqual({ created: [spec.name], existing: [] });
    expect(creations).toHaveLength(1);
    expect(asked).toHaveLength(3);
  });

  it('given a listed topic with another partition count, refuses it once it is led', async () => {
    const { admin } = brokerAnswering(notHosted, led(spec.name));

    await expect(ensureTopics(listing(admin), [{ ...spec, partitions: 3 }], noWait)).rejects.toBeInstanceOf(
      TopicMismatchError,
    );
  });
});

describe('fetchKnownTopicMetadata', () => {
  it('asks again while the broker does not host the topic yet, then answers', async () => {
    const { admin, asked } = brokerAnswering(notHosted, notHosted, led('t'));

    await expect(fetchKnownTopicMetadata(admin, ['t'], 30_000, noWait)).resolves.toEqual(led('t'));
    expect(asked).toHaveLength(3);
  });

  it('gives up at once on any other error, and on a topic still unknown after its time', async () => {
    const denied = Object.assign(new Error('Topic authorization failed'), {
      type: 'TOPIC_AUTHORIZATION_FAILED',
    });
    const refusing = brokerAnswering(denied, led('t'));
    await expect(fetchKnownTopicMetadata(refusing.admin, ['t'], 30_000, noWait)).rejects.toBe(denied);
    expect(refusing.asked).toHaveLength(1);

    await expect(fetchKnownTopicMetadata(brokerAnswering(notHosted).admin, ['t'], 0, noWait)).rejects.toBe(
      notHosted,
    );
  });
});

describe('topicPartitionCount', () => {
  const partitions = (n: number): Metadata => ({
    topics: [
      {
        name: 't',
        partitions: Array.from({ length: n }, (_, partitionId) => ({
          partitionId,
          leader: 1,
          replicas: [1],
          isr: [1],
          partitionErrorCode: 0,
        })),
      },
    ],
  });

  it("given a listed topic, answers its metadata's partition count", async () => {
    const admin = {
      listTopics: () => Promise.resolve(['t']),
      fetchTopicMetadata: () => Promise.resolve(partitions(6)),
    };

    await expect(topicPartitionCount(admin, 't')).resolves.toBe(6);
  });

  it('given a listed topic a broker has not applied yet, asks again rather than failing the start', async () => {
    const { admin: broker, asked } = brokerAnswering(notHosted, partitions(6));
    const admin = { ...broker, listTopics: () => Promise.resolve(['t']) };

    await expect(topicPartitionCount(admin, 't')).resolves.toBe(6);
    expect(asked).toHaveLength(2);
  });

  it('given a topic the cluster does not list, fails once the wait is over, naming it, without asking for its metadata', async () => {
    let listed = 0;
    const admin = {
      listTopics: () => (listed++, Promise.resolve(['other'])),
      fetchTopicMetadata: () => Promise.reject(new Error('should not be asked')),
    };

    await expect(topicPartitionCount(admin, 't', 0)).rejects.toThrow(UnknownTopicError);
    await expect(topicPartitionCount(admin, 't', 0)).rejects.toThrow('topic t does not exist');
    expect(listed).toBe(2);
  });

  it('given a topic just created that the broker asked does not list yet, lists again until it does', async () => {
    const answers = [[], ['other'], ['other', 't']];
    const slept: number[] = [];
    const admin = {
      listTopics: () => Promise.resolve(answers.shift() ?? ['other', 't']),
      fetchTopicMetadata: () => Promise.resolve(partitions(6)),
    };

    await expect(
      topicPartitionCount(admin, 't', 10_000, (ms) => (slept.push(ms), Promise.resolve())),
    ).resolves.toBe(6);
    expect(slept).toEqual([50, 100]);
  });
});
