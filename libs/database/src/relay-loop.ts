import { errorMessage } from '@crosscare/errors';
import type { DataSource, QueryRunner } from 'typeorm';
import { AdvisoryLeadership } from './advisory-leadership';

export interface RelayLoopOptions {
  /** Names the session advisory lock that makes one instance the relay. */
  readonly leaderLockName: string;
  /** How long to wait before looking again at an outbox that was empty (or held by another instance). */
  readonly intervalMs: number;
  /** What is relayed, for log lines: "the changelog to <topic>", "the SDE outbox". */
  readonly what: string;
  readonly log: { log(message: string): void; warn(message: string): void };
}

/** One round of a relay: publishes what its outbox holds now through the leader's connection; returns how many. */
export type RelayRound = (leader: QueryRunner) => Promise<number>;

/**
 * The loop every outbox relay runs: while this instance holds the relay lock, a round after each other, and a wait of
 * the interval (cut short by notify) when a round found nothing. A failed round gives the lock up, so another instance
 * (or this one, next round) takes over on a fresh connection. Stopping drains what the outbox holds, for a while, so a
 * graceful shutdown leaves nothing committed and unpublished.
 */
export class RelayLoop {
  private running = false;
  private readonly leadership: AdvisoryLeadership;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    db: DataSource,
    private readonly round: RelayRound,
    private readonly options: RelayLoopOptions,
  ) {
    this.leadership = new AdvisoryLeadership(db, options.leaderLockName, () =>
      options.log.log(`this instance now relays ${options.what}`),
    );
  }

  get isLeader(): boolean {
    return this.leadership.isLeader;
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops the loop; the leader then publishes what the outbox holds, for at most `drainMs`, and lets the lock go. */
  async stop(drainMs = 10_000): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    const deadline = Date.now() + drainMs;
    try {
      while (this.isLeader && Date.now() < deadline && (await this.relayOnce()) > 0);
    } catch (error) {
      this.options.log.warn(`${this.options.what}: outbox not drained at stop: ${errorMessage(error)}`);
    } finally {
      await this.leadership.release();
    }
  }

  /** Ends the wait for the next round: what was just committed is published now, not an interval later. */
  notify(): void {
    this.wake?.();
  }

  /** One round, if this instance is (or now becomes) the relay; 0 otherwise. */
  async relayOnce(): Promise<number> {
    const leader = await this.leadership.acquire();
    return leader ? this.round(leader) : 0;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let published = 0;
      try {
        published = await this.relayOnce();
      } catch (error) {
        this.options.log.warn(`relaying ${this.options.what} failed, will retry: ${errorMessage(error)}`);
        await this.leadership.release();
      }
      if (published === 0 && this.running) await this.sleep(this.options.intervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
