import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand } from './commands';
import { REPO_ROOT, type StackPaths } from './paths';
import { describePortOwner, isPortFree } from './ports';
import { isOurProcess, stopProcess, tail } from './processes';
import { silentProgress, type Progress } from './progress';
import { StackError } from './stack-error';

/**
 * A Crosscare app the stack runs as a detached local process: the built bundle (dist/apps/<name>/main.js), as it
 * runs in production, not a dev server. It outlives the npm script that started it, until `stack:down`.
 */
export interface LocalAppSpec {
  /** The name of its run record and log; also the Nest project unless `project` says otherwise. */
  readonly name: string;
  /** The Nest project (`nest build <project>`) when several local apps run one bundle, e.g. both projectors. */
  readonly project?: string;
  /** How messages name it: "the <label>". */
  readonly label: string;
  /** Folders, from the repository root, whose code the bundle contains: the app and every lib it imports. */
  readonly sources: readonly string[];
  /** Answers 2xx once the app can serve requests. */
  readonly healthPath: string;
  /** The stack:up flag that moves its port, named when the port is taken. */
  readonly portFlag: string;
}

/** Another port the app listens on (ingest's MLLP), checked before it starts. */
export interface LocalAppPort {
  /** What listens there, for stack:status: "mllp". */
  readonly name: string;
  readonly port: number;
  readonly flag: string;
}

/** What a running app leaves in the run folder, so later commands can find, check and stop it. */
export interface LocalAppRecord {
  readonly pid: number;
  readonly port: number;
  readonly otherPorts?: ReadonlyArray<Pick<LocalAppPort, 'name' | 'port'>>;
  readonly url: string;
  readonly logFile: string;
  /**
   * The log file's size when this process started: its own lines begin there (the file keeps earlier runs' lines,
   * for the reason a service stopped). `npm run logs:check` checks from here. Absent in records from before it was kept.
   */
  readonly logStart?: number;
  /** mtime of the build it runs: a newer build means this process runs old code. */
  readonly builtAt: number;
  /** configurationFingerprint of the variables it was started with; absent in records from before it was kept. */
  readonly configuration?: string;
}

export interface LocalAppStartOptions {
  readonly port: number;
  readonly otherPorts?: readonly LocalAppPort[];
  /** Added to this process's environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly paths: StackPaths;
  readonly progress?: Progress;
  readonly readyTimeoutMs?: number;
}

export interface RunningLocalApp {
  readonly url: string;
  /** Whether this call started (or restarted) it. */
  readonly started: boolean;
  readonly record: LocalAppRecord;
}

export interface LocalAppStatus {
  readonly record: LocalAppRecord;
  readonly healthy: boolean;
}

