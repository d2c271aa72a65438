import type { EntityManager } from 'typeorm';

type Query = Pick<EntityManager, 'query'>;

/** Which changelog contract a read model publishes, and whether the topic holds everything the read model holds. */
export interface ChangelogContract {
  readonly version: number;
  /**
   * False for a read model migrated from the whole-record changelog (v1): what it held before the migration is not
   * on the v2 topic until a rebuild fills it.
   */
  readonly complete: boolean;
}

/** The read model's changelog contract (migration 1764200000004 writes its one row). */
export async function readChangelogContract(q: Query): Promise<ChangelogContract> {
  const [row] = await q.query<ChangelogContract[]>(`select version, complete from changelog_contract`);
  if (!row) throw new Error('the read model records no changelog contract: is it migrated?');
  return row;
}

/** Records that the changelog topic now holds everything the read model holds (after a rebuild filled it). */
export async function markChangelogComplete(q: Query): Promise<void> {
  await q.query(`update changelog_contract set complete = true, recorded_at = now()`);
}
