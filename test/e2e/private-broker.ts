import {
  isAlive,
  LOCAL_KAFKA_ADMIN,
  localKafkaEnvironment,
  startLocalKafka,
  stackPaths,
  stopLocalKafka,
  type LocalKafka,
} from '@crosscare/local-stack';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A one-broker KRaft cluster of its own, in a temporary home, for suites that kill the broker (-9) and bring it back:
 * the shared stack's broker must never go down under other suites. The outage suites share one
 * (test/e2e/broker-outage.e2e.spec.ts): each closes its service with `closeService`, which leaves the broker up, and
 * `stop` ends it after the last. `basePort` is the client port (the controller listens 10,000 above), below the
 * ephemeral port range.
 */
export class PrivateBroker {
  private down = false;

  private constructor(
    private readonly home: string,
    private readonly paths: ReturnType<typeof stackPaths>,
    private readonly basePort: number,
    private cluster: LocalKafka,
  ) {}

  static async start(name: string, basePort: number): Promise<PrivateBroker> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), `crosscare-${name}-e2e-`));
    // The jars and certificates come from the shared cache; data, logs and secrets stay in the temporary home.
    const paths = { ...stackPaths(home), cache: stackPaths().cache };
    const cluster = await startLocalKafka({ brokers: 1, basePort, paths });
    return new PrivateBroker(home, paths, basePort, cluster);
  }

  /** The environment a service under test needs to reach this broker as the admin principal. */
  environment(): Record<string, string> {
    return localKafkaEnvironment(this.cluster, this.paths, LOCAL_KAFKA_ADMIN);
  }

  /** Kills every broker process (-9): the broker is gone, not merely disconnected. */
  kill(): void {
    for (const node of this.cluster.nodes) process.kill(node.pid, 'SIGKILL');
    this.down = true;
  }

  /** Starts the broker again on the same ports and data; the restarted cluster is the one a later kill kills. */
  async restart(): Promise<void> {
    this.cluster = await startLocalKafka({ brokers: 1, basePort: this.basePort, paths: this.paths });
    this.down = false;
  }

  /**
   * Runs a service's cleanup against a running broker: brings the broker back first if a failed test left it down, so
   * the cleanup does not retry a broker that is gone. The broker keeps running for the suites that follow.
   */
  async closeService(closeService: () => Promise<unknown>): Promise<void> {
    if (this.down) await this.restart();
    await closeService().catch(() => undefined);
  }

  /**
   * Kills the broker (-9) and removes its home. No graceful shutdown: its data is deleted next, and a controlled
   * shutdown only spends seconds flushing it.
   */
  async stop(): Promise<void> {
    if (!this.down) this.kill();
    await waitForExit(this.cluster.nodes.map((n) => n.pid));
    await stopLocalKafka({ paths: this.paths }); // forgets the dead nodes' records (stops nothing alive)
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

async function waitForExit(pids: readonly number[]): Promise<void> {
  while (pids.some((pid) => isAlive(pid))) await new Promise((r) => setTimeout(r, 50));
}