/** Newest mtime of the non-test TypeScript under `dir`: what a build must be newer than to be current. */
export function newestSourceMtime(dir: string): number {
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

/** A missing build (mtime 0) is never current; one from the same instant as an edit is not either. */
export function isBuildCurrent(builtAt: number, sourcesChangedAt: number): boolean {
  return builtAt > 0 && builtAt > sourcesChangedAt;
}

/** Whether a running app listens where this start wants it; if not, it is someone's deliberate choice to undo. */
export function listensAsWanted(
  record: LocalAppRecord,
  port: number,
  otherPorts: readonly LocalAppPort[],
): boolean {
  const running = record.otherPorts ?? [];
  return (
    record.port === port &&
    running.length === otherPorts.length &&
    otherPorts.every((p, i) => running[i]?.port === p.port)
  );
}

/**
 * A digest of the variables an app is started with, kept in its run record instead of the variables, which hold
 * passwords: a later start that would give it others (a registry user added for a new service) replaces it.
 */
export function configurationFingerprint(env: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(env)
    .sort()
    .map((name) => [name, env[name]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** Why a running app on the right ports must be replaced, or undefined to keep it. */
export function restartReason(
  runsCurrentBuild: boolean,
  answers: boolean,
  sameConfiguration = true,
): string | undefined {
  if (!runsCurrentBuild) return 'code changed';
  if (!sameConfiguration) return 'configuration changed';
  return answers ? undefined : 'not answering';
}

/** The run record, or undefined when there is none or it cannot be read (a write cut short counts as none). */
export function readRecord(file: string): LocalAppRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const record = parsed as Partial<LocalAppRecord> | null;
  if (typeof record?.pid !== 'number' || typeof record.port !== 'number' || typeof record.url !== 'string') {
    return undefined;
  }
  return record as LocalAppRecord;
}

export async function answersHealth(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

export class LocalApp {
  /** The bundle it runs; also how its process is recognised (a recycled pid runs something else). */
  readonly entry: string;

  constructor(readonly spec: LocalAppSpec) {
    this.entry = path.join(REPO_ROOT, 'dist', 'apps', this.project, 'main.js');
  }

  get project(): string {
    return this.spec.project ?? this.spec.name;
  }

  /** The label as a sentence starts it. */
  get title(): string {
    return this.spec.label.charAt(0).toUpperCase() + this.spec.label.slice(1);
  }

  recordFile(paths: StackPaths): string {
    return path.join(paths.run, `${this.spec.name}.json`);
  }

  logFile(paths: StackPaths): string {
    return path.join(paths.logs, `${this.spec.name}.out`);
  }

  builtAt(): number {
    return fs.existsSync(this.entry) ? fs.statSync(this.entry).mtimeMs : 0;
  }

  /** Builds the app when its bundle is missing or older than its sources. */
  async ensureBuilt(progress: Progress = silentProgress): Promise<void> {
    const changedAt = Math.max(...this.spec.sources.map((d) => newestSourceMtime(path.join(REPO_ROOT, d))));
    if (isBuildCurrent(this.builtAt(), changedAt)) return;
    const nest = path.join(REPO_ROOT, 'node_modules', '.bin', 'nest');
    await progress.step(`Building the ${this.spec.label} (nest build ${this.project})`, (tick) =>
      runCommand(nest, ['build', this.project], { cwd: REPO_ROOT, onOutput: () => tick('compiling') }),
    );
    // webpack leaves an unchanged bundle untouched; the build time is what marks it current.
    const now = new Date();
    fs.utimesSync(this.entry, now, now);
  }

  /** The record of this checkout's running app; a stale one (it died, the machine restarted) is removed. */
  running(paths: StackPaths): LocalAppRecord | undefined {
    const file = this.recordFile(paths);
    if (!fs.existsSync(file)) return undefined;
    const record = readRecord(file);
    if (record && isOurProcess(record.pid, this.entry)) return record;
    fs.rmSync(file, { force: true });
    return undefined;
  }

  healthy(record: Pick<LocalAppRecord, 'url'>): Promise<boolean> {
    return answersHealth(`${record.url}${this.spec.healthPath}`);
  }

  async status(paths: StackPaths): Promise<LocalAppStatus | undefined> {
    const record = this.running(paths);
    return record && { record, healthy: await this.healthy(record) };
  }

  /**
   * Idempotent: a healthy app running the current build is kept; one running an older build (its sources changed
   * since) or not answering is replaced; one listening on other ports is an error.
   */
  async start(options: LocalAppStartOptions): Promise<RunningLocalApp> {
    const { paths, port } = options;
    const otherPorts = options.otherPorts ?? [];
    const progress = options.progress ?? silentProgress;
    const { label } = this.spec;
    const existing = this.running(paths);
    if (existing && !listensAsWanted(existing, port, otherPorts)) {
      const ports = [existing.port, ...(existing.otherPorts ?? []).map((p) => p.port)];
      throw new StackError(
        `the ${label} already runs on port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} ` +
          `(pid ${existing.pid}); run npm run stack:down first`,
      );
    }
    await this.ensureBuilt(progress);
    if (existing) {
      const reason = restartReason(
        existing.builtAt === this.builtAt(),
        await this.healthy(existing),
        existing.configuration === configurationFingerprint(options.env),
      );
      if (reason === undefined) return { url: existing.url, started: false, record: existing };
      progress.info(`${this.title} ${reason}: restarting it`);
      await this.stop(paths, progress);
    }

    for (const { port: wanted, flag } of [{ port, flag: this.spec.portFlag }, ...otherPorts]) {
      if (!(await isPortFree(wanted))) {
        throw new StackError(
          `${describePortOwner(wanted)}: stop it, or start the ${label} on another port (${flag})`,
        );
      }
    }
    fs.mkdirSync(paths.run, { recursive: true });
    fs.mkdirSync(paths.logs, { recursive: true });
    const url = `http://127.0.0.1:${port}`;
    const logFile = this.logFile(paths);

    return progress.step(`Starting the ${label} on ${url}`, async (tick) => {
      const out = fs.openSync(logFile, 'a');
      const logStart = fs.fstatSync(out).size;
      const child = spawn(process.execPath, [this.entry], {
        cwd: REPO_ROOT,
        detached: true, // outlives the npm script that started it, like the brokers
        stdio: ['ignore', out, out],
        env: { ...process.env, ...options.env },
      });
      fs.closeSync(out);
      if (child.pid === undefined) throw new StackError(`could not start the ${label}`);
      child.unref();
      const record: LocalAppRecord = {
        pid: child.pid,
        port,
        otherPorts: otherPorts.map(({ name, port: other }) => ({ name, port: other })),
        url,
        logFile,
        logStart,
        builtAt: this.builtAt(),
        configuration: configurationFingerprint(options.env),
      };
      fs.writeFileSync(this.recordFile(paths), JSON.stringify(record, null, 2));

      const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
      while (!(await this.healthy(record))) {
        if (!isOurProcess(child.pid, this.entry)) {
          fs.rmSync(this.recordFile(paths), { force: true });
          throw new StackError(`the ${label} exited while starting:\n${tail(logFile)}`);
        }
        if (Date.now() > deadline) {
          throw new StackError(
            `the ${label} did not answer ${url}${this.spec.healthPath} in time; see ${logFile}`,
          );
        }
        tick(`waiting for ${this.spec.healthPath}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      return { url, started: true, record };
    });
  }

  /** Stops the running app; false when none ran. */
  async stop(paths: StackPaths, progress: Progress = silentProgress): Promise<boolean> {
    const record = this.running(paths);
    if (!record) return false;
    await progress.step(`Stopping the ${this.spec.label} (pid ${record.pid})`, () =>
      stopProcess(record.pid, 10_000),
    );
    fs.rmSync(this.recordFile(paths), { force: true });
    return true;
  }
}
