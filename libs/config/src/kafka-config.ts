import * as fs from 'node:fs';
import { z } from 'zod';
import type { ConfigProblem } from './config-error';
import type { EnvValues } from './load-config';
import { hostPortList, identifier, positiveInteger } from './variables';

/**
 * How a service reaches the Kafka cluster: over TLS, authenticated with SCRAM-SHA-512, by default. PLAINTEXT
 * (no encryption, no identity) is an explicit opt-in for debugging against a broker that offers it; the local
 * stack's does not.
 */
export const kafkaVariables = {
  KAFKA_BROKERS: hostPortList('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: identifier(
    /^[A-Za-z0-9._-]{1,100}$/,
    'letters, digits, dot, dash or underscore',
  ).optional(),
  KAFKA_SECURITY_PROTOCOL: z
    .enum(['SASL_SSL', 'PLAINTEXT'], { errorMap: () => ({ message: 'must be SASL_SSL or PLAINTEXT' }) })
    .default('SASL_SSL'),
  KAFKA_SASL_MECHANISM: z
    .enum(['scram-sha-256', 'scram-sha-512'], {
      errorMap: () => ({ message: 'must be scram-sha-256 or scram-sha-512' }),
    })
    .default('scram-sha-512'),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  /** A file holding the password (mode 0600, as orchestrators mount secrets): kept out of the environment. */
  KAFKA_SASL_PASSWORD_FILE: z.string().optional(),
  /** PEM file of the CA(s) the broker's certificate must chain to; the system's CAs when unset. */
  KAFKA_SSL_CA_FILE: z.string().optional(),
  KAFKA_CONNECTION_TIMEOUT_MS: positiveInteger(3000, 600_000),
  KAFKA_REQUEST_TIMEOUT_MS: positiveInteger(30_000, 600_000),
};

export interface KafkaSasl {
  readonly mechanism: 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

export interface KafkaTls {
  /** PEM certificates to trust instead of the system's, when the broker's CA is a private one. */
  readonly ca?: string;
}

export interface KafkaConfig {
  readonly brokers: readonly string[];
  /** Falls back to the service name, so broker logs and quotas can tell services apart. */
  readonly clientId?: string;
  /** TLS with SASL (SASL_SSL) when both are set; neither is PLAINTEXT, the debugging opt-in. */
  readonly tls?: KafkaTls;
  readonly sasl?: KafkaSasl;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

type KafkaValues = EnvValues<typeof kafkaVariables>;

function readable(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function checkKafkaVariables(v: KafkaValues): ConfigProblem[] {
  if (v.KAFKA_SECURITY_PROTOCOL === 'PLAINTEXT') return [];
  const problems: ConfigProblem[] = [];
  if (!v.KAFKA_SASL_USERNAME) {
    problems.push({
      variable: 'KAFKA_SASL_USERNAME',
      reason: 'is required: the cluster admits only authenticated clients (KAFKA_SECURITY_PROTOCOL=SASL_SSL)',
    });
  }
  if (v.KAFKA_SASL_PASSWORD && v.KAFKA_SASL_PASSWORD_FILE) {
    problems.push({
      variable: 'KAFKA_SASL_PASSWORD_FILE',
      reason: 'cannot be set together with KAFKA_SASL_PASSWORD: choose one',
    });
  } else if (v.KAFKA_SASL_PASSWORD_FILE) {
    const password = readable(v.KAFKA_SASL_PASSWORD_FILE);
    if (password === undefined) {
      problems.push({
        variable: 'KAFKA_SASL_PASSWORD_FILE',
        reason: `cannot read ${v.KAFKA_SASL_PASSWORD_FILE}`,
      });
    } else if (password.trim() === '') {
      problems.push({
        variable: 'KAFKA_SASL_PASSWORD_FILE',
        reason: `${v.KAFKA_SASL_PASSWORD_FILE} is empty`,
      });
    }
  } else if (!v.KAFKA_SASL_PASSWORD) {
    problems.push({
      variable: 'KAFKA_SASL_PASSWORD',
      reason: 'is required (or KAFKA_SASL_PASSWORD_FILE): the cluster admits only authenticated clients',
    });
  }
  if (v.KAFKA_SSL_CA_FILE) {
    const pem = readable(v.KAFKA_SSL_CA_FILE);
    if (pem === undefined) {
      problems.push({ variable: 'KAFKA_SSL_CA_FILE', reason: `cannot read ${v.KAFKA_SSL_CA_FILE}` });
    } else if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      problems.push({
        variable: 'KAFKA_SSL_CA_FILE',
        reason: `${v.KAFKA_SSL_CA_FILE} holds no PEM certificate`,
      });
    }
  }
  return problems;
}

/** Call after checkKafkaVariables passed: the files it read are read again here. */
export function toKafkaConfig(v: KafkaValues): KafkaConfig {
  const common = {
    brokers: v.KAFKA_BROKERS,
    clientId: v.KAFKA_CLIENT_ID,
    connectionTimeoutMs: v.KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: v.KAFKA_REQUEST_TIMEOUT_MS,
  };
  if (v.KAFKA_SECURITY_PROTOCOL === 'PLAINTEXT') return common;
  const password = v.KAFKA_SASL_PASSWORD_FILE
    ? fs.readFileSync(v.KAFKA_SASL_PASSWORD_FILE, 'utf8').trim()
    : (v.KAFKA_SASL_PASSWORD ?? '');
  return {
    ...common,
    tls: { ca: v.KAFKA_SSL_CA_FILE ? fs.readFileSync(v.KAFKA_SSL_CA_FILE, 'utf8') : undefined },
    sasl: { mechanism: v.KAFKA_SASL_MECHANISM, username: v.KAFKA_SASL_USERNAME ?? '', password },
  };
}
