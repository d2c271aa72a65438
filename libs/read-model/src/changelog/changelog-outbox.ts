import { ITEM_KINDS } from '@crosscare/projection';
import type { DataSource, EntityManager } from 'typeorm';
import { rows } from '../sql';
import { ITEM_BLOCK_START, ITEMS_END } from './patient-record-avro';

type Query = Pick<EntityManager, 'query'>;

/** A record to add to the changelog outbox: its encoded, framed head; the outbox appends the items. */
export interface OutboxRecord {
  readonly nhsNumber: string;
  readonly sequence: number;
  readonly head: Buffer;
}

/** A changelog record waiting in the outbox, as the relay sends it: keyed by NHS number, its sequence a header. */
export interface OutboxRow {
  readonly id: string;
  readonly nhs_number: string;
  readonly sequence: string;
  readonly payload: Buffer;
}

/**
 * The changelog outbox of a read model: whole changelog records, assembled in the batch transaction from the stored
 * items (the record's bytes are made here, from the head the serde frames and the items the store keeps encoded),
 * and taken out, oldest first, by the relay once the broker holds them.
 */
export class ChangelogOutbox {
  /**
   * Adds each patient's whole record to the changelog outbox: its head, then its current items as stored, in the
   * order buildPatientRecord gives them (kind, then provider, source record id and part, then event id), each as an
   * Avro array block of one, then the array's end. The items never leave the database.
   */
  async add(tx: EntityManager, records: readonly OutboxRecord[]): Promise<void> {
    if (records.length === 0) return;
    // Base64 in one JSON parameter: a bytea[] parameter is escaped as hex, character by character, in JavaScript.
    // Code-unit order (compareCodeUnits) and "C" (UTF-8 byte) order agree but for characters outside the BMP.
    await tx.query(
      `insert into changelog_outbox (nhs_number, sequence, payload)
       select w.n, w.s, decode(w.h, 'base64') || coalesce(items.bytes, ''::bytea) || $4::bytea
       from json_to_recordset($1::json) as w(n text, s bigint, h text)
       left join lateral (
         select string_agg($3::bytea || item, ''::bytea order by array_position($2::text[], kind),
           provider_ods_code collate "C", source_record_id collate "C", part collate "C", event_id collate "C") as bytes
         from record_item where nhs_number = w.n and not removed
       ) items on true
       order by w.n, w.s`,
      [
        JSON.stringify(records.map((r) => ({ n: r.nhsNumber, s: r.sequence, h: r.head.toString('base64') }))),
        ITEM_KINDS,
        ITEM_BLOCK_START,
        ITEMS_END,
      ],
    );
  }

  /** The oldest `limit` records, in the order they were added. */
  oldest(q: Query, limit: number): Promise<OutboxRow[]> {
    return q.query<OutboxRow[]>(
      `select id, nhs_number, sequence, payload from changelog_outbox order by id limit $1`,
      [limit],
    );
  }

  /** Removes records the broker has acknowledged. */
  async remove(q: Query, ids: readonly string[]): Promise<void> {
    await q.query(`delete from changelog_outbox where id = any($1::bigint[])`, [ids]);
  }

  /** How many records wait to be relayed. */
  async depth(db: DataSource | EntityManager): Promise<number> {
    const [row] = await rows<{ n: number }>(db, `select count(*)::int as n from changelog_outbox`);
    return row.n;
  }
}
