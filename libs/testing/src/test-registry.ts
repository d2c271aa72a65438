import {
  REPO_ROOT,
  registryUserEntry,
  SCHEMA_REGISTRY_APP,
  withRegistryCredentials,
  type Progress,
} from '@crosscare/local-stack';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { freePort } from './free-port';
import { TestSchema } from './test-schema';

/**
 * A real schema registry for one suite: the built registry (dist/apps/schema-registry/main.js, as the local stack
 * and production run it) as a child process on 127.0.0.1 and a free port, over a Postgres schema of its own, so
 * every suite starts from an empty registry. A process rather than the app in this one, because libs never import
 * apps: any suite can have a registry without depending on the registry's code.
 *
 * It authenticates, as every registry does: a writer `test-admin` and a reader `test-reader`, each with a random
 * password, are always among its users.
 */
export interface TestRegistry {
  /** The admin's URL (credentials as user info): registers, and serves as SCHEMA_REGISTRY_URL for services. */
  readonly url: string;
  /** A reader's URL: what a service that only reads should be given. */
  readonly readerUrl: string;
  /** Without credentials: an anonymous caller's. */
  readonly baseUrl: string;
  readonly db: TestSchema;
  /** Stops the registry and drops its schema. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
/** Kept from the registry's output, for the error that says why it did not start. */
const OUTPUT_LINES = 40;

/**
 * Builds the registry when its bundle is missing or older than its sources. The integration and e2e tiers' global
 * setup calls it once per run, before any suite starts a registry, so parallel workers never build at once.
 */
export function ensureTestRegistryBuilt(progress?: Progress): Promise<void> {
  return SCHEMA_REGISTRY_APP.ensureBuilt(progress);
}

export const TEST_REGISTRY_ADMIN = 'test-admin';
export const TEST_REGISTRY_READER = 'test-reader';

/** `env` adds to or overrides the registry's variables; SCHEMA_REGISTRY_AUTH_USERS adds to the test users. */
export async function startTestRegistry(
  kind: string,
  env: Readonly<Record<string, string>> = {},
): Promise<TestRegistry> {
  if (!fs.existsSync(SCHEMA_REGISTRY_APP.entry)) {
    throw new Error(
      `${SCHEMA_REGISTRY_APP.entry} is missing: run suites through their Jest config (its global setup builds ` +
        'the registry), or run nest build schema-registry',
    );
  }
  const admin = randomBytes(18).toString('base64url');
  const reader = randomBytes(18).toString('base64url');
  const users = [
    registryUserEntry(TEST_REGISTRY_ADMIN, 'writer', admin),
    registryUserEntry(TEST_REGISTRY_READER, 'reader', reader),
    ...(env.SCHEMA_REGISTRY_AUTH_USERS ? [env.SCHEMA_REGISTRY_AUTH_USERS] : []),
  ].join(',');
  const db = await TestSchema.create(kind);
  try {
    const port = await freePort();
    // Only the registry's own variables, as a deployment would set them: nothing leaks in from the test's environment.
    const child = spawn(process.execPath, [SCHEMA_REGISTRY_APP.entry], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: db.databaseUrl,
        DATABASE_POOL_SIZE: '4',
        SCHEMA_REGISTRY_DATABASE_SCHEMA: db.name,
        SCHEMA_REGISTRY_HOST: '127.0.0.1',
        SCHEMA_REGISTRY_PORT: String(port),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        ...env,
        SCHEMA_REGISTRY_AUTH_USERS: users,
      },
    });
    const stopOnExit = () => child.kill('SIGKILL');
    // A suite that dies without closing must not leave a registry behind.
    process.once('exit', stopOnExit);
    const output = keepLastLines(child);
    const baseUrl = `http://127.0.0.1:${port}`;
    const stop = async () => {
      process.removeListener('exit', stopOnExit);
      await stopChild(child);
    };
    try {
      await waitUntilHealthy(baseUrl, child, output);
    } catch (error) {
      await stop();
      throw error;
    }
    return {
      url: withRegistryCredentials(baseUrl, TEST_REGISTRY_ADMIN, admin),
      readerUrl: withRegistryCredentials(baseUrl, TEST_REGISTRY_READER, reader),
      baseUrl,
      db,
      close: async () => {
        await stop();
        await db.drop();
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

function keepLastLines(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (data: Buffer) => {
    lines.push(
      ...data
        .toString()
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    lines.splice(0, Math.max(0, lines.length - OUTPUT_LINES));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Without a listener, a process that cannot be run would throw in the test instead of being reported.
  child.on('error', (error) => keep(Buffer.from(`could not run the registry: ${error.message}`)));
  return () => lines.join('\n');
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the test registry exited while starting:\n${output()}`);
    }
    const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    if (Date.now() > deadline) {
      throw new Error(`the test registry did not answer ${url}/health in time:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGTERM lets the registry close its database pool; SIGKILL if it does not exit in time. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
