import { searchIndexOf } from '@crosscare/fhir';
import {
  changelogKey,
  type ChangelogMessage,
  type ItemKey,
  type PatientRecordHead,
} from '@crosscare/projection';
import type { EntityManager } from 'typeorm';
import type { ReadChangelogMessage } from '../changelog/changelog-serde';
import { rows } from '../sql';

/** What applying one batch of the other collaborative's changelog did. */
export interface RemoteViewApplied {
  /** Items set or deleted, and heads stored. */
  readonly touched: number;
  /** Heads more than one above the last held for the patient: changes the other side published and this side missed. */
  readonly gaps: number;
}

/**
 * The remote view's SQL: the other collaborative's changelog applied as it says, item by item (remote_record_item)
 * and head by head (remote_patient), so a change costs this side what it cost the other, whatever the patient's
 * history. Messages at or below the patient's last head are redeliveries and change nothing.
 */
export class RemoteViewStore {
  /** Applies one partition's messages, in offset order, in the caller's transaction. */
  async apply(tx: EntityManager, messages: readonly ReadChangelogMessage[]): Promise<RemoteViewApplied> {
    if (messages.length === 0) return { touched: 0, gaps: 0 };
    const numbers = [...new Set(messages.map((m) => (m.type === 'head' ? m.head.nhsNumber : m.nhsNumber)))];
    const held = new Map(
      (
        await rows<{ nhs_number: string; sequence: string }>(
          tx,
          `select nhs_number, sequence from remote_patient where nhs_number = any($1::text[])`,
          [numbers],
        )
      ).map((r) => [r.nhs_number, Number(r.sequence)]),
    );
    // The last message per item key and per patient's head: one statement may not touch a row twice.
    const items = new Map<string, Exclude<ReadChangelogMessage, { type: 'head' }>>();
    const heads = new Map<string, PatientRecordHead>();
    let gaps = 0;
    for (const message of messages) {
      if (message.type === 'head') {
        const { head } = message;
        const last = held.get(head.nhsNumber);
        if (last !== undefined && head.sequence <= last) continue;
        if (last !== undefined && head.sequence > last + 1) gaps++;
        held.set(head.nhsNumber, head.sequence);
        heads.set(head.nhsNumber, head);
      } else {
        const last = held.get(message.nhsNumber);
        if (last !== undefined && message.sequence <= last) continue;
        items.set(changelogKey(message.nhsNumber, message.key), message);
      }
    }
    const values = [...items.values()].filter((m) => m.type === 'item');
    const tombstones = [...items.values()].filter((m) => m.type === 'tombstone');
    await this.setItems(tx, values);
    await this.deleteItems(tx, tombstones);
    await this.storeHeads(tx, [...heads.values()]);
    return { touched: items.size + heads.size, gaps };
  }

  private async setItems(
    tx: EntityManager,
    values: readonly Extract<ReadChangelogMessage, { type: 'item' }>[],
  ): Promise<void> {
    if (values.length === 0) return;
    const bytes: Buffer[] = [];
    let offset = 1;
    const rowsIn = values.map((m) => {
      const { header } = m.event;
      const search = searchIndexOf(m.event);
      const row = {
        ...keyColumns(m.nhsNumber, m.key),
        k: m.kind,
        s: m.sequence,
        bo: offset,
        bl: m.storedItem.length,
        t: header.eventType,
        v: header.sourceRecordVersion,
        ra: header.recordedAt,
        sr: search?.resourceType ?? null,
        sd: search?.date ?? null,
        ss: search?.status ?? null,
        sc: search?.codes ?? [],
      };
      bytes.push(m.storedItem);
      offset += m.storedItem.length;
      return row;
    });
    await tx.query(
      `insert into remote_record_item as r (nhs_number, provider_ods_code, source_record_id, part, kind, sequence, item,
         event_type, source_record_version, recorded_at, search_resource, search_date, search_status, search_codes)
       select n, p, s_id, part, k, s, substring($2::bytea from bo for bl),
         t, v, to_timestamp(ra / 1000.0), sr, to_timestamp(sd / 1000.0), ss, sc
       from json_to_recordset($1::json) as w(n text, p text, s_id text, part text, k text, s bigint, bo integer,
         bl integer, t text, v bigint, ra double precision, sr text, sd double precision, ss text, sc text[])
       on conflict (nhs_number, provider_ods_code, source_record_id, part) do update set
         kind = excluded.kind, sequence = excluded.sequence, item = excluded.item,
         event_type = excluded.event_type, source_record_version = excluded.source_record_version,
         recorded_at = excluded.recorded_at, search_resource = excluded.search_resource,
         search_date = excluded.search_date, search_status = excluded.search_status,
         search_codes = excluded.search_codes
       where excluded.sequence >= r.sequence`,
      [JSON.stringify(rowsIn), Buffer.concat(bytes)],
    );
  }

  private async deleteItems(
    tx: EntityManager,
    tombstones: readonly Extract<ChangelogMessage, { type: 'tombstone' }>[],
  ): Promise<void> {
    if (tombstones.length === 0) return;
    await tx.query(
      `delete from remote_record_item r
       using json_to_recordset($1::json) as w(n text, p text, s_id text, part text, s bigint)
       where (r.nhs_number, r.provider_ods_code, r.source_record_id, r.part) = (w.n, w.p, w.s_id, w.part)
         and r.sequence <= w.s`,
      [JSON.stringify(tombstones.map((m) => ({ ...keyColumns(m.nhsNumber, m.key), s: m.sequence })))],
    );
  }

  private async storeHeads(tx: EntityManager, heads: readonly PatientRecordHead[]): Promise<void> {
    if (heads.length === 0) return;
    await tx.query(
      `insert into remote_patient as r (nhs_number, collaborative, sequence, updated_at, merged_into, merged_from, item_count)
       select n, c, s, to_timestamp(u / 1000.0), m, array(select json_array_elements_text(f)), i
       from json_to_recordset($1::json) as w(n text, c text, s bigint, u double precision, m text, f json, i bigint)
       on conflict (nhs_number) do update set collaborative = excluded.collaborative, sequence = excluded.sequence,
         updated_at = excluded.updated_at, merged_into = excluded.merged_into, merged_from = excluded.merged_from,
         item_count = excluded.item_count, received_at = now()
       where excluded.sequence > r.sequence`,
      [
        JSON.stringify(
          heads.map((h) => ({
            n: h.nhsNumber,
            c: h.collaborative,
            s: h.sequence,
            u: h.updatedAt,
            m: h.mergedInto,
            f: h.mergedFrom,
            i: h.itemCount,
          })),
        ),
      ],
    );
  }
}

function keyColumns(nhsNumber: string, key: ItemKey) {
  return { n: nhsNumber, p: key.providerOdsCode, s_id: key.sourceRecordId, part: key.part };
}
