import { searchIndexOf } from '@crosscare/fhir';
import {
  compareCodeUnits,
  itemKeyString,
  supersedesSql,
  type ItemKind,
  type ItemWrite,
  type MergeChange,
} from '@crosscare/projection';
import type { EntityManager } from 'typeorm';
import { PatientChanges, type RecordHead } from '../changelog/changelog-messages';
import { rows } from '../sql';

/** An item write with its event Avro-encoded as the read model stores it (null for a tombstone). */
export interface StoredItemWrite extends ItemWrite {
  readonly item: Buffer | null;
}

/** Something a batch asked for that the read model refuses, e.g. a merge that would make a cycle. */
export interface StoreRejection {
  readonly eventId: string;
  readonly reason: string;
}

/** Most merge hops followed when resolving a number; chains are compressed on every merge, so one is the norm. */
const MAX_LOCK_ROUNDS = 4;

/**
 * The SQL of one collaborative's read model, set-based so that one batch costs a handful of round trips whatever
 * its size. Every method runs inside the caller's transaction (the one that also stores the consumed offsets).
 *
 * Concurrency: instances of one projector, and partitions projected at once, may touch the same patient (a
 * patient's events arrive on three ICS topics; a merge names two numbers on different partitions). Each batch
 * first locks the patient rows of every number it touches, in sorted order, and resolves merges only then, so a
 * merge and a write to the retired number cannot interleave and strand an item under a retired number.
 */
