import { ConfigError } from '@crosscare/config';
import { thrownBy } from '@crosscare/testing';
import { loadRecordApiConfig } from './record-api-config';

const SECRET = 'x'.repeat(32);

/** Every service authenticates to Kafka; these tests are about the rest of the configuration. */
const KAFKA = { KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' };
describe('record API configuration', () => {
  it('given only the secret, then the defaults read the CCR read model and listen on 127.0.0.1:8085', () => {
    const config = loadRecordApiConfig({
      ...KAFKA,
      RECORD_API_JWT_SECRET: SECRET,
    });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8085,
      collaborative: 'CCR',
      databaseSchema: 'projector_ccr',
      topicPrefix: 'crosscare',
      auditTimeoutMs: 5000,
      auth: { issuer: 'crosscare-local', restrictedRoles: [] },
    });
    expect(config.auth.jwtSecret.equals(Buffer.from(SECRET))).toBe(true);
  });

  it('given OHC, then its schema is the default; an explicit schema wins', () => {
    expect(
      loadRecordApiConfig({
        ...KAFKA,
        RECORD_API_JWT_SECRET: SECRET,
        RECORD_API_COLLABORATIVE: 'OHC',
      }).databaseSchema,
    ).toBe('projector_ohc');
    expect(
      loadRecordApiConfig({
        ...KAFKA,
        RECORD_API_JWT_SECRET: SECRET,
        RECORD_API_DATABASE_SCHEMA: 'projector_ccr_v2',
      }).databaseSchema,
    ).toBe('projector_ccr_v2');
  });

  it('given a comma list of restricted roles, then each is trimmed and blanks dropped', () => {
    const config = loadRecordApiConfig({
      ...KAFKA,
      RECORD_API_JWT_SECRET: SECRET,
      RECORD_API_RESTRICTED_ROLES: ' R8003, ,lead ',
    });
    expect(config.auth.restrictedRoles).toEqual(['R8003', 'lead']);
  });

  it('given no secret, then start fails naming the variable', () => {
    const error = thrownBy(ConfigError, () => loadRecordApiConfig({}));
    expect(error.problems.map((p) => p.variable)).toEqual(['RECORD_API_JWT_SECRET']);
  });

  it('given a short secret and other bad values, then every problem is named and the secret never shown', () => {
    const short = 'too-short-but-secret';
    const error = thrownBy(ConfigError, () =>
      loadRecordApiConfig({
        ...KAFKA,
        RECORD_API_JWT_SECRET: short,
        RECORD_API_COLLABORATIVE: 'XYZ',
        RECORD_API_AUDIT_TIMEOUT_MS: '0',
      }),
    );
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'RECORD_API_AUDIT_TIMEOUT_MS',
      'RECORD_API_COLLABORATIVE',
      'RECORD_API_JWT_SECRET',
    ]);
    expect(error.message).toContain('must be at least 32 bytes');
    expect(error.message).not.toContain(short);
  });

  it('given trusted proxies as a hop count or a list of addresses, subnets and names, then Express gets them as such', () => {
    const load = (value: string) =>
      loadRecordApiConfig({
        ...KAFKA,
        RECORD_API_JWT_SECRET: SECRET,
        RECORD_API_TRUSTED_PROXIES: value,
      }).trustedProxies;

    expect(
      loadRecordApiConfig({
        ...KAFKA,
        RECORD_API_JWT_SECRET: SECRET,
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
          RECORD_API_JWT_SECRET: SECRET,
          RECORD_API_TRUSTED_PROXIES: value,
        }),
      );
      expect(error.problems.map((p) => p.variable)).toEqual(['RECORD_API_TRUSTED_PROXIES']);
      expect(error.message).toContain('never "true"');
    },
  );
});
