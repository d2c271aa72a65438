import { rejectionOf, TestKafka, uniqueName } from '@crosscare/testing';
import {
  positionKey,
  readAtPositions,
  readFromStart,
  TopicReadTimeoutError,
  type TopicMessage,
} from './topic-reader';

describe('readFromStart (real broker)', () => {
  const kafka = new TestKafka();
  afterAll(() => kafka.cleanup());

  const asText = ({ message }: TopicMessage) => message.value?.toString();

  /** Publishes `values` in order to a one-partition topic, so the order read is the order written. */
  async function topicHolding(values: string[], partitions = 1): Promise<string> {
    const topic = await kafka.createTopic({ partitions });
    await (await kafka.producer()).send({ topic, messages: values.map((value) => ({ key: value, value })) });
    return topic;
  }

  /** The reader's throwaway groups still known to the broker: none, once a read is over. */
  async function groupsLeftBy(reader: string): Promise<string[]> {
    const { groups } = await (await kafka.connectedAdmin()).listGroups();
    return groups.map((g) => g.groupId).filter((id) => id.startsWith(reader));
  }

  it('stops as soon as the predicate holds over what it kept, and leaves no group behind', async () => {
    const topic = await topicHolding(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    const reader = uniqueName('reader');
    const kept = await readFromStart(kafka.kafka, {
      topics: [topic],
      reader,
      keep: (message) => (Number(asText(message)?.slice(1)) % 2 === 0 ? asText(message) : undefined),
      until: (evens) => evens.length === 3,
      timeoutMs: 20_000,
    });
    expect(kept).toEqual(['m0', 'm2', 'm4']);
    expect(await groupsLeftBy(reader)).toEqual([]);
  });

  it('reads every partition to the end offsets it found on starting, and nothing written after', async () => {
    // Partition 1 holds more than one fetch brings (1 MB a partition), so partition 0, already read to its end, is
    // fetched again while partition 1 is still being read: after a message written there meanwhile.
    const topic = await kafka.createTopic({ partitions: 2 });
    const producer = await kafka.producer();
    await producer.send({ topic, messages: [{ partition: 0, value: 'small' }] });
    const padding = 'x'.repeat(400_000);
    for (let i = 0; i < 4; i++)
      await producer.send({ topic, messages: [{ partition: 1, value: `large-${i} ${padding}` }] });
    let lateSent = false;
    const kept = await readFromStart(kafka.kafka, {
      topics: [topic],
      reader: uniqueName('reader'),
      keep: async ({ partition, message }) => {
        if (!lateSent) {
          lateSent = true;
          await producer.send({ topic, messages: [{ partition: 0, value: 'late' }] });
        }
        return `${partition}:${message.value?.toString().split(' ')[0]}`;
      },
      until: 'end-offsets',
      timeoutMs: 20_000,
    });
    expect(lateSent).toBe(true);
    expect([...kept].sort()).toEqual(['0:small', '1:large-0', '1:large-1', '1:large-2', '1:large-3']);
  });

  it('reads a transactional topic to its end: past commit markers and an aborted transaction, which it leaves out', async () => {
    const topic = await kafka.createTopic({ partitions: 1 });
    const producer = kafka.kafka.producer({
      transactionalId: uniqueName('reader-txn'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'committed-0' }, { value: 'committed-1' }] });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'aborted' }] });
      await aborted.abort();
    } finally {
      await producer.disconnect();
    }
    const kept = await readFromStart(kafka.kafka, {
      topics: [topic],
      reader: uniqueName('reader'),
      keep: asText,
      until: 'end-offsets',
      timeoutMs: 20_000,
    });
    expect(kept).toEqual(['committed-0', 'committed-1']);
  });

  it('answers an empty topic read to its end offsets without waiting', async () => {
    const topic = await kafka.createTopic({ partitions: 2 });
    // Not timed: a read that waited for its timeout (ten times the test's) would fail the test by never answering.
    const kept = await readFromStart(kafka.kafka, {
      topics: [topic],
      reader: uniqueName('reader'),
      keep: asText,
      until: 'end-offsets',
      timeoutMs: 600_000,
    });
    expect(kept).toEqual([]);
  });

  it('times out with an error naming the topic, and still leaves no group behind', async () => {
    const topic = await topicHolding(['only']);
    const reader = uniqueName('reader');
    const error = await rejectionOf(
      TopicReadTimeoutError,
      readFromStart(kafka.kafka, {
        topics: [topic],
        reader,
        keep: asText,
        until: (kept) => kept.length === 2,
        timeoutMs: 2_000,
      }),
    );
    expect(error.message).toBe(`timed out after 2000 ms reading ${topic} from the start (1 kept)`);
    expect(error.topics).toEqual([topic]);
    expect(await groupsLeftBy(reader)).toEqual([]);
  });

  it("answers with what it kept on a timeout when told to, and fails with a keep's error at once", async () => {
    const topic = await topicHolding(['first', 'second']);
    const partial = await readFromStart(kafka.kafka, {
      topics: [topic],
      reader: uniqueName('reader'),
      keep: asText,
      until: () => false,
      timeoutMs: 2_000,
      onTimeout: 'return-partial',
    });
    expect(partial).toEqual(['first', 'second']);

    // At once: with a timeout ten times the test's, only the keep's error can end the read within the test.
    const failed = readFromStart(kafka.kafka, {
      topics: [topic],
      reader: uniqueName('reader'),
      keep: (message) => {
        if (asText(message) === 'second') throw new Error('cannot decode second');
        return asText(message);
      },
      until: () => false,
      timeoutMs: 600_000,
    });
    await expect(failed).rejects.toThrow('cannot decode second');
  });
});

