import type { LogSink } from '@crosscare/kafka';
import type { TestKafka } from './test-kafka';

/**
 * A kafkajs log sink for a TestKafka that keeps its errors and warnings as lines `<message> <fields as JSON>`, where
 * failureOf finds the coordinator's answer.
 */
export function capturedKafkaLog(lines: string[]): LogSink {
  const keep = (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${message} ${JSON.stringify(fields?.kafka ?? {})}`);
  return { error: keep, warn: keep, log: () => {} };
}

/**
 * How a refusal by the broker is observed, so that a test of a denial names the refusal it expects and cannot pass
 * for another reason (a missing topic, a wrong password, a broker that is down). `kafkaLog` is what the refused
 * client's kafkajs logged (TestKafka's logger option): kafkajs keeps some of the broker's answers only there.
 */

export interface Failure {
  readonly name: string;
  readonly type?: string;
  readonly message: string;
  /**
   * The broker's answer to FindCoordinator (kafkajs: GroupCoordinator), when kafkajs found no coordinator: it drops that answer from the error
   * it throws (KafkaJSGroupCoordinatorNotFound) and only logs it.
   */
  readonly coordinatorAnswer?: string;
}

/**
 * The kafkajs error behind `error`: retries and non-retriable wrappers keep it as their cause, and an admin request
 * about one resource reports its one error in a KafkaJSAggregateError.
 */
export function failureOf(error: unknown, kafkaLog: readonly string[] = []): Failure {
  type Chain = {
    name?: string;
    type?: string;
    message?: string;
    cause?: unknown;
    errors?: unknown[];
    groups?: Array<{ error?: unknown }>;
  };
  let current = error as Chain | undefined;
  for (let depth = 0; current && !current.type && depth < 10; depth++) {
    const next =
      current.errors?.length === 1
        ? current.errors[0]
        : current.groups?.length === 1
          ? current.groups[0].error
          : current.cause;
    if (!next) break;
    current = next;
  }
  const failure = {
    name: current?.name ?? 'unknown',
    type: current?.type,
    message: current?.message ?? String(error),
  };
  if (failure.name !== 'KafkaJSGroupCoordinatorNotFound') return failure;
  const answers = kafkaLog
    .filter((line) => /^Response (Find|Group)Coordinator\(/.test(line))
    .map((line) => (JSON.parse(line.slice(line.indexOf(' {') + 1)) as { error?: string }).error);
  return { ...failure, coordinatorAnswer: answers.at(-1) };
}

/** What `work` was refused with; fails the test when it was allowed. */
export async function refusal(work: () => Promise<unknown>, kafkaLog: string[] = []): Promise<Failure> {
  kafkaLog.length = 0;
  try {
    await work();
  } catch (error) {
    return failureOf(error, kafkaLog);
  }
  throw new Error('expected a refusal, but the broker allowed it');
}

/**
 * Consumes `topic` with `groupId` and answers how the broker refused. kafkajs refuses a topic the principal may not
 * describe on subscribe (its metadata request), and a group or a read it may not use in the consumer's run loop,
 * which reports it only by the crash event: both are caught here, and a message that arrives fails the test.
 */
export async function consumeRefusal(
  kafka: TestKafka,
  topic: string,
  groupId: string,
  kafkaLog: string[] = [],
): Promise<Failure> {
  const consumer = kafka.kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    retry: { retries: 0, restartOnFailure: () => Promise.resolve(false) },
  });
  let settle!: (outcome: { refused: unknown } | { read: true } | { silent: true }) => void;
  const outcome = new Promise<Parameters<typeof settle>[0]>((resolve) => (settle = resolve));
  consumer.on(consumer.events.CRASH, ({ payload }) => settle({ refused: payload.error }));
  const timer = setTimeout(() => settle({ silent: true }), 20_000);
  kafkaLog.length = 0;
  try {
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: () => Promise.resolve(settle({ read: true })) });
    } catch (error) {
      return failureOf(error, kafkaLog);
    }
    const result = await outcome;
    if ('read' in result)
      throw new Error(`read ${topic} as group ${groupId}, which should have been refused`);
    if ('silent' in result) throw new Error(`neither refused nor read ${topic} as ${groupId} within 20 s`);
    return failureOf(result.refused, kafkaLog);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}

/**
 * Writes one message without idempotence, so that a refusal is the topic's: an idempotent producer of a principal
 * that may write no topic at all is refused earlier, when it asks for a producer id (CLUSTER_AUTHORIZATION_FAILED).
 */
export async function produceRefusal(
  kafka: TestKafka,
  topic: string,
  kafkaLog: string[] = [],
): Promise<Failure> {
  const producer = kafka.kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
  try {
    return await refusal(async () => {
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'refused' }] });
    }, kafkaLog);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** A KafkaJSProtocolError (or its KafkaJSCreateTopicError) of this type: the broker's own refusal. */
export const TOPIC_DENIED: Partial<Failure> = { type: 'TOPIC_AUTHORIZATION_FAILED' };
/** Groups and transactional ids are refused when their coordinator is asked for (FindCoordinator). */
export const GROUP_DENIED: Partial<Failure> = {
  name: 'KafkaJSGroupCoordinatorNotFound',
  coordinatorAnswer: 'Not authorized to access group: Group authorization failed',
};
export const TRANSACTIONAL_ID_DENIED: Partial<Failure> = {
  name: 'KafkaJSGroupCoordinatorNotFound',
  coordinatorAnswer: 'Transactional Id authorization failed',
};
