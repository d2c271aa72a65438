import type { KafkaConfig } from '@crosscare/config';
import {
  Kafka,
  logLevel,
  type KafkaConfig as KafkajsConfig,
  type RetryOptions,
  type SASLOptions,
} from 'kafkajs';
import { assertKafkajsPatched } from './kafkajs-patch';
import { kafkaLogCreator, type LogSink } from './log-creator';

export interface KafkaClientOptions {
  /** Used when KAFKA_CLIENT_ID is not set: the service's name. */
  readonly defaultClientId: string;
  readonly logger?: LogSink;
  /** kafkajs is chatty at INFO (every group join); WARN keeps service logs readable. */
  readonly logLevel?: logLevel;
  /** kafkajs's retry policy; its default (5 retries, growing waits) when absent. Tests of refusals lower it. */
  readonly retry?: RetryOptions;
}

/** One kafkajs client per service, built from validated config. */
export function createKafka(config: KafkaConfig, options: KafkaClientOptions): Kafka {
  assertKafkajsPatched();
  if (!config.sasl) {
    const { logger } = options;
    const warn = (m: string) => (logger ? logger.warn(m) : console.warn(m));
    warn(
      'Kafka: connecting with KAFKA_SECURITY_PROTOCOL=PLAINTEXT, unencrypted and unauthenticated (debugging only)',
    );
  }
  return new Kafka({
    clientId: config.clientId ?? options.defaultClientId,
    ...kafkaConnectionOptions(config),
    logLevel: options.logLevel ?? logLevel.WARN,
    logCreator: options.logger ? kafkaLogCreator(options.logger) : undefined,
    retry: options.retry,
  });
}

/**
 * How a kafkajs client reaches the brokers (addresses, TLS, SASL, timeouts), for a client built elsewhere than
 * createKafka (a NestJS Kafka transport takes kafkajs options), so it connects exactly as the services do.
 */
export function kafkaConnectionOptions(
  config: KafkaConfig,
): Pick<KafkajsConfig, 'brokers' | 'ssl' | 'sasl' | 'connectionTimeout' | 'requestTimeout'> {
  return {
    brokers: [...config.brokers],
    // The broker's certificate is verified against the configured CA, and its name against the address dialled.
    ssl: config.tls ? (config.tls.ca ? { ca: [config.tls.ca], rejectUnauthorized: true } : true) : false,
    sasl: toSasl(config),
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
  };
}

function toSasl(config: KafkaConfig): SASLOptions | undefined {
  if (!config.sasl) return undefined;
  return { mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password };
}
