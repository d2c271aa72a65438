import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  configurationFingerprint,
  isBuildCurrent,
  listensAsWanted,
  LocalApp,
  newestSourceMtime,
  readRecord,
  restartReason,
  type LocalAppRecord,
} from './local-app';
import { REPO_ROOT, stackPaths } from './paths';

const record = (overrides: Partial<LocalAppRecord> = {}): LocalAppRecord => ({
  pid: 4242,
  port: 8082,
  otherPorts: [{ name: 'mllp', port: 2575 }],
  url: 'http://127.0.0.1:8082',
  logFile: '/tmp/ingest.out',
  builtAt: 1_700_000_000_000,
  ...overrides,
});

describe('local app', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-app-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const touch = (file: string, seconds: number) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    fs.utimesSync(file, seconds, seconds);
  };

  describe('build staleness', () => {
    it('given no build, it is never current', () => {
      expect(isBuildCurrent(0, 0)).toBe(false);
    });

    it('given a build older than or as old as the newest source, it is stale', () => {
      expect(isBuildCurrent(1000, 2000)).toBe(false);
      expect(isBuildCurrent(2000, 2000)).toBe(false);
    });

    it('given a build newer than every source, it is current', () => {
      expect(isBuildCurrent(3000, 2000)).toBe(true);
    });

    it('counts nested TypeScript sources, not tests or other files', () => {
      touch(path.join(dir, 'main.ts'), 100);
      touch(path.join(dir, 'http', 'health.controller.ts'), 200);
      touch(path.join(dir, 'http', 'health.controller.unit.spec.ts'), 900);
      touch(path.join(dir, 'README.md'), 800);

      expect(newestSourceMtime(dir)).toBe(200_000);
    });
  });

  describe('a running app', () => {
    it('is kept where it listens on the ports asked for', () => {
      expect(listensAsWanted(record(), 8082, [{ name: 'mllp', port: 2575, flag: '--mllp-port' }])).toBe(true);
    });

    it('is a conflict when its HTTP or another port differs', () => {
      const mllp = (port: number) => [{ name: 'mllp', port, flag: '--mllp-port' }];
      expect(listensAsWanted(record(), 28082, mllp(2575))).toBe(false);
      expect(listensAsWanted(record(), 8082, mllp(22575))).toBe(false);
      expect(listensAsWanted(record(), 8082, [])).toBe(false);
    });

    it('given a record written before apps had other ports, matches an app that has none', () => {
      const { otherPorts: _, ...old } = record({ port: 8081 });
      expect(listensAsWanted(old, 8081, [])).toBe(true);
    });

    it('is restarted when its code changed, even if it answers', () => {
      expect(restartReason(false, true)).toBe('code changed');
    });

    it('is restarted when it runs the current build but does not answer', () => {
      expect(restartReason(true, false)).toBe('not answering');
    });

    it('is kept when it runs the current build and answers', () => {
      expect(restartReason(true, true)).toBeUndefined();
      expect(restartReason(true, true, true)).toBeUndefined();
    });

    it('is restarted when this start would give it other variables, even if it answers', () => {
      expect(restartReason(true, true, false)).toBe('configuration changed');
    });

    it('tells variables apart by a digest that keeps no value and ignores their order', () => {
      const users = { SCHEMA_REGISTRY_AUTH_USERS: 'a:reader:1', DATABASE_URL: 'postgres://r:secret@h/db' };
      const fingerprint = configurationFingerprint(users);
      expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(fingerprint).not.toContain('secret');
      const reversed = Object.fromEntries(Object.entries(users).reverse());
      expect(configurationFingerprint(reversed)).toBe(fingerprint);
      expect(
        configurationFingerprint({ ...users, SCHEMA_REGISTRY_AUTH_USERS: 'a:reader:1,b:reader:2' }),
      ).not.toBe(fingerprint);
    });
  });

  describe('run record', () => {
    const sut = new LocalApp({
      name: 'ingest',
      label: 'ingest service',
      sources: [],
      healthPath: '/health',
      portFlag: '--ingest-port',
    });

    it('reads back what start writes', () => {
      const file = path.join(dir, 'ingest.json');
      fs.writeFileSync(file, JSON.stringify(record(), null, 2));
      expect(readRecord(file)).toEqual(record());
    });

    it('given no file, or one cut short or not a record, reads as none', () => {
      expect(readRecord(path.join(dir, 'missing.json'))).toBeUndefined();
      fs.writeFileSync(path.join(dir, 'cut.json'), '{"pid": 42, "po');
      expect(readRecord(path.join(dir, 'cut.json'))).toBeUndefined();
      fs.writeFileSync(path.join(dir, 'other.json'), '{"port": 8082}');
      expect(readRecord(path.join(dir, 'other.json'))).toBeUndefined();
    });

    it('given a record whose process is not the app (it died, its pid was reused), removes it', () => {
      const paths = stackPaths(dir);
      fs.mkdirSync(paths.run, { recursive: true });
      fs.writeFileSync(sut.recordFile(paths), JSON.stringify(record({ pid: process.pid })));

      expect(sut.running(paths)).toBeUndefined();
      expect(fs.existsSync(sut.recordFile(paths))).toBe(false);
    });

    it('names the bundle, record and log after the app', () => {
      const paths = stackPaths(dir);
      expect(sut.entry).toBe(path.join(REPO_ROOT, 'dist', 'apps', 'ingest', 'main.js'));
      expect(sut.recordFile(paths)).toBe(path.join(dir, 'run', 'ingest.json'));
      expect(sut.logFile(paths)).toBe(path.join(dir, 'logs', 'ingest.out'));
      expect(sut.title).toBe('Ingest service');
    });
  });
});
