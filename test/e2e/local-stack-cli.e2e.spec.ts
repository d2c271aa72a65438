import { REPO_ROOT, stackPaths } from '@crosscare/local-stack';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  describeCluster,
  localAdminAccess,
  INGEST_APP,
  isAlive,
  PROJECTOR_APPS,
  RECORD_API_APP,
  SCHEMA_REGISTRY_APP,
  SDE_PUBLISHER_APP,
  SUBSCRIPTIONS_APP,
} from '@crosscare/local-stack';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { metricsOf, type CrosscareService } from '@crosscare/metrics';
import { databaseUrlFromEnvironment, uniqueIdentifier } from '@crosscare/testing';
import { Pool } from 'pg';

/**
 * `npm run stack:up | stack:status | stack:down` as an operator runs them, on ports and a state folder of their
 * own, so they never touch the broker the rest of the suite uses.
 */
// Below the kernel's ephemeral range (32768+), controllers included (+10000): an outgoing connection can never hold them.
const PORT = 21092;
const REGISTRY_PORT = 28081;
const INGEST_PORT = 28082;
const MLLP_PORT = 22575;
const PROJECTOR_PORTS = { CCR: 28083, OHC: 28084 };
const RECORD_API_PORT = 28085;
const SDE_PUBLISHER_PORT = 28086;
const SUBSCRIPTIONS_PORT = 28087;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-stack-e2e-'));
// Its own registry and ingest tables too, so the stack under test never shares state with the one the suite runs on.
const registrySchema = uniqueIdentifier('e2e_stack_registry');
const ingestSchema = uniqueIdentifier('e2e_stack_ingest');
const projectorSchemaPrefix = uniqueIdentifier('e2e_stack_projector');
const sdeSchema = uniqueIdentifier('e2e_stack_sde');
const subscriptionsSchema = uniqueIdentifier('e2e_stack_subscriptions');
const env = {
  ...process.env,
  CROSSCARE_HOME: home,
  CROSSCARE_CACHE: stackPaths().cache,
  SCHEMA_REGISTRY_DATABASE_SCHEMA: registrySchema,
  INGEST_DATABASE_SCHEMA: ingestSchema,
  CROSSCARE_PROJECTOR_SCHEMA_PREFIX: projectorSchemaPrefix,
  SDE_DATABASE_SCHEMA: sdeSchema,
  SUBSCRIPTIONS_DATABASE_SCHEMA: subscriptionsSchema,
};
// The first up may build the registry, ingest, the projector and the record API as well as start everything.
const UP_TIMEOUT_MS = 420_000;

function stack(...args: string[]) {
  return stackWith(env, ...args);
}

function stackWith(environment: NodeJS.ProcessEnv, ...args: string[]) {
  const cli = [require.resolve('tsx/cli'), 'libs/local-stack/src/cli.ts', ...args];
  const result = spawnSync(process.execPath, cli, {
    cwd: REPO_ROOT,
    env: environment,
    encoding: 'utf8',
    timeout: UP_TIMEOUT_MS,
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

/**
 * Processes whose command line names `marker`, started by this test's stack: brokers name its state folder on
 * their command line, the apps have it in their environment (CROSSCARE_HOME).
 */
function ours(marker: string): number[] {
  const read = (pid: string, file: string) => {
    try {
      return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return '';
    }
  };
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      const cmd = read(pid, 'cmdline');
      return (
        cmd.includes(marker) &&
        (cmd.includes(home) || read(pid, 'environ').includes(`CROSSCARE_HOME=${home}\0`))
      );
    })
    .map(Number);
}

/** GET /metrics as a scraper sends it (no credentials): its status and nodejs_eventloop_lag_p99_seconds, if served. */
async function eventLoopDelayP99(port: number): Promise<{ port: number; status: number; p99?: number }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  const line = /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? (\S+)$/m.exec(await response.text());
  return { port, status: response.status, ...(line ? { p99: Number(line[1]) } : {}) };
}

/**
 * What a service's /metrics lacks of the catalogue (libs/metrics/src/catalogue.ts): a `# HELP` line per metric, which
 * prom-client prints for every registered metric, observed or not. And the lines that carry an NHS number (the
 * synthetic 999 range test data uses), which no label may.
 */
async function catalogueProblems(port: number, service: CrosscareService): Promise<string[]> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [
    ...metricsOf(service)
      .filter((m) => !text.includes(`# HELP ${m.name} `))
      .map((m) => `${service} does not export ${m.name}`),
    ...(text.includes(`service="${service}"`)
      ? []
      : [`${service} does not label its series service="${service}"`]),
    ...text
      .split('\n')
      // In a label value or the help text: a sample's value is a number, where 999… could be a figure.
      .filter((line) => /"[^"]*(?<!\d)999\d{7}(?!\d)[^"]*"|^# .*(?<!\d)999\d{7}(?!\d)/.test(line))
      .map((line) => `${service} serves an NHS number: ${line.slice(0, 120)}`),
  ];
}

