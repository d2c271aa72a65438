import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasCommand, runCommand } from './commands';
import { envValue } from './env';
import { stackPaths, type StackPaths } from './paths';
import type { Progress } from './progress';
import { StackError } from './stack-error';

/**
 * kcat against a librdkafka that can talk SCRAM to Kafka 4.
 *
 * Debian bookworm's kcat 1.7.1 links librdkafka 2.0.2, whose SCRAM client-final-message carries the client nonce
 * twice. Kafka 4 checks the nonce strictly (RFC 5802, the CVE-2024-56128 fix) and refuses it as "invalid
 * credentials"; librdkafka 2.6.1 fixed it (confluentinc/librdkafka#4895). Bookworm has nothing newer, so we build
 * librdkafka from Debian trixie's source tarball (plain upstream source, checksum from its .dsc) against bookworm's
 * libssl/libsasl2/zlib/lz4/zstd and run Debian's /usr/bin/kcat with LD_LIBRARY_PATH pointing at it (the soname
 * librdkafka.so.1 is ABI-stable).
 */
export const LIBRDKAFKA_VERSION = '2.8.0';
/** deb.debian.org/debian/pool/main/libr/librdkafka/librdkafka_2.8.0-1.dsc, Checksums-Sha256. */
export const LIBRDKAFKA_SOURCE_SHA256 = '5bd1c46f63265f31c6bfcedcde78703f77d28238eadf23821c2b43fc30be3e25';
export const LIBRDKAFKA_SOURCE_URL = `https://deb.debian.org/debian/pool/main/libr/librdkafka/librdkafka_${LIBRDKAFKA_VERSION}.orig.tar.gz`;
/** The first librdkafka whose SCRAM exchange Kafka 4 accepts. */
export const LIBRDKAFKA_MINIMUM_FOR_KAFKA_4_SCRAM = '2.6.1';

export const KCAT_BINARY = '/usr/bin/kcat';

/** Debian packages: kcat itself, and what building librdkafka needs. */
const KCAT_PACKAGES = ['kcat'];
const BUILD_PACKAGES = [
  'build-essential',
  'pkg-config',
  'libssl-dev',
  'libsasl2-dev',
  'zlib1g-dev',
  'liblz4-dev',
  'libzstd-dev',
];
/** What CI and developers install: `apt-get install -y <these>`. */
export const APT_PACKAGES: readonly string[] = [...KCAT_PACKAGES, ...BUILD_PACKAGES];
/** Commands the build runs (build-essential brings cc and make). */
const BUILD_COMMANDS = ['cc', 'make', 'tar', 'pkg-config'];

export interface LibrdkafkaBuild {
  readonly version: string;
  /** Put on LD_LIBRARY_PATH: holds librdkafka.so.1. */
  readonly lib: string;
}

function buildDirs(paths: StackPaths) {
  const dir = path.join(paths.cache, `librdkafka-${LIBRDKAFKA_VERSION}`);
  return { dir, lib: path.join(dir, 'lib'), marker: path.join(dir, '.complete') };
}

/** The built librdkafka, or undefined when `npm run kcat:fetch` has not run (to completion) yet. */
export function librdkafkaBuild(paths: StackPaths = stackPaths()): LibrdkafkaBuild | undefined {
  const { lib, marker } = buildDirs(paths);
  return fs.existsSync(marker) ? { version: LIBRDKAFKA_VERSION, lib } : undefined;
}

/**
 * Debian's kcat with the LD_LIBRARY_PATH that makes it load our librdkafka. For tests: spawn `command` with `env`.
 * Throws a StackError naming the fix when kcat or the build is missing.
 */
export function kcatCommand(
  paths: StackPaths = stackPaths(),
  baseEnv: NodeJS.ProcessEnv = process.env,
): { command: string; env: NodeJS.ProcessEnv } {
  requireKcat();
  const build = librdkafkaBuild(paths);
  if (!build) {
    throw new StackError(
      `librdkafka ${LIBRDKAFKA_VERSION} is not built yet (Debian's 2.0.2 cannot do SCRAM with Kafka 4): ` +
        'run npm run kcat:fetch',
    );
  }
  return { command: KCAT_BINARY, env: kcatEnvironment(build.lib, baseEnv) };
}

/** `baseEnv` with `lib` first on LD_LIBRARY_PATH, so the dynamic loader picks our librdkafka.so.1. */
export function kcatEnvironment(lib: string, baseEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const inherited = envValue('LD_LIBRARY_PATH', baseEnv);
  return { ...baseEnv, LD_LIBRARY_PATH: inherited ? `${lib}:${inherited}` : lib };
}

function requireKcat(): void {
  if (!fs.existsSync(KCAT_BINARY)) {
    throw new StackError(
      `${KCAT_BINARY} not found: install Debian's kcat (apt-get install -y ${APT_PACKAGES.join(' ')})`,
    );
  }
}

/**
 * On a fresh Debian machine run as root (CI, a new container), installs kcat and the build prerequisites from
 * Debian's mirrors, as the README's one-command set-up promises; anywhere else the checks below name the command.
 */
