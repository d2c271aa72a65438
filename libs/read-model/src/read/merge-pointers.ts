import type { EntityManager } from 'typeorm';

/**
 * Where each collaborative's view in this read model says a number now lives: `local`, the patient table's merge
 * pointer (this side's merges); `remote`, the other collaborative's published record's mergedInto. Null where none.
 */
export async function readMergePointers(
  tx: Pick<EntityManager, 'query'>,
  nhsNumber: string,
): Promise<{ readonly local: string | null; readonly remote: string | null }> {
  const [row] = await tx.query<{ local: string | null; remote: string | null }[]>(
    `select (select merged_into from patient where nhs_number = $1) as local,
            (select merged_into from remote_patient where nhs_number = $1) as remote`,
    [nhsNumber],
  );
  return { local: row?.local ?? null, remote: row?.remote ?? null };
}
