import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localToolEnvironment, registryPrincipalFor } from './as-principal';
import { stackPaths, type StackPaths } from './paths';
import { LOCAL_REGISTRY_PRINCIPALS } from './registry-credentials';
import { localSecret } from './secrets';

describe('tools run as a principal', () => {
  let home: string;
  let paths: StackPaths;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-home-'));
    paths = stackPaths(home);
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  // Kafka variables stay out of the way: these tests are about Postgres.
  const base = { KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT' };

  it("log in to Postgres as the SDE publisher's role when they run as its principal (sde:export)", () => {
    const password = localSecret(paths, 'postgres-sde-publisher');
    const env = localToolEnvironment('crosscare-sde-publisher', base, paths);
    const url = new URL(env.DATABASE_URL ?? '');
    expect(url.username).toBe('crosscare_sde_publisher');
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(url.pathname).toBe('/crosscare');
  });

  it('keep an explicit DATABASE_URL, and the default one for principals without a role of their own', () => {
    localSecret(paths, 'postgres-sde-publisher');
    const given = { ...base, DATABASE_URL: 'postgres://someone@db/crosscare' };
    expect(localToolEnvironment('crosscare-sde-publisher', given, paths).DATABASE_URL).toBe(
      given.DATABASE_URL,
    );
    expect(localToolEnvironment('crosscare-opt-out-import', base, paths).DATABASE_URL).toBeUndefined();
  });

  it('read the registry as the publisher, never as its writer', () => {
    expect(registryPrincipalFor('crosscare-sde-publisher')).toBe('sde-publisher');
    expect(LOCAL_REGISTRY_PRINCIPALS['sde-publisher']).toBe('reader');
    expect(registryPrincipalFor('crosscare-opt-out-import')).toBe('crosscare-tools');
  });
});
