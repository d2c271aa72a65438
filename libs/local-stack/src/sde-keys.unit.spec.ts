import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSdeProjects } from '@crosscare/sde';
import { REPO_ROOT, stackPaths, type StackPaths } from './paths';
import { composeSdeKeyVariable, ensureSdeKeys, sdeKeysDir } from './sde-keys';
import { secretsDir } from './secrets';

describe('the local SDE publisher’s keys', () => {
  let home: string;
  let paths: StackPaths;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-home-'));
    paths = stackPaths(home);
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  const mode = (file: string) => fs.statSync(file).mode & 0o777;

  it('makes one random 32-byte key per name, as hex text, owner-only, in a folder of its own', () => {
    const dir = ensureSdeKeys(paths, ['sde-diabetes-outcomes', 'sde-urgent-care-flow']);
    expect(dir).toBe(path.join(secretsDir(paths), 'sde-keys'));
    expect(fs.readdirSync(dir).sort()).toEqual(['sde-diabetes-outcomes', 'sde-urgent-care-flow']);
    const keys = fs.readdirSync(dir).map((name) => fs.readFileSync(path.join(dir, name), 'utf8').trim());
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(keys[0]).not.toBe(keys[1]);
    expect(mode(dir)).toBe(0o700);
    expect(mode(secretsDir(paths))).toBe(0o700);
    for (const name of fs.readdirSync(dir)) expect(mode(path.join(dir, name))).toBe(0o600);
  });

  it('keeps a key that exists, so pseudonyms survive a restart, and adds a new project’s', () => {
    const dir = ensureSdeKeys(paths, ['sde-diabetes-outcomes']);
    const before = fs.readFileSync(path.join(dir, 'sde-diabetes-outcomes'), 'utf8');
    ensureSdeKeys(paths, ['sde-diabetes-outcomes', 'sde-new-project']);
    expect(fs.readFileSync(path.join(dir, 'sde-diabetes-outcomes'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(dir, 'sde-new-project'))).toBe(true);
  });

  it('refuses a name that is not a plain file name', () => {
    expect(() => ensureSdeKeys(paths, ['../kafka-crosscare-admin'])).toThrow(/bad secret name/);
    expect(fs.existsSync(sdeKeysDir(paths))).toBe(false);
  });
});

describe('docker-compose.yml’s SDE publisher', () => {
  const compose = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');

  it('gets each approved project’s key, named as the project names it, owner-only for the image’s user', () => {
    for (const project of loadSdeProjects()) {
      const name = project.pseudonymisationKey;
      expect(compose).toContain(
        `      - source: ${name}\n        target: /run/secrets/sde-keys/${name}\n` +
          `        uid: '1000'\n        gid: '1000'\n        mode: 0o400\n`,
      );
      expect(compose).toContain(`  ${name}:\n    environment: ${composeSdeKeyVariable(name)}\n`);
    }
    expect(compose).toContain('SDE_KEYS_DIR: /run/secrets/sde-keys\n');
  });
});
