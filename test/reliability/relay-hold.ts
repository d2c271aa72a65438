import { Client } from 'pg';
import { sleep } from './load';
import { servingSchema } from './oracle';

/**
 * The advisory lock (two int4 keys) the hold trigger waits on. Only the harness takes it exclusively, so while it is
 * not held the trigger's shared lock is granted at once and costs the relay nothing.
 */
const HOLD_KEYS = [0x52454c41, 0x59] as const; // "RELA", "Y"

/** What a held relay was holding when it was caught: its database backend and the rows it had sent. */
export interface HeldRelay {
  readonly backendPid: number;
  /** Rows in the outbox when the relay was caught: every row it had sent and not marked is among them. */
  readonly pending: number;
  /** The newest of those rows' ids: once no row up to it is left, a relay has published them again. */
  readonly upToId: string;
}

/**
 * Catches a projector's changelog relay between sending a round to the broker and marking it sent, from outside the
 * process: a statement trigger on the serving read model's `changelog_outbox` takes a shared advisory lock before
 * the relay's delete (its mark) runs. The relay deletes only after the broker acknowledged every send of the round
 * (OutboxRelay.round), so a backend seen waiting on that lock inside a delete of the outbox belongs to a relay that
 * has sent and not marked: the window a kill must land in. Nothing in the projector knows of the hold.
 */
export class RelayHold {
  private constructor(
    private readonly db: Client,
    private readonly schema: string,
  ) {}

  /** Installs the trigger on the schema serving `readModel` (a rebuild may have switched it). */
  static async install(databaseUrl: string, readModel: string): Promise<RelayHold> {
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const schema = await servingSchema(db, readModel);
      await db.query(
        `create or replace function "${schema}".reliability_hold_mark() returns trigger language plpgsql as $$
         begin
           perform pg_advisory_xact_lock_shared(${HOLD_KEYS[0]}, ${HOLD_KEYS[1]});
           return null;
         end $$`,
      );
      await db.query(
        `create or replace trigger reliability_hold_mark before delete on "${schema}".changelog_outbox
         for each statement execute function "${schema}".reliability_hold_mark()`,
      );
      return new RelayHold(db, schema);
    } catch (error) {
      await db.end();
      throw error;
    }
  }

  /**
   * Holds the next mark and waits (up to `timeoutMs`) for the relay to reach it. Undefined when no relay came: the
   * hold is then let go.
   */
  async catchRelay(timeoutMs: number): Promise<HeldRelay | undefined> {
    await this.db.query(`select pg_advisory_lock($1, $2)`, [...HOLD_KEYS]);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await this.db.query<{ pid: number }>(
        `select l.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid
         where l.locktype = 'advisory' and not l.granted and l.classid = $1 and l.objid = $2 and l.objsubid = 2
           and a.datname = current_database() and a.query ilike '%delete from changelog_outbox%'`,
        [...HOLD_KEYS],
      );
      if (rows.length > 0) {
        const [{ pending, up_to }] = (
          await this.db.query<{ pending: number; up_to: string }>(
            `select count(*)::int as pending, coalesce(max(id), 0)::text as up_to
             from "${this.schema}".changelog_outbox`,
          )
        ).rows;
        return { backendPid: rows[0].pid, pending, upToId: up_to };
      }
      await sleep(20);
    }
    await this.release();
    return undefined;
  }

  /**
   * After the relay's process is killed: ends its backend, so the held delete is rolled back rather than run when
   * the hold is let go (a backend blocked on a lock does not notice its client is gone), then lets the hold go.
   */
  async endHeld(held: HeldRelay): Promise<void> {
    await this.db.query(`select pg_terminate_backend($1)`, [held.backendPid]);
    await this.release();
  }

  /** Waits (up to `timeoutMs`) until a relay has published and marked every row the held one had; false if not. */
  async republished(held: HeldRelay, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await this.db.query<{ n: number }>(
        `select count(*)::int as n from "${this.schema}".changelog_outbox where id <= $1`,
        [held.upToId],
      );
      if (rows[0].n === 0) return true;
      await sleep(250);
    }
    return false;
  }

  /** Removes the trigger and lets any hold go. */
  async uninstall(): Promise<void> {
    try {
      await this.release();
      await this.db.query(
        `drop trigger if exists reliability_hold_mark on "${this.schema}".changelog_outbox`,
      );
      await this.db.query(`drop function if exists "${this.schema}".reliability_hold_mark()`);
    } finally {
      await this.db.end();
    }
  }

  private async release(): Promise<void> {
    await this.db.query(`select pg_advisory_unlock_all()`);
  }
}
