import { thrownBy } from '@crosscare/testing';
import { ConfigError } from '@crosscare/config';
import { createHash } from 'node:crypto';
import { loadRegistryConfig } from '../registry-config';
import { isLoopbackHost } from './registry-auth-config';

const HASH = createHash('sha256').update('secret').digest('hex');

const configError = (env: NodeJS.ProcessEnv): ConfigError =>
  thrownBy(ConfigError, () => loadRegistryConfig(env));

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.10.0.1', 'localhost', 'LOCALHOST', '::1', '0:0:0:0:0:0:0:1'])(
    '%s is',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each(['0.0.0.0', '::', '10.0.0.5', '128.0.0.1', 'registry.internal', 'localhost.example.com'])(
    '%s is not',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('loadRegistryConfig: authentication', () => {
  it('is off by default, on 127.0.0.1', () => {
    expect(loadRegistryConfig({}).users).toBeUndefined();
  });

  it('is on with users, on any host', () => {
    const config = loadRegistryConfig({
      SCHEMA_REGISTRY_HOST: '0.0.0.0',
      SCHEMA_REGISTRY_AUTH_USERS: `svc:reader:${HASH},ci:writer:${HASH}`,
    });
    expect([...config.users!.values()].map((u) => [u.name, u.role])).toEqual([
      ['svc', 'reader'],
      ['ci', 'writer'],
    ]);
  });

  it('treats an empty SCHEMA_REGISTRY_AUTH_USERS as unset', () => {
    expect(loadRegistryConfig({ SCHEMA_REGISTRY_AUTH_USERS: '  ' }).users).toBeUndefined();
  });

  it('refuses to listen beyond loopback without users, naming the variables', () => {
    const error = configError({ SCHEMA_REGISTRY_HOST: '0.0.0.0' });
    expect(error.problems.map((p) => p.variable)).toEqual(['SCHEMA_REGISTRY_AUTH_USERS']);
    expect(error.message).toContain('SCHEMA_REGISTRY_HOST (0.0.0.0) is not a loopback address');
    expect(error.message).toContain('SCHEMA_REGISTRY_ALLOW_ANONYMOUS=true');
  });

  it('listens beyond loopback without users only when SCHEMA_REGISTRY_ALLOW_ANONYMOUS=true says so', () => {
    const config = loadRegistryConfig({
      SCHEMA_REGISTRY_HOST: '0.0.0.0',
      SCHEMA_REGISTRY_ALLOW_ANONYMOUS: 'true',
    });
    expect(config.users).toBeUndefined();
    expect(
      configError({ SCHEMA_REGISTRY_HOST: '0.0.0.0', SCHEMA_REGISTRY_ALLOW_ANONYMOUS: 'false' }).message,
    ).toContain('SCHEMA_REGISTRY_AUTH_USERS');
  });

  it('refuses SCHEMA_REGISTRY_ALLOW_ANONYMOUS=true together with users, rather than guess which is meant', () => {
    const error = configError({
      SCHEMA_REGISTRY_AUTH_USERS: `svc:reader:${HASH}`,
      SCHEMA_REGISTRY_ALLOW_ANONYMOUS: 'true',
    });
    expect(error.problems.map((p) => p.variable)).toEqual(['SCHEMA_REGISTRY_ALLOW_ANONYMOUS']);
  });

  it('refuses a bad users list without echoing it, whatever the host', () => {
    const value = `svc:reader:${HASH},ci:writer:not-a-hash-but-a-password`;
    const error = configError({ SCHEMA_REGISTRY_AUTH_USERS: value });
    expect(error.problems).toEqual([
      {
        variable: 'SCHEMA_REGISTRY_AUTH_USERS',
        reason: expect.stringContaining('entry 2 (ci) needs a password hash'),
      },
    ]);
    expect(error.message).not.toContain('not-a-hash-but-a-password');
    expect(error.message).not.toContain(HASH);
  });

  it('refuses a bad SCHEMA_REGISTRY_ALLOW_ANONYMOUS', () => {
    expect(configError({ SCHEMA_REGISTRY_ALLOW_ANONYMOUS: 'maybe' }).message).toContain(
      'SCHEMA_REGISTRY_ALLOW_ANONYMOUS: must be true or false',
    );
  });
});
