import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kcatEnvironment, librdkafkaBuild, LIBRDKAFKA_VERSION } from './kcat';
import { stackPaths } from './paths';

describe('kcatEnvironment', () => {
  it('puts our librdkafka first on LD_LIBRARY_PATH and keeps the rest of the environment', () => {
    expect(kcatEnvironment('/cache/lib', { HOME: '/h', LD_LIBRARY_PATH: '/opt/lib' })).toEqual({
      HOME: '/h',
      LD_LIBRARY_PATH: '/cache/lib:/opt/lib',
    });
    expect(kcatEnvironment('/cache/lib', { LD_LIBRARY_PATH: ' ' }).LD_LIBRARY_PATH).toBe('/cache/lib');
  });
});

describe('librdkafkaBuild', () => {
  let home: string;
  beforeEach(() => (home = fs.mkdtempSync(path.join(os.tmpdir(), 'kcat-'))));
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('counts a build only once its completion marker is written', () => {
    const paths = { ...stackPaths(home), cache: path.join(home, 'cache') };
    const dir = path.join(paths.cache, `librdkafka-${LIBRDKAFKA_VERSION}`);
    fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
    expect(librdkafkaBuild(paths)).toBeUndefined();
    fs.writeFileSync(path.join(dir, '.complete'), 'done\n');
    expect(librdkafkaBuild(paths)).toEqual({ version: LIBRDKAFKA_VERSION, lib: path.join(dir, 'lib') });
  });
});
