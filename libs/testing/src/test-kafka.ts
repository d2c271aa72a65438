import {
  checkKafkaVariables,
  isHostPort,
  kafkaVariables,
  loadConfig,
  toKafkaConfig,
} from '@crosscare/config';
import {
  createKafka,
  createRecordProducer,
  ensureTopics,
  type LogSink,
  type RecordProducer,
  type TopicSpec,
} from '@crosscare/kafka';
import type { Admin, Consumer, IHeaders, Kafka, RetryOptions } from 'kafkajs';
import { uniqueName } from './names';

export interface ReceivedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  /** Read with this group (and commit nothing); a unique one by default, reading from the beginning. */
  readonly groupId?: string;
}

/**
 * Kafka for one test file: unique topics and groups, connected clients that are all closed by cleanup(), and
 * waitForMessages, which fails by saying what did not arrive.
 */
export class TestKafka {
  readonly kafka: Kafka;
  private admin?: Admin;
  private readonly producers: RecordProducer[] = [];
  private readonly consumers: Consumer[] = [];
  private readonly topics: string[] = [];

  readonly brokers: readonly string[];

  /**
   * @param environment the KAFKA_* variables to connect with: the run's (global setup puts the admin principal's
   *   there, because tests provision topics), or another principal's, to test what it may do.
   * @param options.retry kafkajs's retry policy for every client of this instance: a test of refusals lowers it, so
   *   that a denial fails at once instead of after kafkajs's retries.
   * @param options.logger where kafkajs's log goes: by default its errors to the test output and nothing else. A
   *   test of refusals collects it, because kafkajs reports some refusals (of a group, of a transactional id) only
   *   there: the broker's answer to FindCoordinator is logged, and the error thrown says only that none was found.
   */
  constructor(
    readonly environment: Readonly<Record<string, string>> = testKafkaEnvironment(),
    options: { readonly retry?: RetryOptions; readonly logger?: LogSink } = {},
  ) {
    const config = loadConfig(kafkaVariables, toKafkaConfig, environment, checkKafkaVariables);
    this.brokers = config.brokers;
    this.kafka = createKafka(
      { ...config, connectionTimeoutMs: 3000, requestTimeoutMs: 30_000 },
      // Only real errors reach the test output; retried responses (a coordinator still loading) are noise there.
      {
        defaultClientId: 'crosscare-test',
        logger: options.logger ?? { error: (m) => console.error(m), warn: () => {}, log: () => {} },
        retry: options.retry,
      },
    );
  }

  async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }

  /** Creates a topic with a unique name (deleted again by cleanup) and returns the name. */
  async createTopic(spec: Partial<TopicSpec> & { kind?: string } = {}): Promise<string> {
    const name = spec.name ?? uniqueName(spec.kind ?? 'topic');
    await ensureTopics(await this.connectedAdmin(), [
      {
        name,
        partitions: spec.partitions ?? 3,
        replicationFactor: spec.replicationFactor,
        config: spec.config,
      },
    ]);
    this.topics.push(name);
    return name;
  }

  async producer(): Promise<RecordProducer> {
    const producer = createRecordProducer(this.kafka);
    await producer.connect();
    this.producers.push(producer);
    return producer;
  }

  /** A connected consumer; disconnected by cleanup() unless the test disconnects it first. */
  async consumer(groupId = uniqueName('group')): Promise<Consumer> {
    const consumer = this.kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    await consumer.connect();
    this.consumers.push(consumer);
    return consumer;
  }

  /**
   * Reads `topic` from the beginning until `count` messages arrived. On time-out the error names the topic, how
   * many arrived of how many expected, and where they came from.
   */
  async waitForMessages(topic: string, count: number, options: WaitOptions = {}): Promise<ReceivedMessage[]> {
    const timeoutMs = options.timeoutMs ?? 15_000;
    const consumer = await this.consumer(options.groupId ?? uniqueName('reader'));
    const received: ReceivedMessage[] = [];
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          const where = received.map((m) => `${m.partition}@${m.offset}`).join(', ') || 'none';
          reject(
            new Error(
              `Timed out after ${timeoutMs} ms waiting for ${count} message(s) on topic ${topic}: ` +
                `received ${received.length}, missing ${count - received.length} (received at: ${where})`,
            ),
          );
        }, timeoutMs);
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ topic: t, partition, message }) => {
              received.push({
                topic: t,
                partition,
                offset: message.offset,
                key: message.key?.toString() ?? null,
                value: message.value,
                headers: message.headers ?? {},
              });
              if (received.length >= count) {
                clearTimeout(timer);
                resolve();
              }
              return Promise.resolve();
            },
          })
          .catch((error: unknown) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(String(error)));
          });
      });
    } finally {
      await this.close(consumer);
    }
    return received;
  }

  async close(consumer: Consumer): Promise<void> {
    const i = this.consumers.indexOf(consumer);
    if (i >= 0) this.consumers.splice(i, 1);
    await consumer.disconnect();
  }

  /** Disconnects every client and deletes the topics this instance created. */
  async cleanup(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((c) => c.disconnect().catch(() => undefined)));
    await Promise.all(this.producers.splice(0).map((p) => p.disconnect().catch(() => undefined)));
    if (this.admin) {
      if (this.topics.length > 0) {
        await this.admin.deleteTopics({ topics: this.topics.splice(0) }).catch(() => undefined);
      }
      await this.admin.disconnect();
      this.admin = undefined;
    }
  }
}

/** The variables of kafkaVariables that say how to connect: what a test hands to a service it starts. */
export const KAFKA_CONNECTION_VARIABLES = [
  'KAFKA_BROKERS',
  'KAFKA_SECURITY_PROTOCOL',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SASL_PASSWORD_FILE',
  'KAFKA_SSL_CA_FILE',
] as const;

/**
 * How this test run connects to Kafka, as environment variables: set by the integration tiers' global setup
 * (the admin principal's, by password file), to spread into the environment of a service a test starts.
 */
export function testKafkaEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  brokersFromEnvironment(env);
  const picked: Record<string, string> = {};
  for (const name of KAFKA_CONNECTION_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  return picked;
}

export function brokersFromEnvironment(env: NodeJS.ProcessEnv = process.env): string[] {
  const brokers =
    env.KAFKA_BROKERS?.split(',')
      .map((b) => b.trim())
      .filter(Boolean) ?? [];
  if (brokers.length === 0) {
    throw new Error(
      'KAFKA_BROKERS is not set: run integration tests through their jest config (npm run test:integration)',
    );
  }
  const bad = brokers.filter((b) => !isHostPort(b));
  if (bad.length > 0)
    throw new Error(`KAFKA_BROKERS: ${bad.map((b) => `"${b}"`).join(', ')} is not host:port`);
  return brokers;
}
