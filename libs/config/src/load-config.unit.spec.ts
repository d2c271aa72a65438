import { isRetriable } from '@crosscare/errors';
import { thrownBy } from '@crosscare/testing';
import { ConfigError } from './config-error';
import { databaseVariables, toDatabaseConfig } from './database-config';
import { checkKafkaVariables, kafkaVariables, toKafkaConfig } from './kafka-config';
import { loadConfig } from './load-config';

const variables = { ...kafkaVariables, ...databaseVariables };
const load = (env: NodeJS.ProcessEnv) =>
  loadConfig(
    variables,
    (v) => ({ kafka: toKafkaConfig(v), database: toDatabaseConfig(v) }),
    env,
    checkKafkaVariables,
  );

const problemsOf = (env: NodeJS.ProcessEnv): ConfigError => thrownBy(ConfigError, () => load(env));

describe('loadConfig', () => {
  it('given an empty environment, uses the local stack defaults', () => {
    const config = load({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.ssl).toBe(false);
    expect(config.kafka.sasl).toBeUndefined();
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/crosscare');
    expect(config.database.poolSize).toBe(10);
  });

  it('given a broker list with spaces and an empty entry, keeps the brokers in order', () => {
    const config = load({ KAFKA_BROKERS: ' a.example:9092, b.example:9093 ,', KAFKA_SSL: 'true' });
    expect(config.kafka.brokers).toEqual(['a.example:9092', 'b.example:9093']);
    expect(config.kafka.ssl).toBe(true);
  });

  it('given several bad variables, names every one of them in a single error', () => {
    const error = problemsOf({
      KAFKA_BROKERS: 'localhost',
      DATABASE_URL: 'mysql://x@db/crosscare',
      DATABASE_POOL_SIZE: 'lots',
      KAFKA_SSL: 'maybe',
    });
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'DATABASE_POOL_SIZE',
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'KAFKA_SSL',
    ]);
    expect(error.message).toContain('KAFKA_BROKERS: "localhost" is not host:port');
    expect(error.message).toContain('KAFKA_SSL: must be true or false (got "maybe")');
  });

  it('given a port out of range, says which entry is wrong', () => {
    expect(problemsOf({ KAFKA_BROKERS: 'a:9092,b:70000' }).message).toContain('"b:70000" is not host:port');
  });

  it('given a bad variable, fails as not retriable: the deployment must change, not the timing', () => {
    expect(isRetriable(problemsOf({ KAFKA_SSL: 'maybe' }))).toBe(false);
  });

  it('given an empty string, treats it as unset and takes the default', () => {
    expect(load({ KAFKA_BROKERS: '', DATABASE_URL: '  ' }).kafka.brokers).toEqual(['127.0.0.1:9092']);
  });

  it('given a bad database URL with a password, never echoes the password', () => {
    const error = problemsOf({ DATABASE_URL: 'mysql://svc:hunter2@db/crosscare' });
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('given a SASL mechanism without credentials, names the missing ones', () => {
    const error = problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512' });
    expect(error.problems.map((p) => p.variable)).toEqual(['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD']);
  });

  it('given a password but no mechanism, asks for the mechanism without showing the password', () => {
    const error = problemsOf({ KAFKA_SASL_USERNAME: 'ingest', KAFKA_SASL_PASSWORD: 's3cret-value' });
    expect(error.problems.map((p) => p.variable)).toEqual(['KAFKA_SASL_MECHANISM']);
    expect(error.message).not.toContain('s3cret-value');
  });

  it('given an unsupported SASL mechanism, hides nothing but the secret and lists the valid ones', () => {
    const error = problemsOf({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    expect(error.message).toContain(
      'KAFKA_SASL_MECHANISM: must be scram-sha-256 or scram-sha-512 (got "plain")',
    );
  });

  it('given complete SCRAM credentials, builds the SASL config', () => {
    const config = load({
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'projector-ccr',
      KAFKA_SASL_PASSWORD: 'pw',
    });
    expect(config.kafka.sasl).toEqual({
      mechanism: 'scram-sha-256',
      username: 'projector-ccr',
      password: 'pw',
    });
  });
});
