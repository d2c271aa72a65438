import { z } from 'zod';
import type { ConfigProblem } from './config-error';
import type { EnvValues } from './load-config';
import { booleanFlag, hostPortList, identifier, positiveInteger } from './variables';

/** How a service reaches the Kafka cluster. Defaults point at the local stack (npm run stack:up). */
export const kafkaVariables = {
  KAFKA_BROKERS: hostPortList('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: identifier(
    /^[A-Za-z0-9._-]{1,100}$/,
    'letters, digits, dot, dash or underscore',
  ).optional(),
  KAFKA_SSL: booleanFlag(false),
  KAFKA_SASL_MECHANISM: z
    .enum(['scram-sha-256', 'scram-sha-512'], {
      errorMap: () => ({ message: 'must be scram-sha-256 or scram-sha-512' }),
    })
    .optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  KAFKA_CONNECTION_TIMEOUT_MS: positiveInteger(3000, 600_000),
  KAFKA_REQUEST_TIMEOUT_MS: positiveInteger(30_000, 600_000),
};

export interface KafkaSasl {
  readonly mechanism: 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

export interface KafkaConfig {
  readonly brokers: readonly string[];
  /** Falls back to the service name, so broker logs and quotas can tell services apart. */
  readonly clientId?: string;
  readonly ssl: boolean;
  readonly sasl?: KafkaSasl;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

type KafkaValues = EnvValues<typeof kafkaVariables>;

export function checkKafkaVariables(v: KafkaValues): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const anySasl = v.KAFKA_SASL_MECHANISM ?? v.KAFKA_SASL_USERNAME ?? v.KAFKA_SASL_PASSWORD;
  if (anySasl !== undefined) {
    if (!v.KAFKA_SASL_MECHANISM)
      problems.push({
        variable: 'KAFKA_SASL_MECHANISM',
        reason: 'is required when SASL credentials are set',
      });
    if (!v.KAFKA_SASL_USERNAME)
      problems.push({
        variable: 'KAFKA_SASL_USERNAME',
        reason: 'is required when KAFKA_SASL_MECHANISM is set',
      });
    if (!v.KAFKA_SASL_PASSWORD)
      problems.push({
        variable: 'KAFKA_SASL_PASSWORD',
        reason: 'is required when KAFKA_SASL_MECHANISM is set',
      });
  }
  return problems;
}

export function toKafkaConfig(v: KafkaValues): KafkaConfig {
  return {
    brokers: v.KAFKA_BROKERS,
    clientId: v.KAFKA_CLIENT_ID,
    ssl: v.KAFKA_SSL,
    sasl:
      v.KAFKA_SASL_MECHANISM && v.KAFKA_SASL_USERNAME && v.KAFKA_SASL_PASSWORD
        ? {
            mechanism: v.KAFKA_SASL_MECHANISM,
            username: v.KAFKA_SASL_USERNAME,
            password: v.KAFKA_SASL_PASSWORD,
          }
        : undefined,
    connectionTimeoutMs: v.KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: v.KAFKA_REQUEST_TIMEOUT_MS,
  };
}