export class PatientRecordStore {
  /**
   * Locks (creating where new) the patient rows of `nhsNumbers` and of whatever they have been merged into.
   * Returns number → surviving number for those that are merged.
   */
  async lockPatients(tx: EntityManager, nhsNumbers: readonly string[]): Promise<Map<string, string>> {
    const survivors = new Map<string, string>();
    const locked = new Set<string>();
    let pending = [...new Set(nhsNumbers)].sort();
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_LOCK_ROUNDS)
        throw new Error(`merge chain longer than ${MAX_LOCK_ROUNDS} hops at ${pending.join(', ')}`);
      // Two statements: the select runs with a new snapshot, so it sees (and waits for) rows another batch inserted
      // meanwhile. Locking, rather than touching every row with an upsert, writes no new row version per patient.
      await tx.query(
        `insert into patient (nhs_number) select unnest($1::text[]) order by 1 on conflict (nhs_number) do nothing`,
        [pending],
      );
      const lockedRows = await tx.query<{ nhs_number: string; merged_into: string | null }[]>(
        `select nhs_number, merged_into from patient where nhs_number = any($1::text[]) order by nhs_number for update`,
        [pending],
      );
      for (const row of lockedRows) {
        locked.add(row.nhs_number);
        if (row.merged_into !== null) survivors.set(row.nhs_number, row.merged_into);
      }
      pending = [...new Set(lockedRows.map((r) => r.merged_into).filter((n): n is string => n !== null))]
        .filter((n) => !locked.has(n))
        .sort();
    }
    // Chains are compressed by applyMerge, but a survivor read before a concurrent merge committed may itself point on.
    for (const [retired, survivor] of survivors) survivors.set(retired, resolve(survivors, survivor));
    return survivors;
  }

  /**
   * Moves everything under the retired number to the survivor and points the retired number (and any that pointed
   * at it) there. The numbers must be locked. Records in `changes` each current item leaving the retired number and
   * joining the survivor, and each number whose pointer moved; returns a rejection instead when the merge cannot be.
   */
  async applyMerge(
    tx: EntityManager,
    merge: MergeChange,
    survivors: Map<string, string>,
    changes?: PatientChanges,
  ): Promise<{ rejected: string } | undefined> {
    const retired = merge.retiredNhsNumber;
    const survivor = resolve(survivors, merge.survivingNhsNumber);
    const retiredNow = survivors.get(retired);
    if (survivor === retired)
      return {
        rejected: `merging ${retired} into ${merge.survivingNhsNumber} would make a cycle: ${merge.survivingNhsNumber} is already merged into ${retired}`,
      };
    if (retiredNow !== undefined && retiredNow !== survivor)
      return {
        rejected: `${retired} is already merged into ${retiredNow}, so it cannot also be merged into ${survivor}`,
      };
    await tx.query(
      `insert into patient_merge (retired_nhs_number, surviving_nhs_number, provider_ods_code, ics, event_id, occurred_at)
       values ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0)) on conflict (retired_nhs_number) do nothing`,
      [retired, merge.survivingNhsNumber, merge.providerOdsCode, merge.ics, merge.eventId, merge.occurredAt],
    );
    if (retiredNow === survivor) return undefined;
    // Tombstones move too, so that an older version arriving late under either number stays out.
    const moved = await rows<MovedRow>(
      tx,
      `update record_item set nhs_number = $2 where nhs_number = $1
       returning provider_ods_code, source_record_id, part, kind, case when removed then null else item end as item`,
      [retired, survivor],
    );
    const repointed = await rows<{ nhs_number: string }>(
      tx,
      `update patient set merged_into = $2 where nhs_number = $1 or merged_into = $1 returning nhs_number`,
      [retired, survivor],
    );
    for (const row of repointed) survivors.set(row.nhs_number, survivor);
    if (changes) {
      for (const row of moved) {
        if (row.item === null) continue;
        const key = {
          providerOdsCode: row.provider_ods_code,
          sourceRecordId: row.source_record_id,
          part: row.part,
        };
        const kind = row.kind as ItemKind;
        changes.remove({ nhsNumber: retired, key, kind });
        changes.set({ nhsNumber: survivor, key, kind, item: row.item }, false);
      }
      changes.touch(survivor);
      for (const row of repointed) changes.touch(row.nhs_number);
    }
    return undefined;
  }

  /**
   * Upserts item writes under their surviving numbers; a write only lands when it supersedes the stored row. Records
   * in `changes` (when given) every item that became, changed as, or stopped being one of a patient's current items,
   * including those that moved from one number to another. Returns how many writes changed a row.
   */
  async writeItems(
    tx: EntityManager,
    writes: readonly StoredItemWrite[],
    survivors: ReadonlyMap<string, string>,
    changes?: PatientChanges,
  ): Promise<number> {
    if (writes.length === 0) return 0;
    // The items travel as one bytea parameter, each row naming its slice: inside a JSON parameter (as base64) they
    // were most of the statement's cost, since Postgres parses JSON strings character by character.
    const items: Buffer[] = [];
    let offset = 1;
    const values = writes.map((w) => {
      const slice = w.item ? { bo: offset, bl: w.item.length } : { bo: null, bl: null };
      if (w.item) {
        items.push(w.item);
        offset += w.item.length;
      }
      // What a search of the patient's history finds the item by; a tombstone is found by nothing.
      const search = w.removed ? null : searchIndexOf(w.event);
      return {
        p: w.providerOdsCode,
        s: w.sourceRecordId,
        part: w.part,
        n: resolve(survivors, w.nhsNumber),
        k: w.kind,
        i: w.ics,
        c: w.collaborative,
        v: w.sourceRecordVersion,
        e: w.eventId,
        t: w.eventType,
        o: w.occurredAt,
        r: w.recordedAt,
        x: w.removed,
        sr: search?.resourceType ?? null,
        sd: search?.date ?? null,
        ss: search?.status ?? null,
        sc: search?.codes ?? [],
        ...slice,
      };
    });
    const params = [JSON.stringify(values), Buffer.concat(items)];
    const upsert = `insert into record_item as item (provider_ods_code, source_record_id, part, nhs_number, kind, ics,
           collaborative, source_record_version, event_id, event_type, occurred_at, recorded_at, removed, item,
           search_resource, search_date, search_status, search_codes)
         select p, s, part, n, k, i, c, v, e, t, to_timestamp(o / 1000.0), to_timestamp(r / 1000.0), x,
           case when bo is null then null else substring($2::bytea from bo for bl) end,
           sr, to_timestamp(sd / 1000.0), ss, sc from w
         on conflict (provider_ods_code, source_record_id, part) do update set
           nhs_number = excluded.nhs_number, kind = excluded.kind, ics = excluded.ics,
           collaborative = excluded.collaborative, source_record_version = excluded.source_record_version,
           event_id = excluded.event_id, event_type = excluded.event_type, occurred_at = excluded.occurred_at,
           recorded_at = excluded.recorded_at, removed = excluded.removed, item = excluded.item,
           search_resource = excluded.search_resource, search_date = excluded.search_date,
           search_status = excluded.search_status, search_codes = excluded.search_codes
         where ${supersedesSql('excluded', 'item')}`;
    const input = `w as (
         select * from json_to_recordset($1::json) as w(p text, s text, part text, n text, k text, i text, c text,
           v bigint, e text, t text, o double precision, r double precision, x boolean, bo integer, bl integer,
           sr text, sd double precision, ss text, sc text[])
       )`;
    if (!changes) {
      // A rebuild publishes nothing while it replays, so it need not learn what each write changed.
      await tx.query(`with ${input} ${upsert}`, params);
      return 0;
    }
    // One statement: each item's owner and state before the statement beside the upsert that may change them.
    const result = await tx.query<WrittenRow[]>(
      `with ${input}, old as (
         select item.provider_ods_code, item.source_record_id, item.part, item.nhs_number, item.removed
         from record_item item join w on (item.provider_ods_code, item.source_record_id, item.part) = (w.p, w.s, w.part)
       ), up as (
         ${upsert}
         returning provider_ods_code, source_record_id, part, nhs_number, kind, removed
       )
       select up.provider_ods_code, up.source_record_id, up.part, up.nhs_number, up.kind, up.removed,
         case when old.removed then null else old.nhs_number end as was_current_under
       from up left join old using (provider_ods_code, source_record_id, part)`,
      params,
    );
    const stored = new Map(writes.map((w) => [itemKeyString(w), w.item]));
    for (const row of result) {
      const key = {
        providerOdsCode: row.provider_ods_code,
        sourceRecordId: row.source_record_id,
        part: row.part,
      };
      const kind = row.kind as ItemKind;
      const before = row.was_current_under;
      if (before !== null && (before !== row.nhs_number || row.removed))
        changes.remove({ nhsNumber: before, key, kind });
      const item = row.removed ? null : stored.get(itemKeyString(key));
      if (item) changes.set({ nhsNumber: row.nhs_number, key, kind, item }, before === row.nhs_number);
    }
    return result.length;
  }

  /**
   * Numbers one more change for each touched patient, applies its item count's change, and returns the heads that
   * end the changes, sorted by number.
   */
  async nextSequences(tx: EntityManager, changes: PatientChanges): Promise<RecordHead[]> {
    const touched = changes.touched();
    if (touched.length === 0) return [];
    return headsOf(
      await rows<HeadRow>(
        tx,
        `update patient p set sequence = sequence + 1, item_count = item_count + w.d, updated_at = now()
         from json_to_recordset($1::json) as w(n text, d bigint)
         where p.nhs_number = w.n returning ${HEAD_COLUMNS}`,
        [JSON.stringify(touched.map((n) => ({ n, d: changes.countChangeOf(n) })))],
      ),
    );
  }

  /** The heads of these patients' current records, as last numbered, sorted by number. */
  async recordHeads(tx: EntityManager, nhsNumbers: readonly string[]): Promise<RecordHead[]> {
    return headsOf(
      await tx.query<HeadRow[]>(`select ${HEAD_COLUMNS} from patient p where nhs_number = any($1::text[])`, [
        nhsNumbers,
      ]),
    );
  }
}

