import { TestKafka, uniqueName } from '@crosscare/testing';
import type { Consumer, EachMessagePayload } from 'kafkajs';
import { committedOffsets, nextOffset } from './offsets';

/**
 * What every Crosscare service relies on, against the real broker: topics created by the admin client, the
 * idempotent acks=all producer, a consumer group that commits by hand and, after a restart, resumes exactly
 * where it committed.
 */
describe('Kafka round trip (real broker)', () => {
  const kafka = new TestKafka();
  afterAll(() => kafka.cleanup());

  /** Runs `consumer` until `count` messages arrived, committing each one; answers what it saw. */
  async function consumeAndCommit(consumer: Consumer, topic: string, count: number) {
    const seen: Array<{ key: string; partition: number; offset: string }> = [];
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${seen.length} of ${count} messages arrived`)),
        20_000,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }: EachMessagePayload) => {
            seen.push({ key: message.key!.toString(), partition, offset: message.offset });
            await consumer.commitOffsets([{ topic, partition, offset: nextOffset(message.offset) }]);
            if (seen.length === count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return seen;
  }

  it('produces with acks=all, consumes in a group, commits, and resumes after a restart from the committed offsets', async () => {
    const topic = await kafka.createTopic({ partitions: 3 });
    const groupId = uniqueName('group');
    const producer = await kafka.producer();
    const admin = await kafka.connectedAdmin();

    const firstBatch = Array.from({ length: 12 }, (_, i) => ({
      key: `patient-${i % 4}`,
      value: `first-${i}`,
    }));
    const acknowledged = await producer.send({ topic, messages: firstBatch });
    expect(acknowledged.every((r) => r.errorCode === 0)).toBe(true);

    const firstConsumer = await kafka.consumer(groupId);
    const firstSeen = await consumeAndCommit(firstConsumer, topic, firstBatch.length);
    await kafka.close(firstConsumer);

    // The broker holds the group's position: partition → one past the last offset consumed there.
    const highWater = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    const committed = await committedOffsets(admin, groupId, topic);
    for (const [partition, high] of highWater) {
      if (high !== '0') expect(committed.get(partition)).toBe(high);
    }
    expect([...committed.keys()].length).toBeGreaterThan(1); // keys spread over partitions

    // One patient's changes stay in order: same key → same partition, increasing offsets.
    for (const key of new Set(firstSeen.map((m) => m.key))) {
      const forKey = firstSeen.filter((m) => m.key === key);
      expect(new Set(forKey.map((m) => m.partition)).size).toBe(1);
      const offsets = forKey.map((m) => BigInt(m.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }

    // A restarted member of the same group reads only what came after its commits.
    const secondBatch = Array.from({ length: 5 }, (_, i) => ({ key: `patient-${i}`, value: `second-${i}` }));
    await producer.send({ topic, messages: secondBatch });
    const restarted = await kafka.consumer(groupId);
    const afterRestart = await consumeAndCommit(restarted, topic, secondBatch.length);
    await kafka.close(restarted);

    expect(afterRestart.map((m) => m.key).sort()).toEqual(secondBatch.map((m) => m.key).sort());
    const values = await kafka.waitForMessages(topic, firstBatch.length + secondBatch.length);
    expect(values.filter((m) => m.value?.toString().startsWith('second-'))).toHaveLength(secondBatch.length);
  });

  it('refuses to write to a topic that was never provisioned (no auto-creation)', async () => {
    const producer = await kafka.producer();
    const missing = uniqueName('never-created');
    await expect(producer.send({ topic: missing, messages: [{ key: 'k', value: 'v' }] })).rejects.toThrow();
    const admin = await kafka.connectedAdmin();
    expect(await admin.listTopics()).not.toContain(missing);
  });
});