async function installMissingPackages(progress: Progress): Promise<void> {
  const missing = !fs.existsSync(KCAT_BINARY) || missingBuildPrerequisites().length > 0;
  if (!missing || process.getuid?.() !== 0 || !hasCommand('apt-get')) return;
  const install = ['install', '-y', '--no-install-recommends', ...APT_PACKAGES];
  await progress.step(`Installing ${APT_PACKAGES.join(' ')} (apt-get, Debian's mirrors)`, async () => {
    try {
      await runCommand('apt-get', install);
    } catch {
      // A machine whose package lists are stale or empty: refresh them once.
      await runCommand('apt-get', ['update']);
      await runCommand('apt-get', install);
    }
  });
}

/** Build prerequisites that are missing: commands, and (where dpkg is) the -dev packages. */
function missingBuildPrerequisites(): string[] {
  const commands = BUILD_COMMANDS.filter((name) => !hasCommand(name));
  if (!hasCommand('dpkg-query')) return commands;
  const packages = BUILD_PACKAGES.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return result.status !== 0 || !result.stdout.includes('install ok installed');
  });
  return [...new Set([...commands, ...packages])];
}

/**
 * Downloads librdkafka's source (checksum-verified) and builds the C library into the cache, once per version. A
 * marker file is written only after the build installed and kcat reported the new version, so an interrupted
 * build is redone rather than half-used.
 */
export async function ensureLibrdkafka(paths: StackPaths, progress: Progress): Promise<LibrdkafkaBuild> {
  const existing = fs.existsSync(KCAT_BINARY) ? librdkafkaBuild(paths) : undefined;
  if (existing) return existing;
  await installMissingPackages(progress);
  requireKcat();

  const missing = missingBuildPrerequisites();
  if (missing.length > 0) {
    throw new StackError(
      `building librdkafka ${LIBRDKAFKA_VERSION} needs ${missing.join(', ')}: ` +
        `apt-get install -y ${APT_PACKAGES.join(' ')}`,
    );
  }

  const { dir, lib, marker } = buildDirs(paths);
  const work = `${dir}.build`;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  fs.mkdirSync(paths.logs, { recursive: true });
  const logFile = path.join(paths.logs, 'librdkafka-build.log');
  const log = fs.createWriteStream(logFile);
  try {
    const tarball = path.join(work, path.basename(LIBRDKAFKA_SOURCE_URL));
    await progress.step(`Downloading librdkafka ${LIBRDKAFKA_VERSION} source from deb.debian.org`, () =>
      download(LIBRDKAFKA_SOURCE_URL, tarball, LIBRDKAFKA_SOURCE_SHA256),
    );
    await runCommand('tar', ['-xzf', tarball, '-C', work]);
    const source = path.join(work, `librdkafka-${LIBRDKAFKA_VERSION}`);
    const onOutput = (chunk: string) => void log.write(chunk);

    await progress.step('Configuring librdkafka', () =>
      runCommand('./configure', [`--prefix=${dir}`, '--disable-curl'], { cwd: source, onOutput }),
    );
    const sources = fs.readdirSync(path.join(source, 'src')).filter((f) => f.endsWith('.c')).length;
    await progress.step(
      `Building librdkafka ${LIBRDKAFKA_VERSION} (C library only, make -j2)`,
      async (tick) => {
        let compiled = 0;
        await runCommand('make', ['-C', 'src', '-j2'], {
          cwd: source,
          onOutput: (chunk) => {
            onOutput(chunk);
            compiled += (chunk.match(/ -c \S+\.c /g) ?? []).length;
            tick(`${compiled}/${sources} files compiled`);
          },
        });
      },
    );
    await runCommand('make', ['-C', 'src', 'install'], { cwd: source, onOutput });
  } finally {
    log.end();
  }

  // Our librdkafka must be the one kcat loads, with SCRAM and TLS built in.
  const version = spawnSync(KCAT_BINARY, ['-V'], {
    encoding: 'utf8',
    env: kcatEnvironment(lib, process.env),
  });
  const banner = `${version.stdout ?? ''}${version.stderr ?? ''}`;
  if (
    !banner.includes(`librdkafka ${LIBRDKAFKA_VERSION}`) ||
    !/sasl_scram/.test(banner) ||
    !/\bssl\b/.test(banner)
  ) {
    throw new StackError(
      `librdkafka built, but kcat -V with LD_LIBRARY_PATH=${lib} does not report librdkafka ` +
        `${LIBRDKAFKA_VERSION} with ssl and sasl_scram:\n${banner.trim()}\n(build log: ${logFile})`,
    );
  }
  // kcat loads the shared library only; the static archives are 45 MB of nothing.
  for (const archive of ['librdkafka.a', 'librdkafka-static.a'])
    fs.rmSync(path.join(lib, archive), { force: true });
  fs.rmSync(work, { recursive: true, force: true });
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  return { version: LIBRDKAFKA_VERSION, lib };
}

async function download(url: string, file: string, sha256: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new StackError(`could not download ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) {
    throw new StackError(
      `could not download ${url}: HTTP ${response.status} (Debian may have replaced it; ` +
        'see LIBRDKAFKA_VERSION in libs/local-stack/src/kcat.ts)',
    );
  }
  const body = Buffer.from(await response.arrayBuffer());
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== sha256) {
    throw new StackError(`${url}: sha256 ${actual}, expected ${sha256}; refusing to build it`);
  }
  fs.writeFileSync(file, body);
}
