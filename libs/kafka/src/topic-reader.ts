import { CrosscareError } from '@crosscare/errors';
import type { Admin, EachMessagePayload, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/** One message as a reader sees it: where it sits and what it holds. */
export type TopicMessage = Pick<EachMessagePayload, 'topic' | 'partition' | 'message'>;

/**
 * When a read from the start is finished: as soon as `until` holds over what was kept so far, or once every
 * message the topics held when the read began has been seen ('end-offsets'; later messages are left out).
 */
export type ReadEnd<T> = ((kept: readonly T[]) => boolean) | 'end-offsets';

export interface ReadFromStart<T> {
  readonly topics: readonly string[];
  /** Names the throwaway consumer group, so a broker's group list says who was reading. */
  readonly reader: string;
  /** What the caller wants of a message; undefined leaves the message out. */
  readonly keep: (message: TopicMessage) => T | undefined | Promise<T | undefined>;
  readonly until: ReadEnd<T>;
  readonly timeoutMs: number;
  /** 'return-partial' answers with what was kept by the timeout instead of failing. */
  readonly onTimeout?: 'fail' | 'return-partial';
}

/** The read did not finish in time. Names the topics, since callers often read several. */
export class TopicReadTimeoutError extends CrosscareError {
  constructor(
    readonly topics: readonly string[],
    readonly timeoutMs: number,
    readonly kept: number,
  ) {
    // Not retriable, like kafkajs's KafkaJSTimeout: the read already had its whole time, and whether a longer one
    // is worth it (or the awaited message will ever come) is the caller's to judge.
    super(`timed out after ${timeoutMs} ms reading ${topics.join(', ')} from the start (${kept} kept)`, {
      retriable: false,
    });
    this.name = 'TopicReadTimeoutError';
  }
}

/**
 * Reads topics from their first offsets and answers what `keep` kept, in the order it arrived.
 *
 * kafkajs cannot read without a consumer group, so the read uses a throwaway one: unique, committing nothing (it
 * cannot move anyone's position) and deleted afterwards, so groups of one-off reads do not pile up on the broker.
 */
export async function readFromStart<T>(kafka: Kafka, read: ReadFromStart<T>): Promise<T[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${read.reader}-${randomUUID()}`;
  // A read never creates a topic: that would come with the broker's defaults, not the topic's own layout.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  try {
    const kept: T[] = [];
    const delivered = new Map<string, bigint>();
    const toEnd = read.until === 'end-offsets';
    const progress = toEnd ? await endOffsets(admin, read.topics) : new Map<string, PartitionProgress>();
    const finished = () =>
      typeof read.until === 'function'
        ? read.until(kept)
        : [...progress.values()].every((p) => p.next >= p.end);
    if (finished()) return kept;

    await consumer.connect();
    await consumer.subscribe({ topics: [...read.topics], fromBeginning: true });
    // Settles with the failure, if any, rather than rejecting: a rejection before the await below would go unhandled.
    let stopped = false;
    let settle!: (failure?: { error: unknown }) => void;
    const outcome = new Promise<{ error: unknown } | undefined>((resolve) => (settle = resolve));
    const stop = (failure?: { error: unknown }) => {
      if (stopped) return;
      stopped = true;
      settle(failure);
    };
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) stop({ error: payload.error });
    });
    // A transactional topic ends with a commit marker, and may hold aborted messages: neither reaches eachMessage, so
    // a partition would never be read to its end offset. A batch's last offset counts them (kafkajs reports batches of
    // markers and aborted messages alone too).
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (stopped || !toEnd) return;
      const position = progress.get(partitionKey(payload.topic, payload.partition));
      const next = BigInt(payload.lastOffset) + 1n;
      if (position && next > position.next) position.next = next;
      if (finished()) stop();
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        if (stopped) return;
        const position = progress.get(partitionKey(topic, partition));
        const offset = BigInt(message.offset);
        if (toEnd && (!position || offset >= position.end)) return;
        // Nothing is committed, so a rebalance or a consumer restart delivers a partition again from its start: keep
        // each message once.
        const next = delivered.get(partitionKey(topic, partition)) ?? 0n;
        if (offset < next) return;
        delivered.set(partitionKey(topic, partition), offset + 1n);
        try {
          const value = await read.keep({ topic, partition, message });
          if (stopped) return;
          if (value !== undefined) kept.push(value);
          if (position) position.next = offset + 1n;
          if (finished()) stop();
        } catch (error) {
          // Thrown into kafkajs, the message would be retried until the timeout hid why.
          stop({ error });
        }
      },
    });
    // The clock starts once the group is joined: connecting and joining are bounded by kafkajs's own retries.
    const timer = setTimeout(() => {
      if (read.onTimeout === 'return-partial') stop();
      else stop({ error: new TopicReadTimeoutError(read.topics, read.timeoutMs, kept.length) });
    }, read.timeoutMs);
    const failure = await outcome;
    clearTimeout(timer);
    if (failure) throw failure.error;
    return kept;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

interface PartitionProgress {
  /** The next offset expected; the partition is read once it reaches `end`. */
  next: bigint;
  /** The partition's end offset when the read began. */
  readonly end: bigint;
}

async function endOffsets(admin: Admin, topics: readonly string[]): Promise<Map<string, PartitionProgress>> {
  const progress = new Map<string, PartitionProgress>();
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic))
      progress.set(partitionKey(topic, p.partition), { next: BigInt(p.low), end: BigInt(p.high) });
  return progress;
}

const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/** Where one message sits. Offsets as strings, as kafkajs gives them. */
export interface MessagePosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface ReadAtPositions<T> {
  readonly positions: readonly MessagePosition[];
  /** Names the throwaway consumer group, so a broker's group list says who was reading. */
  readonly reader: string;
  readonly decode: (message: TopicMessage) => T | Promise<T>;
  readonly timeoutMs: number;
}

/**
 * Reads the messages at the given positions, and only the partitions that hold them, from the lowest wanted offset
 * of each: for re-reading a few known messages of a topic that keeps everything (an ICS topic), not for scanning one.
 * Answers by position key (`positionKey`); a position past the partition's end, or one that no longer holds a
 * message, is absent from the answer. Uses a throwaway group, as readFromStart does.
 */
export async function readAtPositions<T>(kafka: Kafka, read: ReadAtPositions<T>): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  const wanted = new Map<
    string,
    { topic: string; partition: number; offsets: Set<bigint>; from: bigint; to: bigint }
  >();
  for (const p of read.positions) {
    const key = partitionKey(p.topic, p.partition);
    const offset = BigInt(p.offset);
    const entry = wanted.get(key) ?? {
      topic: p.topic,
      partition: p.partition,
      offsets: new Set(),
      from: offset,
      to: offset,
    };
    entry.offsets.add(offset);
    if (offset < entry.from) entry.from = offset;
    if (offset > entry.to) entry.to = offset;
    wanted.set(key, entry);
  }
  if (wanted.size === 0) return found;
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${read.reader}-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  try {
    // A position at or past a partition's end will never be read: leave it out now rather than wait for it.
    const topics = [...new Set([...wanted.values()].map((w) => w.topic))];
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const entry = wanted.get(partitionKey(topic, p.partition));
        if (!entry) continue;
        const high = BigInt(p.high);
        for (const offset of entry.offsets) if (offset >= high) entry.offsets.delete(offset);
        if (entry.to >= high) entry.to = high - 1n;
        if (entry.offsets.size === 0) wanted.delete(partitionKey(topic, p.partition));
      }
    if (wanted.size === 0) return found;

    let settle!: (failure?: { error: unknown }) => void;
    const outcome = new Promise<{ error: unknown } | undefined>((resolve) => (settle = resolve));
    let stopped = false;
    const stop = (failure?: { error: unknown }) => {
      if (stopped) return;
      stopped = true;
      settle(failure);
    };
    const done = () => [...wanted.values()].every((w) => w.offsets.size === 0);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) stop({ error: payload.error });
    });
    // Batches of markers or aborted messages alone still say how far a partition was read: a wanted offset behind
    // them no longer holds a message.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const entry = wanted.get(partitionKey(payload.topic, payload.partition));
      if (!entry) return;
      const last = BigInt(payload.lastOffset);
      for (const offset of entry.offsets) if (offset <= last) entry.offsets.delete(offset);
      if (done()) stop();
    });
    const wantedTopics = [...new Set([...wanted.values()].map((w) => w.topic))];
    await consumer.connect();
    await consumer.subscribe({ topics: wantedTopics, fromBeginning: false });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        const idle = partitions.filter((partition) => !wanted.has(partitionKey(topic, partition)));
        if (idle.length > 0) consumer.pause([{ topic, partitions: idle }]);
        for (const partition of partitions) {
          const entry = wanted.get(partitionKey(topic, partition));
          if (entry) consumer.seek({ topic, partition, offset: entry.from.toString() });
        }
      }
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async (message) => {
        if (stopped) return;
        const entry = wanted.get(partitionKey(message.topic, message.partition));
        const offset = BigInt(message.message.offset);
        if (!entry || !entry.offsets.has(offset)) return;
        try {
          found.set(
            positionKey({
              topic: message.topic,
              partition: message.partition,
              offset: message.message.offset,
            }),
            await read.decode(message),
          );
          entry.offsets.delete(offset);
          if (done()) stop();
        } catch (error) {
          stop({ error });
        }
      },
    });
    const timer = setTimeout(
      () => stop({ error: new TopicReadTimeoutError(wantedTopics, read.timeoutMs, found.size) }),
      read.timeoutMs,
    );
    const failure = await outcome;
    clearTimeout(timer);
    if (failure) throw failure.error;
    return found;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** The key readAtPositions answers by. */
export function positionKey(position: MessagePosition): string {
  return `${position.topic}/${position.partition}/${position.offset}`;
}