const ourBrokers = () => ours('kafka.Kafka');
const ourIngests = () => ours(INGEST_APP.entry);

describe('local stack CLI', () => {
  afterAll(async () => {
    stack('down');
    fs.rmSync(home, { recursive: true, force: true });
    const pool = new Pool({ connectionString: databaseUrlFromEnvironment(), max: 1 });
    const schemas = [
      registrySchema,
      ingestSchema,
      `${projectorSchemaPrefix}_ccr`,
      `${projectorSchemaPrefix}_ohc`,
      sdeSchema,
      subscriptionsSchema,
    ];
    await Promise.all(schemas.map((s) => pool.query(`drop schema if exists "${s}" cascade`))).finally(() =>
      pool.end(),
    );
  });

  it(
    'up twice leaves one healthy broker, registry and ingest; down leaves no process behind',
    async () => {
      const up = [
        'up',
        '--port',
        String(PORT),
        '--registry-port',
        String(REGISTRY_PORT),
        '--ingest-port',
        String(INGEST_PORT),
        '--mllp-port',
        String(MLLP_PORT),
        '--projector-ccr-port',
        String(PROJECTOR_PORTS.CCR),
        '--projector-ohc-port',
        String(PROJECTOR_PORTS.OHC),
        '--record-api-port',
        String(RECORD_API_PORT),
        '--sde-publisher-port',
        String(SDE_PUBLISHER_PORT),
        '--subscriptions-port',
        String(SUBSCRIPTIONS_PORT),
      ];
      const paths = stackPaths(home);
      const first = stack(...up);
      expect(first.out).toContain('Crosscare local stack is up');
      expect(first.out).toContain(`KAFKA_BROKERS=127.0.0.1:${PORT}`);
      expect(first.out).toContain(`SCHEMA_REGISTRY_URL=http://127.0.0.1:${REGISTRY_PORT}`);
      expect(first.out).toContain(`INGEST_URL=http://127.0.0.1:${INGEST_PORT}`);
      expect(first.out).toContain('crosscare.qhl.record-changes.v1');
      expect(first.code).toBe(0);
      const pids = ourBrokers();
      expect(pids).toHaveLength(1);
      const registry = SCHEMA_REGISTRY_APP.running(paths);
      expect(registry?.port).toBe(REGISTRY_PORT);
      const ingest = INGEST_APP.running(paths);
      expect(ingest?.port).toBe(INGEST_PORT);
      expect(ourIngests()).toEqual([ingest?.pid]);
      expect((await fetch(`http://127.0.0.1:${INGEST_PORT}/health/live`)).status).toBe(200);
      expect(first.out).toContain(`RECORD_API_URL=http://127.0.0.1:${RECORD_API_PORT}`);
      for (const collaborative of ['CCR', 'OHC'] as const) {
        expect(PROJECTOR_APPS[collaborative].running(paths)?.port).toBe(PROJECTOR_PORTS[collaborative]);
        const ready = await fetch(`http://127.0.0.1:${PROJECTOR_PORTS[collaborative]}/health`);
        expect(await ready.json()).toMatchObject({
          status: 'UP',
          collaborative,
          schema: `${projectorSchemaPrefix}_${collaborative.toLowerCase()}`,
        });
      }
      expect(RECORD_API_APP.running(paths)?.port).toBe(RECORD_API_PORT);
      expect(SDE_PUBLISHER_APP.running(paths)?.port).toBe(SDE_PUBLISHER_PORT);
      expect((await fetch(`http://127.0.0.1:${SDE_PUBLISHER_PORT}/health/ready`)).status).toBe(200);
      expect(SUBSCRIPTIONS_APP.running(paths)?.port).toBe(SUBSCRIPTIONS_PORT);
      expect((await fetch(`http://127.0.0.1:${SUBSCRIPTIONS_PORT}/health/ready`)).status).toBe(200);
      // The record API trusts the stack's development issuer, whose key record-api:token signs with.
      const minted = spawnSync(
        process.execPath,
        [
          require.resolve('tsx/cli'),
          'test/demo/record-api-token.ts',
          '--sub',
          'e2e',
          '--name',
          'E2E Reader',
        ].concat(['--role', 'clinician', '--org', 'M01358']),
        { cwd: REPO_ROOT, env, encoding: 'utf8' },
      );
      expect(minted.status).toBe(0);
      const headers = { 'x-purpose-of-use': 'DIRECT_CARE' };
      const recordUrl = `http://127.0.0.1:${RECORD_API_PORT}/patients/${testNhsNumber(1)}/record`;
      const read = await fetch(recordUrl, {
        headers: { ...headers, authorization: `Bearer ${minted.stdout.trim()}` },
      });
      // Accepted as a clinician at a practice in the directory, then refused for want of a relationship with a
      // patient no one has sent: the token got past identity to the access rules.
      expect(read.status).toBe(403);
      expect(((await read.json()) as { detail: string }).detail).toMatch(/no legitimate relationship/);
      const forged = await fetch(recordUrl, {
        headers: { ...headers, authorization: `Bearer ${minted.stdout.trim()}x` },
      });
      expect(forged.status).toBe(401);
      // The subscription service takes tokens for its own audience only: a record API token is refused.
      const forRecordApi = await fetch(`http://127.0.0.1:${SUBSCRIPTIONS_PORT}/fhir/Subscription`, {
        headers: { authorization: `Bearer ${minted.stdout.trim()}` },
      });
      expect(forRecordApi.status).toBe(401);
      // Every service's /metrics, without credentials as Prometheus scrapes it, carries its event loop's delay.
      for (const port of [
        REGISTRY_PORT,
        INGEST_PORT,
        PROJECTOR_PORTS.CCR,
        PROJECTOR_PORTS.OHC,
        RECORD_API_PORT,
        SDE_PUBLISHER_PORT,
        SUBSCRIPTIONS_PORT,
      ])
        expect(await eventLoopDelayP99(port)).toEqual({ port, status: 200, p99: expect.any(Number) });
      // ... and every metric the catalogue lists for it, in the convention, with no NHS number anywhere.
      const services: [number, CrosscareService][] = [
        [REGISTRY_PORT, 'schema-registry'],
        [INGEST_PORT, 'ingest'],
        [PROJECTOR_PORTS.CCR, 'projector'],
        [PROJECTOR_PORTS.OHC, 'projector'],
        [RECORD_API_PORT, 'record-api'],
        [SDE_PUBLISHER_PORT, 'sde-publisher'],
        [SUBSCRIPTIONS_PORT, 'subscriptions'],
      ];
      for (const [port, service] of services) expect(await catalogueProblems(port, service)).toEqual([]);

      const second = stack(...up);
      expect(second.code).toBe(0);
      expect(second.out).toContain('Crosscare local stack was already up');
      expect(ourBrokers()).toEqual(pids);
      expect(SCHEMA_REGISTRY_APP.running(paths)?.pid).toBe(registry?.pid);
      expect(ourIngests()).toEqual([ingest?.pid]);

      const status = stack('status');
      expect(status.code).toBe(0);
      expect(status.out).toContain('cluster healthy (1/1 brokers registered)');
      expect(status.out).toContain(`http://127.0.0.1:${REGISTRY_PORT}  healthy`);
      expect(status.out).toContain(`http://127.0.0.1:${INGEST_PORT}  mllp 127.0.0.1:${MLLP_PORT}  healthy`);
      expect(await describeCluster(localAdminAccess(paths, [`127.0.0.1:${PORT}`]))).toMatchObject({
        brokers: 1,
      });
      const health = await fetch(`http://127.0.0.1:${REGISTRY_PORT}/health`);
      expect(await health.json()).toEqual({ status: 'ok', database: 'up' });

      const otherMode = stack('up', '--brokers', '3', '--port', String(PORT));
      expect(otherMode.code).toBe(1);
      expect(otherMode.out).toContain('a single Kafka is already running');
      expect(otherMode.out).toContain('run npm run stack:down first');

      const down = stack('down');
      expect(down.code).toBe(0);
      expect(ourBrokers()).toEqual([]);
      expect(SCHEMA_REGISTRY_APP.running(paths)).toBeUndefined();
      expect(isAlive(registry!.pid)).toBe(false); // a zombie awaiting its reaper counts as gone
      expect(INGEST_APP.running(paths)).toBeUndefined();
      expect(isAlive(ingest!.pid)).toBe(false);
      expect(ourIngests()).toEqual([]);
      expect(PROJECTOR_APPS.CCR.running(paths)).toBeUndefined();
      expect(PROJECTOR_APPS.OHC.running(paths)).toBeUndefined();
      expect(RECORD_API_APP.running(paths)).toBeUndefined();
      expect(SDE_PUBLISHER_APP.running(paths)).toBeUndefined();
      expect(SUBSCRIPTIONS_APP.running(paths)).toBeUndefined();
      const after = stack('status');
      expect(after.code).toBe(1);
      expect(after.out).toContain('kafka      stopped');
      expect(after.out).toContain('ingest     stopped');
    },
    2 * UP_TIMEOUT_MS,
  );

  it('names the process that holds a port it needs, and starts nothing', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(PORT + 100, '127.0.0.1', resolve));
    try {
      const result = stack('up', '--port', String(PORT + 100));
      expect(result.code).toBe(1);
      expect(result.out).toContain(`error: port ${PORT + 100} in use by pid ${process.pid} (node)`);
      expect(ourBrokers()).toEqual([]);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('says how to get Java when there is none, and starts nothing', () => {
    const result = stackWith({ ...env, JAVA_HOME: '/nonexistent-jdk' }, 'up', '--port', String(PORT + 200));
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      'error: java not found (/nonexistent-jdk/bin/java): install JDK 17 or newer',
    );
    expect(ourBrokers()).toEqual([]);
  });

  it('rejects a bad flag with a message that names it', () => {
    const result = stack('up', '--brokers', '2');
    expect(result.code).toBe(1);
    expect(result.out).toContain('--brokers must be 1 or 3 (got "2")');
  });
});
