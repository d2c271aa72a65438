import type { RecordChangeEvent } from '@crosscare/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { encodeRecordItem, RECORD_ITEM_FINGERPRINT, RECORD_ITEM_SCHEMA } from '../changelog/changelog-avro';

const CHUNK = 5_000;

/**
 * Items are kept Avro-encoded, as values of the changelog record's `items` union, instead of as JSON: the projector
 * republishes a patient's whole record on every change, and assembling it from stored bytes in SQL costs a fraction
 * of parsing every item's JSON and encoding the record again (see docs/projections.md, "Item encoding").
 *
 * `item_encoding` names the item schema the bytes were written with. A projector only opens a read model whose
 * items are in its own encoding; one built with other event schemas is rebuilt, not patched (docs/operations.md).
 * A tombstone has no item: it only keeps older versions out.
 */
export class StoreItemsAsAvro1764200000003 implements MigrationInterface {
  name = 'StoreItemsAsAvro1764200000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table item_encoding (
        fingerprint text not null,
        item_schema text not null,
        recorded_at timestamptz not null default now()
      )`);
    await q.query(`insert into item_encoding (fingerprint, item_schema) values ($1, $2)`, [
      RECORD_ITEM_FINGERPRINT,
      RECORD_ITEM_SCHEMA,
    ]);
    await q.query(`alter table record_item add column item bytea`);
    // Read models written before this migration: encode their items now, in key order, a chunk at a time.
    for (let after: string[] | undefined; ;) {
      const chunk = (await q.query(
        `select provider_ods_code, source_record_id, part, event from record_item
         where not removed ${after ? 'and (provider_ods_code, source_record_id, part) > ($2, $3, $4)' : ''}
         order by provider_ods_code, source_record_id, part limit $1`,
        after ? [CHUNK, ...after] : [CHUNK],
      )) as { provider_ods_code: string; source_record_id: string; part: string; event: RecordChangeEvent }[];
      if (chunk.length === 0) break;
      await q.query(
        `update record_item r set item = decode(w.i, 'base64')
         from json_to_recordset($1::json) as w(p text, s text, part text, i text)
         where (r.provider_ods_code, r.source_record_id, r.part) = (w.p, w.s, w.part)`,
        [
          JSON.stringify(
            chunk.map((row) => ({
              p: row.provider_ods_code,
              s: row.source_record_id,
              part: row.part,
              i: encodeRecordItem(row.event).toString('base64'),
            })),
          ),
        ],
      );
      const last = chunk[chunk.length - 1];
      after = [last.provider_ods_code, last.source_record_id, last.part];
    }
    await q.query(`alter table record_item drop column event`);
    await q.query(
      `alter table record_item add constraint record_item_tombstone_has_no_item check (removed = (item is null))`,
    );
  }

  down(): Promise<void> {
    // The JSON cannot be had back without the events: rebuild the read model from the topics instead.
    return Promise.reject(
      new Error('StoreItemsAsAvro1764200000003 cannot be reverted: rebuild the read model instead'),
    );
  }
}
