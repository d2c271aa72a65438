/**
 * The one way a benchmark writes `bench/results/<name>.json` (the record is test/bench/results-record.ts): the checkout
 * the benchmark started from, this machine, and the time.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as prettier from 'prettier';
import { RESULTS_DIR, resultsFileName, resultsRecord, type Checkout, type Machine } from './results-record';

export { roundsResult, type BenchResult } from './results-record';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The checkout at `dir`. Untracked files are left out: a worktree's node_modules link would always count. */
export function describeCheckout(dir = REPO_ROOT): Checkout {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    const changes = git(
      'status',
      '--porcelain',
      '--untracked-files=no',
      '--',
      '.',
      `:(exclude)${RESULTS_DIR}`,
    );
    return { commit, dirty: changes !== '' };
  } catch {
    return { commit: null, dirty: false };
  }
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/**
 * The checkout and the time as this process loaded the benchmark (the first import of this file): the code that runs
 * is the code tsx loaded then, so edits made while a long benchmark runs neither dirty nor date its figures.
 */
const AT_START = { checkout: describeCheckout(), startedAt: new Date() };

/**
 * Writes `results` as bench/results/<benchmark>.json (or to `file`) inside the record of the checkout the benchmark
 * started from and of this machine. Returns the path written, relative to the working directory.
 */
export async function writeResultsFile<R>(
  benchmark: string,
  results: R,
  options: { readonly file?: string } = {},
): Promise<string> {
  const file = options.file ?? path.join(REPO_ROOT, resultsFileName(benchmark));
  const record = resultsRecord(benchmark, results, {
    ...AT_START,
    measuredAt: new Date(),
    machine: describeMachine(),
  });
  await writeJsonFile(file, record);
  return path.relative(process.cwd(), file);
}

/** Writes JSON as the repository's Prettier settings format it, so `npm run format:check` passes after a run. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value, null, 2) + '\n';
  const formatted = await prettier
    .resolveConfig(file)
    .then((settings) => prettier.format(text, { ...settings, filepath: file }))
    .catch(() => text);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, formatted);
}
