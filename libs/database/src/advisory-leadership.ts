import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Leadership among a service's instances by a Postgres session advisory lock: the instance whose connection holds the
 * lock leads (relays an outbox, say), and loses it with that connection, so a crashed leader's lock is freed by the
 * server and another instance takes over on its next try. The lock's name is hashed to its key.
 */
export class AdvisoryLeadership {
  private held?: QueryRunner;

  constructor(
    private readonly db: DataSource,
    private readonly lockName: string,
    /** Told once each time this instance becomes the leader. */
    private readonly onLeading: () => void = () => undefined,
  ) {}

  get isLeader(): boolean {
    return this.held !== undefined;
  }

  /** The connection holding the lock, if this instance leads or has just become the leader; else undefined. */
  async acquire(): Promise<QueryRunner | undefined> {
    if (this.held) return this.held;
    const runner = this.db.createQueryRunner();
    await runner.connect();
    const [row] = (await runner.query(`select pg_try_advisory_lock(hashtext($1)) as locked`, [
      this.lockName,
    ])) as { locked: boolean }[];
    if (!row.locked) {
      await runner.release();
      return undefined;
    }
    this.held = runner;
    this.onLeading();
    return runner;
  }

  /** Gives the lead up (after a failure, or at stop): the lock is released and the connection returned. */
  async release(): Promise<void> {
    const runner = this.held;
    this.held = undefined;
    if (!runner) return;
    await runner.query(`select pg_advisory_unlock(hashtext($1))`, [this.lockName]).catch(() => undefined);
    await runner.release().catch(() => undefined);
  }
}