describe('readAtPositions (real broker)', () => {
  const kafka = new TestKafka();
  afterAll(() => kafka.cleanup());

  const asText = ({ message }: TopicMessage) => message.value?.toString();
  const at = (topic: string, partition: number, offset: number) => ({
    topic,
    partition,
    offset: String(offset),
  });

  /** The reader's throwaway groups still known to the broker: none, once a read is over. */
  async function groupsLeftBy(reader: string): Promise<string[]> {
    const { groups } = await (await kafka.connectedAdmin()).listGroups();
    return groups.map((g) => g.groupId).filter((id) => id.startsWith(reader));
  }

  /**
   * Writes each batch of values to a one-partition topic in a transaction of its own, committed or aborted: a commit
   * or abort marker follows each, so offsets skip one after every transaction.
   */
  async function transactionalTopic(transactions: { values: string[]; abort?: boolean }[]): Promise<string> {
    const topic = await kafka.createTopic({ partitions: 1 });
    const producer = kafka.kafka.producer({
      transactionalId: uniqueName('positions-txn'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      for (const { values, abort } of transactions) {
        const transaction = await producer.transaction();
        await transaction.send({ topic, messages: values.map((value) => ({ value })) });
        if (abort) await transaction.abort();
        else await transaction.commit();
      }
    } finally {
      await producer.disconnect();
    }
    return topic;
  }

  it('reads exactly the positions asked, on two partitions and a transactional topic, in one call', async () => {
    const plain = await kafka.createTopic({ partitions: 2 });
    await (
      await kafka.producer()
    ).send({
      topic: plain,
      messages: [
        { partition: 0, value: 'p0-0' },
        { partition: 0, value: 'p0-1' },
        { partition: 0, value: 'p0-2' },
        { partition: 1, value: 'p1-0' },
        { partition: 1, value: 'p1-1' },
      ],
    });
    // Offsets 0 and 1, a commit marker at 2; then 3 and 4, a marker at 5.
    const transactional = await transactionalTopic([{ values: ['t-0', 't-1'] }, { values: ['t-3', 't-4'] }]);
    const reader = uniqueName('positions');
    const read = await readAtPositions(kafka.kafka, {
      positions: [at(plain, 0, 2), at(plain, 1, 0), at(plain, 0, 1), at(transactional, 0, 3)],
      reader,
      decode: asText,
      timeoutMs: 20_000,
    });
    expect(Object.fromEntries(read)).toEqual({
      [positionKey(at(plain, 0, 1))]: 'p0-1',
      [positionKey(at(plain, 0, 2))]: 'p0-2',
      [positionKey(at(plain, 1, 0))]: 'p1-0',
      [positionKey(at(transactional, 0, 3))]: 't-3',
    });
    expect(await groupsLeftBy(reader)).toEqual([]);
  });

  it('leaves out a position past the end of its partition without waiting for it', async () => {
    const topic = await kafka.createTopic({ partitions: 1 });
    await (await kafka.producer()).send({ topic, messages: [{ value: 'first' }, { value: 'second' }] });
    // Not timed: a read that waited for its timeout (ten times the test's) would fail the test by never answering.
    const read = await readAtPositions(kafka.kafka, {
      positions: [at(topic, 0, 1), at(topic, 0, 2), at(topic, 0, 9)],
      reader: uniqueName('positions'),
      decode: asText,
      timeoutMs: 600_000,
    });
    expect(Object.fromEntries(read)).toEqual({ [positionKey(at(topic, 0, 1))]: 'second' });

    const nothing = await readAtPositions(kafka.kafka, {
      positions: [at(topic, 0, 2)],
      reader: uniqueName('positions'),
      decode: asText,
      timeoutMs: 600_000,
    });
    expect(nothing.size).toBe(0);
  });

  it('leaves out a position whose message was aborted, rather than wait for it', async () => {
    // committed 0 (marker 1), aborted 2 (marker 3), committed 4 (marker 5), aborted 6 (marker 7): the last thing in
    // the partition is an aborted transaction, so no later message shows the read is past it.
    const topic = await transactionalTopic([
      { values: ['kept-0'] },
      { values: ['aborted-2'], abort: true },
      { values: ['kept-4'] },
      { values: ['aborted-6'], abort: true },
    ]);
    // Not timed: with a timeout ten times the test's, only seeing past the aborted messages ends the reads.
    const read = await readAtPositions(kafka.kafka, {
      positions: [at(topic, 0, 2), at(topic, 0, 4)],
      reader: uniqueName('positions'),
      decode: asText,
      timeoutMs: 600_000,
    });
    expect(Object.fromEntries(read)).toEqual({ [positionKey(at(topic, 0, 4))]: 'kept-4' });

    const last = await readAtPositions(kafka.kafka, {
      positions: [at(topic, 0, 6)],
      reader: uniqueName('positions'),
      decode: asText,
      timeoutMs: 600_000,
    });
    expect(last.size).toBe(0);
  });

  it('fails with a decode error at once, and leaves no group behind', async () => {
    const topic = await kafka.createTopic({ partitions: 1 });
    await (await kafka.producer()).send({ topic, messages: [{ value: 'unreadable' }] });
    const reader = uniqueName('positions');
    const failed = readAtPositions(kafka.kafka, {
      positions: [at(topic, 0, 0)],
      reader,
      decode: () => {
        throw new Error('cannot decode the message');
      },
      timeoutMs: 600_000,
    });
    await expect(failed).rejects.toThrow('cannot decode the message');
    expect(await groupsLeftBy(reader)).toEqual([]);
  });
});
