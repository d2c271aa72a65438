import type { DataSource, EntityManager } from 'typeorm';
import { ReadModelControl } from '../read-model-control';

/**
 * Runs `work` in one read-only, repeatable-read transaction whose search_path is the schema now serving the read
 * model `name`: everything `work` reads is one state of the read model, however the projector writes meanwhile, and
 * a rebuild's switch is followed on the next snapshot.
 */
export function inServingSnapshot<T>(
  db: DataSource,
  name: string,
  work: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  return db.transaction('REPEATABLE READ', async (tx) => {
    await tx.query('set transaction read only');
    await tx.query(`set local search_path to "${await ReadModelControl.servingSchema(tx, name)}"`);
    return work(tx);
  });
}

/** Whether the schema now serving the read model `name` has its tables: the projector creates them, and may not have yet. */
export async function isServingReadModelCreated(db: DataSource, name: string): Promise<boolean> {
  const schema = await ReadModelControl.servingSchema(db.manager, name);
  const [row] = await db.query<{ ready: boolean }[]>(
    `select to_regclass($1) is not null and to_regclass($2) is not null and to_regclass($3) is not null as ready`,
    ['patient', 'record_item', 'remote_patient'].map((table) => `"${schema}".${table}`),
  );
  return row?.ready === true;
}
