import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { hasCommand, runCommand } from './commands';
import type { StackPaths } from './paths';
import { silentProgress, type Progress } from './progress';
import { StackError } from './stack-error';

/** The local server's maintenance database, used only to create Crosscare's databases. */
export const DEFAULT_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The URL of another database on the same server, with the same credentials. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function canConnect(url: string, timeoutMs = 3000): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface EnsurePostgresOptions {
  readonly adminUrl?: string;
  readonly databases: readonly string[];
  readonly paths: StackPaths;
  readonly progress?: Progress;
}

/**
 * Makes sure Postgres answers and the named databases exist. A local Debian cluster that is down is started with
 * pg_ctlcluster (and recorded, so stack:down stops only what it started); anything else is the operator's.
 */
export async function ensurePostgres(options: EnsurePostgresOptions): Promise<{ startedByUs: boolean }> {
  const adminUrl = options.adminUrl ?? DEFAULT_POSTGRES_ADMIN_URL;
  const progress = options.progress ?? silentProgress;
  const host = new URL(adminUrl).hostname;
  let startedByUs = false;

  if (!(await canConnect(adminUrl))) {
    const clusters = localClusters();
    if (!['127.0.0.1', 'localhost'].includes(host) || clusters.length === 0 || !hasCommand('pg_ctlcluster')) {
      throw new StackError(
        `PostgreSQL is not accepting connections at ${host}:${new URL(adminUrl).port || 5432}: ` +
          'start it, or point CROSSCARE_POSTGRES_ADMIN_URL at a server that runs',
      );
    }
    await progress.step('Starting the local PostgreSQL cluster', async (tick) => {
      for (const version of clusters) {
        await runCommand('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']).catch(
          (error: unknown) => {
            // "already running" is fine; the connection check below decides.
            tick(String(error));
          },
        );
      }
      const deadline = Date.now() + 30_000;
      while (!(await canConnect(adminUrl))) {
        if (Date.now() > deadline) throw new StackError(`PostgreSQL did not start within 30 s at ${host}`);
        tick('waiting for PostgreSQL');
        await new Promise((r) => setTimeout(r, 500));
      }
    });
    startedByUs = true;
    fs.mkdirSync(options.paths.run, { recursive: true });
    fs.writeFileSync(path.join(options.paths.run, 'postgres.json'), JSON.stringify({ clusters }));
  }

  await createDatabases(adminUrl, options.databases);
  return { startedByUs };
}

export async function createDatabases(adminUrl: string, databases: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const name of databases) {
      if (!DATABASE_NAME.test(name)) throw new StackError(`"${name}" is not a valid database name`);
      const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount === 0) {
        await client.query(`create database "${name}"`).catch((error: { code?: string }) => {
          if (error.code !== '42P04') throw error; // created meanwhile by a concurrent caller
        });
      }
    }
  } finally {
    await client.end();
  }
}

/** Stops the Postgres clusters that stack:up started, and nothing else. */
export async function stopPostgresIfStartedByUs(
  paths: StackPaths,
  progress: Progress = silentProgress,
): Promise<boolean> {
  const file = path.join(paths.run, 'postgres.json');
  if (!fs.existsSync(file)) return false;
  const { clusters } = JSON.parse(fs.readFileSync(file, 'utf8')) as { clusters: string[] };
  await progress.step('Stopping the PostgreSQL cluster that stack:up started', async () => {
    for (const version of clusters) {
      await runCommand('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'stop']);
    }
  });
  fs.rmSync(file);
  return true;
}

function localClusters(): string[] {
  try {
    return fs.readdirSync('/etc/postgresql').filter((v) => fs.existsSync(`/etc/postgresql/${v}/main`));
  } catch {
    return [];
  }
}
