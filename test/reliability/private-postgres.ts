import { isPortFree } from '@crosscare/local-stack';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A Postgres server of the run's own: initdb into a temporary directory, trust authentication on 127.0.0.1 only,
 * a port of its own, started and stopped with pg_ctl. The harness may crash and restart it (postgres-restart)
 * without touching the machine's shared server, where the development stack and other users live.
 */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly owner: { uid: number; gid: number } | undefined,
  ) {}

  /** The administrator's URL (the `postgres` superuser, no password: trust on loopback). */
  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get logFile(): string {
    return path.join(this.dir, 'postgres.log');
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  static async start(runId: string): Promise<PrivatePostgres> {
    const bin = postgresBin();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `crosscare-${runId}-postgres-`));
    // initdb and postgres refuse to run as root: as root, the server runs as the system's postgres user.
    const owner = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
    if (owner) fs.chownSync(dir, owner.uid, owner.gid);
    const server = new PrivatePostgres(dir, await freePostgresPort(), bin, owner);
    try {
      await server.run('initdb', [
        '-D',
        server.dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C',
        // Only the initial files skip fsync; the running server keeps its defaults, so a crash is a real one.
        '--no-sync',
      ]);
      await server.startServer();
      return server;
    } catch (error) {
      await server.stop().catch(() => undefined);
      throw error;
    }
  }

  /** pg_ctl start, waiting until it accepts connections; the server outlives the harness's own process group. */
  async startServer(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      // No Unix socket: the shared server's socket directory is not the run's to write in.
      "-c unix_socket_directories=''",
      // Six services' pools, the rebuilds, the oracle and the load's own look-ups.
      '-c max_connections=200',
    ].join(' ');
    await this.run('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      this.logFile,
      '-w',
      '-t',
      '60',
      '-o',
      options,
      'start',
    ]);
  }

  /** `pg_ctl stop -m immediate`: every server process quits at once, no checkpoint; the next start recovers from WAL. */
  async crash(): Promise<void> {
    await this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  /** Stops the server (if it runs) and deletes its directory. */
  async stop(): Promise<void> {
    if (fs.existsSync(path.join(this.dataDir, 'postmaster.pid')))
      await this.run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private run(tool: string, args: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(path.join(this.bin, tool), args, {
        // pg_ctl's postmaster keeps no handle on these: it logs to its own file (-l).
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(this.owner ?? {}),
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', reject);
      // 'exit', not 'close': the postmaster pg_ctl starts may hold the pipes after pg_ctl itself has returned.
      child.on('exit', (code) =>
        code === 0
          ? resolve()
          : reject(new Error(`${tool} ${args.at(-1)} exited ${code}: ${output.trim().slice(-600)}`)),
      );
    });
  }
}

/** The newest installed server's binaries (Debian: /usr/lib/postgresql/<major>/bin). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) throw new Error(`no PostgreSQL server binaries under ${root}/*/bin`);
  return path.join(root, majors[0], 'bin');
}

function systemUser(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Below the ephemeral range, so no outgoing socket takes the port while the server is down mid-run. */
async function freePostgresPort(): Promise<number> {
  for (let port = 25_432; port < 26_432; port++) if (await isPortFree(port)) return port;
  throw new Error('no free port for the private Postgres');
}
