import type { EventType } from '@crosscare/events';
import type { EntityManager } from 'typeorm';
import { ACCESS_ITEM_EVENT_TYPES } from '../migrations/1764200000006-record-search-index';
import type { PatientRecordSet } from './patient-record-set';

/**
 * The items the access rules read of a patient's record (docs/record-access.md): the details that name the
 * registered GP, referrals that name their recipients, and the patient's statements about sharing. Everything else
 * counts only by which provider holds it, which readPatientProviders answers without reading a long history.
 */
export const ACCESS_EVENT_TYPES: readonly EventType[] = ACCESS_ITEM_EVENT_TYPES;

/** A patient as a search's access check sees them. */
export interface PatientHistoryAccess {
  /** The patient's record set, each snapshot with only the ACCESS_EVENT_TYPES items. */
  readonly set: PatientRecordSet;
  /** Every organisation with a current item of the patient's, on either side, upper case. */
  readonly providers: ReadonlySet<string>;
}

/**
 * The organisations holding current items under these numbers, on either side, and which local numbers hold any:
 * from the (nhs_number, provider_ods_code) indexes, a few rows per patient whatever their history.
 */
export async function readPatientProviders(
  tx: Pick<EntityManager, 'query'>,
  nhsNumbers: readonly string[],
): Promise<{ readonly providers: ReadonlySet<string>; readonly localNumbers: ReadonlySet<string> }> {
  const providers = new Set<string>();
  const localNumbers = new Set<string>();
  // A skip scan, one index probe per provider: a patient with 10,000 items from a dozen providers costs a dozen
  // probes, not 10,000 index entries (Postgres 15 has no skip scan of its own).
  for (const nhsNumber of nhsNumbers) {
    const rows = await tx.query<{ remote: boolean; provider: string }[]>(
      `with recursive
         l(p) as (
           select min(provider_ods_code) from record_item where nhs_number = $1 and not removed
           union all
           select (select min(provider_ods_code) from record_item
                   where nhs_number = $1 and not removed and provider_ods_code > l.p)
           from l where l.p is not null
         ),
         r(p) as (
           select min(provider_ods_code) from remote_record_item where nhs_number = $1
           union all
           select (select min(provider_ods_code) from remote_record_item
                   where nhs_number = $1 and provider_ods_code > r.p)
           from r where r.p is not null
         )
       select false as remote, p as provider from l where p is not null
       union all
       select true, p from r where p is not null`,
      [nhsNumber],
    );
    for (const row of rows) {
      providers.add(row.provider.toUpperCase());
      if (!row.remote) localNumbers.add(nhsNumber);
    }
  }
  return { providers, localNumbers };
}