interface MovedRow {
  provider_ods_code: string;
  source_record_id: string;
  part: string;
  kind: string;
  item: Buffer | null;
}

interface WrittenRow {
  provider_ods_code: string;
  source_record_id: string;
  part: string;
  nhs_number: string;
  kind: string;
  removed: boolean;
  /** The number the item was a current item of before the write; null when it was new or a tombstone. */
  was_current_under: string | null;
}

interface HeadRow {
  nhs_number: string;
  sequence: string;
  item_count: string;
  merged_into: string | null;
  updated_at: Date;
  merged_from: string[];
}

const HEAD_COLUMNS = `p.nhs_number, p.sequence, p.item_count, p.merged_into, p.updated_at,
  coalesce((select array_agg(m.nhs_number order by m.nhs_number collate "C") from patient m
            where m.merged_into = p.nhs_number), '{}') as merged_from`;

function headsOf(found: readonly HeadRow[]): RecordHead[] {
  return found
    .map((row) => ({
      nhsNumber: row.nhs_number,
      sequence: Number(row.sequence),
      updatedAt: row.updated_at.getTime(),
      mergedInto: row.merged_into,
      mergedFrom: row.merged_from,
      itemCount: Number(row.item_count),
    }))
    .sort((a, b) => compareCodeUnits(a.nhsNumber, b.nhsNumber));
}

/** A number's survivor, following the (normally single) hop; itself when not merged. */
function resolve(survivors: ReadonlyMap<string, string>, nhsNumber: string): string {
  let current = nhsNumber;
  for (let hops = 0; hops < MAX_LOCK_ROUNDS; hops++) {
    const next = survivors.get(current);
    if (next === undefined || next === current) return current;
    current = next;
  }
  return current;
}
