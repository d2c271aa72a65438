import { LocalApp, PROJECTOR_APPS, stopProcess } from '@crosscare/local-stack';
import { freePort } from '@crosscare/testing';
import type { PrivateStack } from './private-stack';

/**
 * A second instance of a collaborative's projector beside the stack's: the same built app, group and database (the
 * variables the stack gives its own instance), its own HTTP port and instance id, and its own run record and log
 * under the private stack's home. `stackUp` and `stackDown` do not know it: whoever starts it stops it.
 */
export class SecondProjector {
  private readonly app: LocalApp;

  constructor(
    private readonly stack: PrivateStack,
    private readonly collaborative: 'CCR' | 'OHC',
  ) {
    const first = PROJECTOR_APPS[collaborative].spec;
    this.app = new LocalApp({
      ...first,
      name: `${first.name}-2`,
      label: `second ${first.label}`,
    });
  }

  get pid(): number | undefined {
    return this.app.running(this.stack.paths)?.pid;
  }

  get url(): string | undefined {
    return this.app.running(this.stack.paths)?.url;
  }

  /** Starts it and waits until it is ready (consuming, its database answering); returns its pid. */
  async start(): Promise<number> {
    const port = await freePort();
    const env = await this.stack.projectorEnvironment(this.collaborative);
    const { record } = await this.app.start({
      port,
      env: {
        ...env,
        PROJECTOR_PORT: String(port),
        PROJECTOR_INSTANCE_ID: `projector-${this.collaborative.toLowerCase()}-local-2`,
      },
      paths: this.stack.paths,
    });
    return record.pid;
  }

  /** SIGTERM, as an orchestrator scales down, then SIGKILL after 20 s; what happened. */
  async stop(): Promise<'stopped' | 'killed' | 'not-running'> {
    const pid = this.pid;
    return pid === undefined ? 'not-running' : stopProcess(pid, 20_000);
  }
}

/** What an instance's /health says of its share: "12 partitions, relays the changelog", or why it did not say. */
export async function instanceShare(url: string | undefined): Promise<string> {
  if (url === undefined) return 'not running';
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
    const health = (await response.json()) as { assignment?: unknown[]; changelog?: { relaying?: boolean } };
    return (
      `${health.assignment?.length ?? '?'} partitions, ` +
      (health.changelog?.relaying ? 'relays the changelog' : 'does not relay')
    );
  } catch (error) {
    return `no answer (${String(error)})`;
  }
}
