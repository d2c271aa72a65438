import { ConfigError } from '@crosscare/config';
import { thrownBy } from '@crosscare/testing';
import { loadRecordApiConfig } from './record-api-config';

const ISSUERS = '/etc/crosscare/trusted-issuers.json';

/** Every service authenticates to Kafka; these tests are about the rest of the configuration. */
const KAFKA = { KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' };
describe('record API configuration', () => {
  it('given only the trusted-issuer list, then the defaults read the CCR read model and listen on 127.0.0.1:8085', () => {
    const config = loadRecordApiConfig({
      ...KAFKA,
      RECORD_API_TRUSTED_ISSUERS_FILE: ISSUERS,
    });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8085,
      collaborative: 'CCR',
      databaseSchema: 'projector_ccr',
      topicPrefix: 'crosscare',
      auditTimeoutMs: 5000,
      auth: {
        trustedIssuersFile: ISSUERS,
        environment: 'production',
        audience: 'crosscare-record-api',
        maxLifetimeSeconds: 3600,
        clockSkewSeconds: 60,
      },
    });
  });

  it('given the token variables, then the verifier gets them', () => {
    const config = loadRecordApiConfig({
      ...KAFKA,
      RECORD_API_TRUSTED_ISSUERS_FILE: ISSUERS,
      RECORD_API_AUDIENCE: 'https://record-api.example',
      RECORD_API_TOKEN_MAX_LIFETIME_SECONDS: '900',
      RECORD_API_CLOCK_SKEW_SECONDS: '0',
      CROSSCARE_ENVIRONMENT: 'development',
    });
    expect(config.auth).toEqual({
      trustedIssuersFile: ISSUERS,
      environment: 'development',
      audience: 'https://record-api.example',
      maxLifetimeSeconds: 900,
      clockSkewSeconds: 0,
    });
  });

  it('given OHC, then its schema is the default; an explicit schema wins', () => {
    expect(
      loadRecordApiConfig({
        ...KAFKA,
        RECORD_API_TRUSTED_ISSUERS_FILE: ISSUERS,
        RECORD_API_COLLABORATIVE: 'OHC',
      }).databaseSchema,
    ).toBe('projector_ohc');
    expect(
      loadRecordApiConfig({
        ...KAFKA,
        RECORD_API_TRUSTED_ISSUERS_FILE: ISSUERS,
        RECORD_API_DATABASE_SCHEMA: 'projector_ccr_v2',
      }).databaseSchema,
    ).toBe('projector_ccr_v2');
  });

  it('given no trusted-issuer list, then start fails naming the variable', () => {
    const error = thrownBy(ConfigError, () => loadRecordApiConfig({}));
    expect(error.problems.map((p) => p.variable)).toEqual(['RECORD_API_TRUSTED_ISSUERS_FILE']);
  });

  it('given bad token variables and other bad values, then every problem is named', () => {
    const error = thrownBy(ConfigError, () =>
      loadRecordApiConfig({
        ...KAFKA,
        RECORD_API_TRUSTED_ISSUERS_FILE: ISSUERS,
        RECORD_API_TOKEN_MAX_LIFETIME_SECONDS: '86401',
        RECORD_API_CLOCK_SKEW_SECONDS: '-1',
        CROSSCARE_ENVIRONMENT: 'staging',
        RECORD_API_COLLABORATIVE: 'XYZ',
        RECORD_API_AUDIT_TIMEOUT_MS: '0',
      }),
    );
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'CROSSCARE_ENVIRONMENT',
      'RECORD_API_AUDIT_TIMEOUT_MS',
      'RECORD_API_CLOCK_SKEW_SECONDS',
      'RECORD_API_COLLABORATIVE',
      'RECORD_API_TOKEN_MAX_LIFETIME_SECONDS',
    ]);
    expect(error.message).toContain('must be one of production, development');
    expect(error.message).toContain('must be a whole number from 0 to 600');
  });

  it('given the removed HS256 variables, then they are ignored: no shared secret verifies a token any more', () => {
    const config = loadRecordApiConfig({
      ...KAFKA,
      RECORD_API_TRUSTED_ISSUERS_FILE: ISSUERS,
      RECORD_API_JWT_SECRET: 'x'.repeat(32),
    });
    expect(JSON.stringify(config)).not.toContain('x'.repeat(32));
  });

  it('given trusted proxies as a hop count or a list of addresses, subnets and names, then Express gets them as such', () => {
    const load = (value: string) =>
      loadRecordApiConfig({
        ...KAFKA,
        RECORD_API_TRUSTED_ISSUERS_FILE: ISSUERS,
        RECORD_API_TRUSTED_PROXIES: value,
      }).trustedProxies;

    expect(
      loadRecordApiConfig({
        ...KAFKA,
        RECORD_API_TRUSTED_ISSUERS_FILE: ISSUERS,
      }).trustedProxies,
    ).toBeUndefined();
    expect(load('2')).toBe(2);
    expect(load('loopback, 10.20.0.0/16 ,fd00::/8,192.0.2.10')).toEqual([
      'loopback',
      '10.20.0.0/16',
      'fd00::/8',
      '192.0.2.10',
    ]);
  });

  it.each(['true', '*', '10.0.0.0/33', 'gateway.example', '10.0.0.1/8/1', '1, 2'])(
    'given trusted proxies %p, then start fails naming the variable',
    (value) => {
      const error = thrownBy(ConfigError, () =>
        loadRecordApiConfig({
          ...KAFKA,
          RECORD_API_TRUSTED_ISSUERS_FILE: ISSUERS,
          RECORD_API_TRUSTED_PROXIES: value,
        }),
      );
      expect(error.problems.map((p) => p.variable)).toEqual(['RECORD_API_TRUSTED_PROXIES']);
      expect(error.message).toContain('never "true"');
    },
  );
});
