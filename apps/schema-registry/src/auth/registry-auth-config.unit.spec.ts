import { thrownBy } from '@crosscare/testing';
import { ConfigError } from '@crosscare/config';
import { createHash } from 'node:crypto';
import { loadRegistryConfig } from '../registry-config';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const HASH = createHash('sha256').update('secret').digest('hex');

const configError = (env: NodeJS.ProcessEnv): ConfigError =>
  thrownBy(ConfigError, () => loadRegistryConfig(env));

describe('loadRegistryConfig: authentication', () => {
  it.each(['127.0.0.1', 'localhost', '::1', '0.0.0.0'])(
    'is required by default, on %s too: without users the registry does not start, naming the variable',
    (host) => {
      const error = configError({ SCHEMA_REGISTRY_HOST: host });
      expect(error.problems.map((p) => p.variable)).toEqual(['SCHEMA_REGISTRY_AUTH_USERS']);
      expect(error.message).toContain('SCHEMA_REGISTRY_AUTH_USERS: is required');
      expect(error.message).toContain('SCHEMA_REGISTRY_AUTH_USERS_FILE');
      expect(error.message).toContain('SCHEMA_REGISTRY_ALLOW_ANONYMOUS=true');
    },
  );

  it('is required with nothing set at all', () => {
    expect(configError({}).problems.map((p) => p.variable)).toEqual(['SCHEMA_REGISTRY_AUTH_USERS']);
  });

  it('is on with users, on any host', () => {
    const config = loadRegistryConfig({
      SCHEMA_REGISTRY_HOST: '0.0.0.0',
      SCHEMA_REGISTRY_AUTH_USERS: `svc:reader:${HASH},ci:writer:${HASH}`,
    });
    expect(config.anonymous).toBe(false);
    expect([...config.users!.values()].map((u) => [u.name, u.role])).toEqual([
      ['svc', 'reader'],
      ['ci', 'writer'],
    ]);
  });

  it('treats an empty SCHEMA_REGISTRY_AUTH_USERS as unset: still refused', () => {
    expect(configError({ SCHEMA_REGISTRY_AUTH_USERS: '  ' }).message).toContain('is required');
  });

  it('runs without users only when SCHEMA_REGISTRY_ALLOW_ANONYMOUS=true says so, on any host', () => {
    for (const host of ['127.0.0.1', '0.0.0.0']) {
      const config = loadRegistryConfig({
        SCHEMA_REGISTRY_HOST: host,
        SCHEMA_REGISTRY_ALLOW_ANONYMOUS: 'true',
      });
      expect(config.anonymous).toBe(true);
      expect(config.users).toBeUndefined();
    }
    expect(configError({ SCHEMA_REGISTRY_ALLOW_ANONYMOUS: 'false' }).message).toContain(
      'SCHEMA_REGISTRY_AUTH_USERS',
    );
  });

  describe('SCHEMA_REGISTRY_AUTH_USERS_FILE', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-users-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('is enough on its own, even empty (a subscriber grant fills it later)', () => {
      const file = path.join(dir, 'users');
      fs.writeFileSync(file, '# readers granted at run time\n');
      const config = loadRegistryConfig({ SCHEMA_REGISTRY_AUTH_USERS_FILE: file });
      expect(config).toMatchObject({ anonymous: false, usersFile: file, users: undefined });
    });

    it('must be readable and well-formed at start, without its content echoed', () => {
      const missing = configError({ SCHEMA_REGISTRY_AUTH_USERS_FILE: path.join(dir, 'nope') });
      expect(missing.problems).toEqual([
        {
          variable: 'SCHEMA_REGISTRY_AUTH_USERS_FILE',
          reason: expect.stringContaining('cannot be read (ENOENT)'),
        },
      ]);
      const file = path.join(dir, 'users');
      fs.writeFileSync(file, `ok:reader:${HASH}\nbad:reader:hunter2-pasted\n`);
      const bad = configError({ SCHEMA_REGISTRY_AUTH_USERS_FILE: file });
      expect(bad.message).toContain('line 2 (bad) needs a password hash');
      expect(bad.message).not.toContain('hunter2-pasted');
      expect(bad.message).not.toContain(HASH);
    });

    it('cannot be combined with SCHEMA_REGISTRY_ALLOW_ANONYMOUS=true', () => {
      const file = path.join(dir, 'users');
      fs.writeFileSync(file, '');
      const error = configError({
        SCHEMA_REGISTRY_AUTH_USERS_FILE: file,
        SCHEMA_REGISTRY_ALLOW_ANONYMOUS: 'true',
      });
      expect(error.problems.map((p) => p.variable)).toEqual(['SCHEMA_REGISTRY_ALLOW_ANONYMOUS']);
    });
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
