import { ConfigError } from '@crosscare/config';
import { subscriptionsGroupId, subscriptionsReaderGroupPrefix } from '@crosscare/governance';
import { thrownBy } from '@crosscare/testing';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadSubscriptionsConfig } from './subscriptions-config';

const ISSUERS = '/etc/crosscare/trusted-issuers.json';
/** Every service authenticates to Kafka; these tests are about the rest of the configuration. */
const KAFKA = { KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' };

describe('subscription service configuration', () => {
  let dir: string;
  let keyFile: string;
  const key = randomBytes(32);
  /** What every start needs: the trusted issuers, a header key file and, in production, the public base URL. */
  const required = () => ({
    ...KAFKA,
    SUBSCRIPTIONS_TRUSTED_ISSUERS_FILE: ISSUERS,
    SUBSCRIPTIONS_HEADER_KEY_FILE: keyFile,
    SUBSCRIPTIONS_BASE_URL: 'https://subscriptions.crosscare.test/fhir',
  });
  const keyFileHolding = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text, { mode: 0o600 });
    return file;
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(tmpdir(), 'subscriptions-config-'));
    keyFile = keyFileHolding('header-key', `${key.toString('base64')}\n`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('given only the trusted issuers, the header key and the base URL, then the defaults read the CCR read model and listen on 127.0.0.1:8087', () => {
    const config = loadSubscriptionsConfig(required());
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8087,
      baseUrl: 'https://subscriptions.crosscare.test/fhir',
      collaborative: 'CCR',
      readModelSchema: 'projector_ccr',
      databaseSchema: 'subscriptions',
      topicPrefix: 'crosscare',
      groupId: 'crosscare-subscriptions',
      instanceId: hostname(),
      partitionsConsumedConcurrently: 3,
      auth: {
        trustedIssuersFile: ISSUERS,
        environment: 'production',
        audience: 'crosscare-subscriptions',
        maxLifetimeSeconds: 3600,
        clockSkewSeconds: 60,
      },
      eventRetentionDays: 30,
      delivery: {
        concurrency: 64,
        timeoutMs: 10_000,
        pollMs: 250,
        retryInitialMs: 1000,
        retryMaxMs: 60_000,
        failuresBeforeError: 6,
        errorRetryMs: 300_000,
        allowLocalEndpoints: false,
      },
    });
    expect(config.headerKey.equals(key)).toBe(true);
  });

  it('given no variables of its own, then its consumer and reader groups are under the prefixes its principal is granted', () => {
    const { groupId } = loadSubscriptionsConfig(required());
    expect(groupId).toBe(subscriptionsGroupId());
    // The delivery's re-reads at known offsets use throwaway groups `${groupId}-reader-…`, which it may delete.
    expect(`${groupId}-reader`).toBe(subscriptionsReaderGroupPrefix());
  });

  it('given a base URL with a trailing slash, then references are made under it without the slash', () => {
    const config = loadSubscriptionsConfig({
      ...required(),
      SUBSCRIPTIONS_BASE_URL: 'https://subscriptions.crosscare.example.nhs.uk/fhir/',
    });
    expect(config.baseUrl).toBe('https://subscriptions.crosscare.example.nhs.uk/fhir');
  });

  it('given OHC, then its read model is the default; an explicit schema wins', () => {
    expect(
      loadSubscriptionsConfig({ ...required(), SUBSCRIPTIONS_COLLABORATIVE: 'OHC' }).readModelSchema,
    ).toBe('projector_ohc');
    expect(
      loadSubscriptionsConfig({ ...required(), SUBSCRIPTIONS_READ_MODEL_SCHEMA: 'projector_ccr_v2' })
        .readModelSchema,
    ).toBe('projector_ccr_v2');
  });

  it('given the delivery variables, then the worker gets them (the error retry in milliseconds)', () => {
    const config = loadSubscriptionsConfig({
      ...required(),
      SUBSCRIPTIONS_DELIVERY_CONCURRENCY: '8',
      SUBSCRIPTIONS_DELIVERY_TIMEOUT_MS: '2000',
      SUBSCRIPTIONS_DELIVERY_POLL_MS: '50',
      SUBSCRIPTIONS_RETRY_INITIAL_MS: '100',
      SUBSCRIPTIONS_RETRY_MAX_MS: '100',
      SUBSCRIPTIONS_FAILURES_BEFORE_ERROR: '3',
      SUBSCRIPTIONS_ERROR_RETRY_SECONDS: '1',
    });
    expect(config.delivery).toEqual({
      concurrency: 8,
      timeoutMs: 2000,
      pollMs: 50,
      retryInitialMs: 100,
      retryMaxMs: 100,
      failuresBeforeError: 3,
      errorRetryMs: 1000,
      allowLocalEndpoints: false,
    });
  });

  it('given no header key file or trusted issuers, then start fails naming both variables', () => {
    const error = thrownBy(ConfigError, () => loadSubscriptionsConfig({ ...KAFKA }));
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'SUBSCRIPTIONS_HEADER_KEY_FILE',
      'SUBSCRIPTIONS_TRUSTED_ISSUERS_FILE',
    ]);
    expect(error.message).toContain('32 random bytes, base64');
  });

  it('given a header key file that cannot be read, then start fails naming the file', () => {
    const missing = path.join(dir, 'no-such-key');
    const error = thrownBy(ConfigError, () =>
      loadSubscriptionsConfig({ ...required(), SUBSCRIPTIONS_HEADER_KEY_FILE: missing }),
    );
    expect(error.problems).toEqual([
      { variable: 'SUBSCRIPTIONS_HEADER_KEY_FILE', reason: `cannot read ${missing}` },
    ]);
    // A directory is no more readable as a key.
    const directory = thrownBy(ConfigError, () =>
      loadSubscriptionsConfig({ ...required(), SUBSCRIPTIONS_HEADER_KEY_FILE: dir }),
    );
    expect(directory.message).toContain(`cannot read ${dir}`);
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['not base64', `${'k'.repeat(40)}!`],
    ['nothing', ''],
  ])(
    'given a header key file holding %s, then start fails naming the file and not its content',
    (what, text) => {
      const file = keyFileHolding(`key-${what.replace(/\W/g, '-')}`, text);
      const error = thrownBy(ConfigError, () =>
        loadSubscriptionsConfig({ ...required(), SUBSCRIPTIONS_HEADER_KEY_FILE: file }),
      );
      expect(error.problems.map((p) => p.variable)).toEqual(['SUBSCRIPTIONS_HEADER_KEY_FILE']);
      expect(error.message).toContain(`${file} must hold 32 bytes, base64`);
      if (text !== '') expect(error.message).not.toContain(text);
    },
  );

  it('given a first retry longer than the longest, then start fails naming it', () => {
    const error = thrownBy(ConfigError, () =>
      loadSubscriptionsConfig({
        ...required(),
        SUBSCRIPTIONS_RETRY_INITIAL_MS: '60001',
        SUBSCRIPTIONS_RETRY_MAX_MS: '60000',
      }),
    );
    expect(error.problems).toEqual([
      {
        variable: 'SUBSCRIPTIONS_RETRY_INITIAL_MS',
        reason: 'must not exceed SUBSCRIPTIONS_RETRY_MAX_MS (60000)',
      },
    ]);
  });

  it.each(['http://subscriptions.example.nhs.uk/fhir', 'HTTP://subscriptions.example.nhs.uk/fhir'])(
    'given the plain http base URL %p in production, then start fails: subscribers would be sent http references',
    (url) => {
      const error = thrownBy(ConfigError, () =>
        loadSubscriptionsConfig({ ...required(), SUBSCRIPTIONS_BASE_URL: url }),
      );
      expect(error.problems).toEqual([
        { variable: 'SUBSCRIPTIONS_BASE_URL', reason: 'must be https in production' },
      ]);
    },
  );

  it('given a plain http base URL in development, then it is used', () => {
    const config = loadSubscriptionsConfig({
      ...required(),
      SUBSCRIPTIONS_BASE_URL: 'http://127.0.0.1:9999/fhir',
      CROSSCARE_ENVIRONMENT: 'development',
    });
    expect(config.baseUrl).toBe('http://127.0.0.1:9999/fhir');
  });

  it('given a base URL that is not http or https, then start fails naming it', () => {
    const error = thrownBy(ConfigError, () =>
      loadSubscriptionsConfig({ ...required(), SUBSCRIPTIONS_BASE_URL: 'ftp://subscriptions.example/fhir' }),
    );
    expect(error.problems.map((p) => p.variable)).toEqual(['SUBSCRIPTIONS_BASE_URL']);
  });

  it('allows local and plain http endpoints in development only', () => {
    const allowed = (environment?: string) =>
      loadSubscriptionsConfig({
        ...required(),
        ...(environment ? { CROSSCARE_ENVIRONMENT: environment } : {}),
      }).delivery.allowLocalEndpoints;
    expect(allowed()).toBe(false);
    expect(allowed('production')).toBe(false);
    expect(allowed('development')).toBe(true);
  });

  it('given bad values, then every problem is named', () => {
    const error = thrownBy(ConfigError, () =>
      loadSubscriptionsConfig({
        ...required(),
        SUBSCRIPTIONS_COLLABORATIVE: 'XYZ',
        SUBSCRIPTIONS_DATABASE_SCHEMA: 'Subscriptions',
        SUBSCRIPTIONS_DELIVERY_CONCURRENCY: '0',
        SUBSCRIPTIONS_EVENT_RETENTION_DAYS: '3651',
        SUBSCRIPTIONS_TOKEN_MAX_LIFETIME_SECONDS: '86401',
        CROSSCARE_ENVIRONMENT: 'staging',
      }),
    );
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'CROSSCARE_ENVIRONMENT',
      'SUBSCRIPTIONS_COLLABORATIVE',
      'SUBSCRIPTIONS_DATABASE_SCHEMA',
      'SUBSCRIPTIONS_DELIVERY_CONCURRENCY',
      'SUBSCRIPTIONS_EVENT_RETENTION_DAYS',
      'SUBSCRIPTIONS_TOKEN_MAX_LIFETIME_SECONDS',
    ]);
    expect(error.message).toContain('must be one of production, development');
  });

  it('given no base URL, then production refuses to start and development derives one from where it listens', () => {
    const { SUBSCRIPTIONS_BASE_URL: _omitted, ...withoutBaseUrl } = required();
    expect(thrownBy(ConfigError, () => loadSubscriptionsConfig(withoutBaseUrl)).message).toContain(
      'SUBSCRIPTIONS_BASE_URL: is required in production',
    );
    expect(
      loadSubscriptionsConfig({
        ...withoutBaseUrl,
        CROSSCARE_ENVIRONMENT: 'development',
        SUBSCRIPTIONS_PORT: '9087',
      }).baseUrl,
    ).toBe('http://127.0.0.1:9087/fhir');
  });
});
