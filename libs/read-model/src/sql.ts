import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs SQL and returns its rows. TypeORM's Postgres driver answers UPDATE and DELETE with [rows, affected] but
 * INSERT and SELECT with rows alone; RETURNING clauses make the difference matter.
 */
export async function rows<R>(
  db: EntityManager | DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const result: unknown = await db.query(sql, params);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as R[];
  return result as R[];
}
