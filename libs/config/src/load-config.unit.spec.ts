import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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

const CREDENTIALS = { KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' };

const problemsOf = (env: NodeJS.ProcessEnv): ConfigError => thrownBy(ConfigError, () => load(env));

describe('loadConfig', () => {
  it('given only credentials, uses the local stack defaults over SASL_SSL', () => {
    const config = load(CREDENTIALS);
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.tls).toEqual({ ca: undefined });
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc', password: 'pw' });
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/crosscare');
    expect(config.database.poolSize).toBe(10);
  });

  it('given no credentials, refuses to start: authentication is not optional', () => {
    expect(problemsOf({}).problems.map((p) => p.variable)).toEqual([
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD',
    ]);
  });

  it('given PLAINTEXT explicitly, connects without TLS or SASL (the debugging opt-in)', () => {
    const config = load({ KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT' });
    expect(config.kafka.tls).toBeUndefined();
    expect(config.kafka.sasl).toBeUndefined();
  });

  it('given a broker list with spaces and an empty entry, keeps the brokers in order', () => {
    const config = load({ ...CREDENTIALS, KAFKA_BROKERS: ' a.example:9092, b.example:9093 ,' });
    expect(config.kafka.brokers).toEqual(['a.example:9092', 'b.example:9093']);
  });

  it('given several bad variables, names every one of them in a single error', () => {
    const error = problemsOf({
      KAFKA_BROKERS: 'localhost',
      DATABASE_URL: 'mysql://x@db/crosscare',
      DATABASE_POOL_SIZE: 'lots',
      KAFKA_SECURITY_PROTOCOL: 'SSL',
    });
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'DATABASE_POOL_SIZE',
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'KAFKA_SECURITY_PROTOCOL',
    ]);
    expect(error.message).toContain('KAFKA_BROKERS: "localhost" is not host:port');
    expect(error.message).toContain('KAFKA_SECURITY_PROTOCOL: must be SASL_SSL or PLAINTEXT (got "SSL")');
  });

  it('given a port out of range, says which entry is wrong', () => {
    expect(problemsOf({ KAFKA_BROKERS: 'a:9092,b:70000' }).message).toContain('"b:70000" is not host:port');
  });

  it('given a bad variable, fails as not retriable: the deployment must change, not the timing', () => {
    expect(isRetriable(problemsOf({ KAFKA_SECURITY_PROTOCOL: 'maybe' }))).toBe(false);
  });

  it('given an empty string, treats it as unset and takes the default', () => {
    expect(load({ ...CREDENTIALS, KAFKA_BROKERS: '', DATABASE_URL: '  ' }).kafka.brokers).toEqual([
      '127.0.0.1:9092',
    ]);
  });

  it('given a bad database URL with a password, never echoes the password', () => {
    const error = problemsOf({ DATABASE_URL: 'mysql://svc:hunter2@db/crosscare' });
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('given a username but no password, names the missing password without showing anything secret', () => {
    const error = problemsOf({ KAFKA_SASL_USERNAME: 'ingest' });
    expect(error.problems.map((p) => p.variable)).toEqual(['KAFKA_SASL_PASSWORD']);
  });

  it('given both a password and a password file, asks for one', () => {
    const error = problemsOf({
      ...CREDENTIALS,
      KAFKA_SASL_PASSWORD: 's3cret-value',
      KAFKA_SASL_PASSWORD_FILE: '/x',
    });
    expect(error.problems.map((p) => p.variable)).toEqual(['KAFKA_SASL_PASSWORD_FILE']);
    expect(error.message).not.toContain('s3cret-value');
  });

  it('given a password file, reads the password from it, and names a file it cannot read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-config-'));
    const file = path.join(dir, 'password');
    fs.writeFileSync(file, 'from-the-file\n', { mode: 0o600 });
    const config = load({ KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD_FILE: file });
    expect(config.kafka.sasl?.password).toBe('from-the-file');
    const missing = problemsOf({
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD_FILE: path.join(dir, 'nope'),
    });
    expect(missing.message).toContain(`KAFKA_SASL_PASSWORD_FILE: cannot read ${path.join(dir, 'nope')}`);
    fs.rmSync(dir, { recursive: true });
  });

  it('given a CA file, trusts its certificates; given one without a certificate, says so', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-ca-'));
    const good = path.join(dir, 'ca.pem');
    const bad = path.join(dir, 'ca.txt');
    fs.writeFileSync(good, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    fs.writeFileSync(bad, 'not a certificate');
    expect(load({ ...CREDENTIALS, KAFKA_SSL_CA_FILE: good }).kafka.tls?.ca).toContain('BEGIN CERTIFICATE');
    expect(problemsOf({ ...CREDENTIALS, KAFKA_SSL_CA_FILE: bad }).message).toContain(
      'holds no PEM certificate',
    );
    fs.rmSync(dir, { recursive: true });
  });

  it('given an unsupported SASL mechanism, hides nothing but the secret and lists the valid ones', () => {
    const error = problemsOf({ ...CREDENTIALS, KAFKA_SASL_MECHANISM: 'plain' });
    expect(error.message).toContain(
      'KAFKA_SASL_MECHANISM: must be scram-sha-256 or scram-sha-512 (got "plain")',
    );
  });

  it('given SCRAM-SHA-256 credentials, builds the SASL config with that mechanism', () => {
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
