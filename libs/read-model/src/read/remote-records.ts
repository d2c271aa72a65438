import { buildPatientRecord, type ItemKind, type PatientRecord } from '@crosscare/projection';
import type { EntityManager } from 'typeorm';
import { storedItemDecoder } from '../changelog/item-encoding';
import { eventTypesPredicate } from './event-types-predicate';

/**
 * The other collaborative's records of these NHS numbers, as the remote view holds them: each patient whose head it
 * holds, with the items its changelog has set and not deleted.
 */
export async function readRemoteRecords(
  tx: Pick<EntityManager, 'query'>,
  nhsNumbers: readonly string[],
  /** Only items of these event types (all when absent): what a search's access check needs of a long history. */
  eventTypes?: readonly string[],
): Promise<PatientRecord[]> {
  if (nhsNumbers.length === 0) return [];
  const heads = await tx.query<HeadRow[]>(
    `select nhs_number, collaborative, sequence, updated_at, merged_into, merged_from
     from remote_patient where nhs_number = any($1::text[])`,
    [nhsNumbers],
  );
  if (heads.length === 0) return [];
  const decode = await storedItemDecoder(tx);
  const items = await tx.query<ItemRow[]>(
    `select nhs_number, provider_ods_code, source_record_id, part, kind, item from remote_record_item
     where nhs_number = any($1::text[]) ${eventTypes ? `and ${eventTypesPredicate(eventTypes)}` : ''}`,
    [heads.map((h) => h.nhs_number)],
  );
  return heads.map((head) =>
    buildPatientRecord({
      nhsNumber: head.nhs_number,
      collaborative: head.collaborative,
      sequence: Number(head.sequence),
      updatedAt: head.updated_at.getTime(),
      mergedInto: head.merged_into,
      mergedFrom: head.merged_from,
      items: items
        .filter((row) => row.nhs_number === head.nhs_number)
        .map((row) => ({
          providerOdsCode: row.provider_ods_code,
          sourceRecordId: row.source_record_id,
          part: row.part,
          kind: row.kind as ItemKind,
          removed: false,
          event: decode(row.item),
        })),
    }),
  );
}

interface HeadRow {
  nhs_number: string;
  collaborative: string;
  sequence: string;
  updated_at: Date;
  merged_into: string | null;
  merged_from: string[];
}

interface ItemRow {
  nhs_number: string;
  provider_ods_code: string;
  source_record_id: string;
  part: string;
  kind: string;
  item: Buffer;
}
