import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, stackPaths, type StackPaths } from './paths';
import {
  addRegistryReader,
  envWithRegistryCredentials,
  localRegistryAuthUsers,
  localRegistryCredentials,
  registrySecretName,
  registryUrlWithCredentials,
  registryUsersFile,
  removeRegistryReader,
  writeComposeEnv,
} from './registry-credentials';
import { registryEnvironment } from './schema-registry-process';
import { secretFile } from './secrets';
import { sdeKeysDir } from './sde-keys';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('local registry credentials', () => {
  let home: string;
  let paths: StackPaths;
  const secret = (name: string) =>
    fs.readFileSync(secretFile(paths, registrySecretName(name)), 'utf8').trim();

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-home-'));
    paths = stackPaths(home);
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('gives the registry one user per principal, hashed, with a password of its own kept owner-only', () => {
    const entries = localRegistryAuthUsers(paths).split(',');
    expect(entries.map((e) => e.split(':').slice(0, 2).join(':'))).toEqual([
      'crosscare-admin:writer',
      'ingest:reader',
      'projector-ccr:reader',
      'projector-ohc:reader',
      'record-api:reader',
      'sde-publisher:reader',
      'subscriptions:reader',
      'crosscare-tools:reader',
    ]);
    expect(entries[0].split(':')[2]).toBe(sha256(secret('crosscare-admin')));
    expect(secret('ingest')).not.toBe(secret('crosscare-admin'));
    expect(fs.statSync(secretFile(paths, 'registry-ingest')).mode & 0o777).toBe(0o600);
    // Generated once: a second start agrees with the first.
    expect(localRegistryAuthUsers(paths)).toBe(entries.join(','));
  });

  it('starts the registry with its users and users file, never anonymously', () => {
    const env = registryEnvironment(8081, 'postgres://x@127.0.0.1/crosscare', paths);
    expect(env.SCHEMA_REGISTRY_AUTH_USERS).toBe(localRegistryAuthUsers(paths));
    expect(env.SCHEMA_REGISTRY_AUTH_USERS_FILE).toBe(registryUsersFile(paths));
    expect(fs.existsSync(registryUsersFile(paths))).toBe(true);
    expect(env.SCHEMA_REGISTRY_ALLOW_ANONYMOUS).toBe('false');
    expect(JSON.stringify(env)).not.toContain(secret('crosscare-admin'));
  });

  it('hands each service a URL with its own credentials', () => {
    const urls = localRegistryCredentials(paths, 'http://127.0.0.1:8081');
    expect(urls.adminUrl).toBe(`http://crosscare-admin:${secret('crosscare-admin')}@127.0.0.1:8081`);
    expect(urls.serviceUrl('ingest')).toBe(`http://ingest:${secret('ingest')}@127.0.0.1:8081`);
  });

  describe('registryUrlWithCredentials (tools)', () => {
    it('adds the local admin credentials to a local URL without any, once the stack made them', () => {
      expect(registryUrlWithCredentials('http://127.0.0.1:8081', paths)).toBe('http://127.0.0.1:8081');
      localRegistryAuthUsers(paths);
      expect(registryUrlWithCredentials('http://127.0.0.1:8081', paths)).toBe(
        `http://crosscare-admin:${secret('crosscare-admin')}@127.0.0.1:8081`,
      );
      expect(registryUrlWithCredentials('http://localhost:9000/', paths, 'crosscare-tools')).toBe(
        `http://crosscare-tools:${secret('crosscare-tools')}@localhost:9000`,
      );
    });

    it('keeps credentials given, and never sends local ones to another host', () => {
      localRegistryAuthUsers(paths);
      expect(registryUrlWithCredentials('http://me:pw@127.0.0.1:8081', paths)).toBe(
        'http://me:pw@127.0.0.1:8081',
      );
      expect(registryUrlWithCredentials('https://registry.example.nhs.uk', paths)).toBe(
        'https://registry.example.nhs.uk',
      );
    });

    it('defaults an unset SCHEMA_REGISTRY_URL to the local registry', () => {
      expect(envWithRegistryCredentials({}, paths)).toEqual({});
      localRegistryAuthUsers(paths);
      expect(envWithRegistryCredentials({ OTHER: 'x' }, paths, 'crosscare-tools')).toEqual({
        OTHER: 'x',
        SCHEMA_REGISTRY_URL: `http://crosscare-tools:${secret('crosscare-tools')}@127.0.0.1:8081`,
      });
    });
  });

  it('writes the variables docker-compose.yml requires, owner-only, from the same secrets', () => {
    const file = writeComposeEnv(paths, ['sde-diabetes-outcomes', 'sde-urgent-care-flow']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const values = Object.fromEntries(
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(Object.keys(values)).toEqual([
      'SCHEMA_REGISTRY_AUTH_USERS',
      'CROSSCARE_REGISTRY_INGEST_PASSWORD',
      'CROSSCARE_REGISTRY_PROJECTOR_CCR_PASSWORD',
      'CROSSCARE_REGISTRY_PROJECTOR_OHC_PASSWORD',
      'CROSSCARE_REGISTRY_RECORD_API_PASSWORD',
      'CROSSCARE_REGISTRY_SDE_PUBLISHER_PASSWORD',
      'CROSSCARE_REGISTRY_SUBSCRIPTIONS_PASSWORD',
      'CROSSCARE_DB_INGEST_PASSWORD',
      'CROSSCARE_DB_REGISTRY_PASSWORD',
      'CROSSCARE_DB_PROJECTOR_CCR_PASSWORD',
      'CROSSCARE_DB_PROJECTOR_OHC_PASSWORD',
      'CROSSCARE_DB_RECORD_API_CCR_PASSWORD',
      'CROSSCARE_DB_SDE_PUBLISHER_PASSWORD',
      'CROSSCARE_DB_SUBSCRIPTIONS_PASSWORD',
      'CROSSCARE_SDE_KEY_SDE_DIABETES_OUTCOMES',
      'CROSSCARE_SDE_KEY_SDE_URGENT_CARE_FLOW',
      'CROSSCARE_SUBSCRIPTIONS_HEADER_KEY',
      'CROSSCARE_GRAFANA_ADMIN_PASSWORD',
    ]);
    expect(values.SCHEMA_REGISTRY_AUTH_USERS).toBe(localRegistryAuthUsers(paths));
    expect(values.CROSSCARE_REGISTRY_PROJECTOR_OHC_PASSWORD).toBe(secret('projector-ohc'));
    // The local stack's own key, so that compose and the local stack give a patient the same pseudonym.
    expect(values.CROSSCARE_SDE_KEY_SDE_DIABETES_OUTCOMES).toBe(
      fs.readFileSync(path.join(sdeKeysDir(paths), 'sde-diabetes-outcomes'), 'utf8').trim(),
    );
    // The subscription service's header key, 32 bytes, as the service reads it.
    expect(Buffer.from(values.CROSSCARE_SUBSCRIPTIONS_HEADER_KEY, 'base64')).toHaveLength(32);
    // Every compose variable the file sets is one docker-compose.yml requires (a key as a secret's source).
    const compose = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    for (const name of Object.keys(values))
      expect(compose).toMatch(
        name.startsWith('CROSSCARE_SDE_KEY_') || name === 'CROSSCARE_SUBSCRIPTIONS_HEADER_KEY'
          ? `environment: ${name}\n`
          : `\${${name}:?`,
      );
  });

  describe('readers granted at run time (the users file)', () => {
    const lines = () => fs.readFileSync(registryUsersFile(paths), 'utf8').split('\n');

    it('appends a hashed reader entry, replaces it when added again, and removes it on revoke', () => {
      addRegistryReader(paths, 'sub.orders', 'pw-1');
      addRegistryReader(paths, 'sub.billing', 'pw-2');
      addRegistryReader(paths, 'sub.orders', 'pw-3');
      expect(lines().filter((l) => l && !l.startsWith('#'))).toEqual([
        `sub.billing:reader:${sha256('pw-2')}`,
        `sub.orders:reader:${sha256('pw-3')}`,
      ]);
      expect(fs.readFileSync(registryUsersFile(paths), 'utf8')).not.toContain('pw-');
      expect(fs.statSync(registryUsersFile(paths)).mode & 0o777).toBe(0o600);

      expect(removeRegistryReader(paths, 'sub.orders')).toBe(true);
      expect(removeRegistryReader(paths, 'sub.orders')).toBe(false);
      expect(lines().filter((l) => l && !l.startsWith('#'))).toEqual([
        `sub.billing:reader:${sha256('pw-2')}`,
      ]);
    });

    it('refuses names the registry would refuse, and the stack’s own principals', () => {
      expect(() => addRegistryReader(paths, 'a:b', 'pw')).toThrow('registry user name');
      expect(() => addRegistryReader(paths, 'a,b', 'pw')).toThrow('registry user name');
      expect(() => addRegistryReader(paths, 'crosscare-admin', 'pw')).toThrow("local stack's own");
      expect(() => addRegistryReader(paths, 'sub', '')).toThrow('needs a password');
    });
  });
});
