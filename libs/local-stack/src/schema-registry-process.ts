import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { envValue } from './env';
import { REPO_ROOT, type StackPaths } from './paths';
import { describePortOwner, isPortFree } from './ports';
import { isOurProcess, stopProcess, tail } from './processes';
import { silentProgress, type Progress } from './progress';
import { StackError } from './stack-error';

/** The registry the stack runs is the built app, as it runs in production, not a dev server. */
export const REGISTRY_ENTRY = path.join(REPO_ROOT, 'dist', 'apps', 'schema-registry', 'main.js');
const REGISTRY_SOURCES = ['apps/schema-registry/src', 'libs/config/src'].map((d) => path.join(REPO_ROOT, d));

export interface LocalRegistryRecord {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly logFile: string;
  /** mtime of the build it runs: a newer build means this process runs old code. */
  readonly builtAt: number;
}

export interface LocalRegistry {
  readonly url: string;
  readonly started: boolean;
  readonly record: LocalRegistryRecord;
}

const recordFile = (paths: StackPaths) => path.join(paths.run, 'schema-registry.json');

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

const builtAt = () => (fs.existsSync(REGISTRY_ENTRY) ? fs.statSync(REGISTRY_ENTRY).mtimeMs : 0);

/** Builds dist/apps/schema-registry when it is missing or older than its sources. */
export async function ensureRegistryBuilt(progress: Progress = silentProgress): Promise<void> {
  const changedAt = Math.max(...REGISTRY_SOURCES.map(newestSourceMtime));
  if (builtAt() > changedAt) return;
  await progress.step('Building the schema registry (nest build schema-registry)', () => buildRegistry());
  // webpack leaves an unchanged bundle untouched; the build time is what marks it current.
  const now = new Date();
  fs.utimesSync(REGISTRY_ENTRY, now, now);
}

function buildRegistry(): Promise<void> {
  return new Promise((resolve, reject) => {
    const nest = path.join(REPO_ROOT, 'node_modules', '.bin', 'nest');
    const child = spawn(nest, ['build', 'schema-registry'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new StackError(`nest build schema-registry failed:\n${output.trim()}`)),
    );
  });
}

export function runningRegistry(paths: StackPaths): LocalRegistryRecord | undefined {
  const file = recordFile(paths);
  if (!fs.existsSync(file)) return undefined;
  const record = JSON.parse(fs.readFileSync(file, 'utf8')) as LocalRegistryRecord;
  if (isOurProcess(record.pid, REGISTRY_ENTRY)) return record;
  fs.rmSync(file, { force: true }); // stale: it died, or the machine restarted
  return undefined;
}

export async function registryHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

export interface LocalRegistryOptions {
  readonly port: number;
  readonly databaseUrl: string;
  readonly paths: StackPaths;
  readonly progress?: Progress;
  readonly readyTimeoutMs?: number;
}

/**
 * Idempotent: a healthy registry running the current build is kept; one running an older build (its sources
 * changed since) or not answering is replaced; a registry on another port is an error.
 */
export async function startLocalRegistry(options: LocalRegistryOptions): Promise<LocalRegistry> {
  const { paths, port } = options;
  const progress = options.progress ?? silentProgress;
  const existing = runningRegistry(paths);
  if (existing && existing.port !== port) {
    throw new StackError(
      `a schema registry is already running on port ${existing.port} (pid ${existing.pid}); run npm run stack:down first`,
    );
  }
  await ensureRegistryBuilt(progress);
  if (existing) {
    const current = existing.builtAt === builtAt();
    if (current && (await registryHealthy(existing.url))) {
      return { url: existing.url, started: false, record: existing };
    }
    progress.info(
      current
        ? 'Schema registry not answering: restarting it'
        : 'Schema registry code changed: restarting it',
    );
    await stopLocalRegistry(paths, progress);
  }

  if (!(await isPortFree(port))) {
    throw new StackError(
      `${describePortOwner(port)}: stop it, or start the registry on another port (--registry-port)`,
    );
  }
  fs.mkdirSync(paths.run, { recursive: true });
  fs.mkdirSync(paths.logs, { recursive: true });
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(paths.logs, 'schema-registry.out');

  return progress.step(`Starting the schema registry on ${url}`, async (tick) => {
    const out = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [REGISTRY_ENTRY], {
      cwd: REPO_ROOT,
      detached: true, // outlives the npm script that started it, like the brokers
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        DATABASE_URL: options.databaseUrl,
        SCHEMA_REGISTRY_HOST: '127.0.0.1',
        SCHEMA_REGISTRY_PORT: String(port),
        SCHEMA_REGISTRY_DATABASE_SCHEMA: envValue('SCHEMA_REGISTRY_DATABASE_SCHEMA') ?? 'schema_registry',
      },
    });
    fs.closeSync(out);
    if (child.pid === undefined) throw new StackError('could not start the schema registry');
    child.unref();
    const record: LocalRegistryRecord = { pid: child.pid, port, url, logFile, builtAt: builtAt() };
    fs.writeFileSync(recordFile(paths), JSON.stringify(record, null, 2));

    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    while (!(await registryHealthy(url))) {
      if (!isOurProcess(child.pid, REGISTRY_ENTRY)) {
        fs.rmSync(recordFile(paths), { force: true });
        throw new StackError(`the schema registry exited while starting:\n${tail(logFile)}`);
      }
      if (Date.now() > deadline) {
        throw new StackError(`the schema registry did not answer ${url}/health in time; see ${logFile}`);
      }
      tick('waiting for /health');
      await new Promise((r) => setTimeout(r, 250));
    }
    return { url, started: true, record };
  });
}

export async function stopLocalRegistry(
  paths: StackPaths,
  progress: Progress = silentProgress,
): Promise<boolean> {
  const record = runningRegistry(paths);
  if (!record) return false;
  await progress.step(`Stopping the schema registry (pid ${record.pid})`, () =>
    stopProcess(record.pid, 10_000),
  );
  fs.rmSync(recordFile(paths), { force: true });
  return true;
}
