import type { ItemKind, PatientRecordInput, StoredItem } from '@crosscare/projection';
import type { EntityManager } from 'typeorm';
import { storedItemDecoder } from '../changelog/item-encoding';
import { eventTypesPredicate } from './event-types-predicate';

/** A patient as the read model stores it: what `buildPatientRecord` needs, but the collaborative. */
export type StoredPatient = Omit<PatientRecordInput, 'collaborative'>;

/**
 * The patient rows and current (not removed) items of these NHS numbers, in the read model the query runs in (its
 * search_path): what the projector publishes as each patient's record and the record API reads. Numbers without a
 * patient row are left out.
 */
export async function readStoredPatients(
  q: Pick<EntityManager, 'query'>,
  nhsNumbers: readonly string[],
  /** Only items of these event types (all when absent): what a search's access check needs of a long history. */
  eventTypes?: readonly string[],
): Promise<StoredPatient[]> {
  if (nhsNumbers.length === 0) return [];
  const patients = await q.query<PatientRow[]>(
    `select p.nhs_number, p.sequence, p.merged_into, p.updated_at,
       coalesce((select array_agg(m.nhs_number order by m.nhs_number) from patient m
                 where m.merged_into = p.nhs_number), '{}') as merged_from
     from patient p where p.nhs_number = any($1::text[])`,
    [nhsNumbers],
  );
  const decode = await storedItemDecoder(q);
  const items = await q.query<ItemRow[]>(
    `select nhs_number, provider_ods_code, source_record_id, part, kind, item from record_item
     where nhs_number = any($1::text[]) and not removed ${eventTypes ? `and ${eventTypesPredicate(eventTypes)}` : ''}`,
    [nhsNumbers],
  );
  const byPatient = new Map<string, StoredItem[]>();
  for (const row of items) {
    const list = byPatient.get(row.nhs_number) ?? [];
    list.push({
      providerOdsCode: row.provider_ods_code,
      sourceRecordId: row.source_record_id,
      part: row.part,
      kind: row.kind as ItemKind,
      removed: false,
      event: decode(row.item),
    });
    byPatient.set(row.nhs_number, list);
  }
  return patients.map((p) => ({
    nhsNumber: p.nhs_number,
    sequence: Number(p.sequence),
    mergedInto: p.merged_into,
    updatedAt: p.updated_at.getTime(),
    mergedFrom: p.merged_from,
    items: byPatient.get(p.nhs_number) ?? [],
  }));
}

interface PatientRow {
  nhs_number: string;
  sequence: string;
  merged_into: string | null;
  updated_at: Date;
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
