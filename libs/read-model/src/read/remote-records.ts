import type { PatientRecord } from '@crosscare/projection';
import type { EntityManager } from 'typeorm';

/** The other collaborative's latest published records of these NHS numbers, as the remote view holds them. */
export async function readRemoteRecords(
  tx: Pick<EntityManager, 'query'>,
  nhsNumbers: readonly string[],
): Promise<PatientRecord[]> {
  const rows = await tx.query<{ record: PatientRecord }[]>(
    `select record from remote_patient_record where nhs_number = any($1::text[])`,
    [nhsNumbers],
  );
  return rows.map((row) => row.record);
}
