import {
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
 * A one-broker KRaft cluster of a suite's own, in a temporary home, for suites that kill the broker (-9) and bring
 * it back: the shared stack's broker must never go down under other suites. `basePort` is the client port (the
 * controller listens 10,000 above); each suite takes its own, below the ephemeral port range.
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
   * Brings the broker back if a failed test left it down (so the service's own cleanup does not retry a broker that
   * is gone), runs that cleanup, then stops the broker and removes its home.
   */
  async close(closeService: () => Promise<unknown>): Promise<void> {
    if (this.down) await this.restart();
    await closeService().catch(() => undefined);
    await stopLocalKafka({ paths: this.paths });
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}
