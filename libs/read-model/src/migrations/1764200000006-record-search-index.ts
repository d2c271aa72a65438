import type { RecordChangeEvent } from '@crosscare/events';
import { searchIndexOf } from '@crosscare/fhir';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { storedItemDecoder } from '../changelog/item-encoding';

const CHUNK = 5_000;

/**
 * The event types of the items a search's access check reads (libs/read-model's ACCESS_EVENT_TYPES is this list):
 * the details that name the registered GP, referrals that name their recipients, the patient's sharing statements.
 */
export const ACCESS_ITEM_EVENT_TYPES = [
  'PatientRegistered',
  'PatientDetailsChanged',
  'ReferralMade',
  'SharingObjectionRecorded',
] as const;

/** The partial indexes' predicate, and what a query must say to be served by them. */
export const ACCESS_ITEMS_PREDICATE = `event_type in (${ACCESS_ITEM_EVENT_TYPES.map((t) => `'${t}'`).join(', ')})`;

const SEARCH_COLUMNS = `
  add column search_resource text,
  add column search_date timestamptz,
  add column search_status text,
  add column search_codes text[] not null default '{}'`;

/**
 * A search over one patient's history (issue 21, GET /patients/{nhsNumber}/record's FHIR search) runs in SQL: each
 * item carries what libs/fhir's searchIndexOf reads of it (the FHIR resource type, principal date, status and code
 * tokens, as the rendered resource shows them), written by the projector with the item, so a search reads one
 * patient's rows of one resource type in date order through an index instead of decoding the patient's history.
 *
 * The remote view also keeps each item's event type, version and acceptance time, so that when both collaboratives
 * hold one provider record the search keeps the later version, as the record view does, without decoding either.
 */
export class RecordSearchIndex1764200000006 implements MigrationInterface {
  name = 'RecordSearchIndex1764200000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table record_item ${SEARCH_COLUMNS}`);
    await q.query(`
      alter table remote_record_item ${SEARCH_COLUMNS},
        add column event_type text,
        add column source_record_version bigint,
        add column recorded_at timestamptz`);
    const decode = await storedItemDecoder(q);
    await backfill(q, decode, LOCAL);
    await backfill(q, decode, REMOTE);
    // Built after the backfill: one sort per index rather than an index update per row written.
    await q.query(`
      create index record_item_search on record_item
        (nhs_number, search_resource, search_date desc nulls last, provider_ods_code, source_record_id, part)
        where not removed and search_resource is not null`);
    await q.query(`
      create index remote_record_item_search on remote_record_item
        (nhs_number, search_resource, search_date desc nulls last, provider_ods_code, source_record_id, part)
        where search_resource is not null`);
    // Serves everything record_item_patient did (a leading column), and lists a patient's providers for a search's
    // access check from the index alone. remote_record_item needs no such index: its primary key leads with
    // (nhs_number, provider_ods_code) already.
    await q.query(`create index record_item_patient_provider on record_item (nhs_number, provider_ods_code)`);
    await q.query(`drop index record_item_patient`);
    // The few items a search's access check reads of a history (registrations, referrals, statements about sharing):
    // found without reading the patient's other rows. A query uses these only when it names the same list.
    await q.query(
      `create index record_item_access on record_item (nhs_number) where not removed and ${ACCESS_ITEMS_PREDICATE}`,
    );
    await q.query(
      `create index remote_record_item_access on remote_record_item (nhs_number) where ${ACCESS_ITEMS_PREDICATE}`,
    );
  }

  /** Everything added is derived from the stored items, so reverting loses nothing that up() cannot make again. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`create index record_item_patient on record_item (nhs_number)`);
    for (const index of [
      'record_item_patient_provider',
      'record_item_search',
      'remote_record_item_search',
      'record_item_access',
      'remote_record_item_access',
    ])
      await q.query(`drop index ${index}`);
    await q.query(`
      alter table record_item
        drop column search_resource, drop column search_date, drop column search_status, drop column search_codes`);
    await q.query(`
      alter table remote_record_item
        drop column search_resource, drop column search_date, drop column search_status, drop column search_codes,
        drop column event_type, drop column source_record_version, drop column recorded_at`);
  }
}

interface Table {
  readonly name: string;
  readonly key: readonly string[];
  /** Only rows with an item: a tombstone has none, and nothing to index. */
  readonly items: string;
  /** Also fills the remote view's event type, version and acceptance time. */
  readonly withHeader: boolean;
}

const LOCAL: Table = {
  name: 'record_item',
  key: ['provider_ods_code', 'source_record_id', 'part'],
  items: 'not removed',
  withHeader: false,
};
const REMOTE: Table = {
  name: 'remote_record_item',
  key: ['nhs_number', 'provider_ods_code', 'source_record_id', 'part'],
  items: 'true',
  withHeader: true,
};

interface Row {
  readonly item: Buffer;
  readonly [column: string]: unknown;
}

/** Indexes a read model's items written before this migration, in key order, a chunk at a time. */
async function backfill(
  q: QueryRunner,
  decode: (item: Buffer) => RecordChangeEvent,
  table: Table,
): Promise<void> {
  const key = table.key.join(', ');
  const placeholders = table.key.map((_, i) => `$${i + 2}`).join(', ');
  const columns = table.key.map((_, i) => `k${i} text`).join(', ');
  const sameKey = table.key.map((column, i) => `x.${column} = w.k${i}`).join(' and ');
  const set = [
    `search_resource = w.sr, search_date = to_timestamp(w.sd / 1000.0), search_status = w.ss`,
    `search_codes = coalesce(w.sc, '{}')`,
    ...(table.withHeader
      ? [`event_type = w.t, source_record_version = w.v, recorded_at = to_timestamp(w.r / 1000.0)`]
      : []),
  ].join(', ');
  for (let after: string[] | undefined; ;) {
    const chunk = (await q.query(
      `select ${key}, item from ${table.name}
       where ${table.items} ${after ? `and (${key}) > (${placeholders})` : ''}
       order by ${key} limit $1`,
      after ? [CHUNK, ...after] : [CHUNK],
    )) as Row[];
    if (chunk.length === 0) break;
    const values = chunk.flatMap((row) => {
      const event = decode(row.item);
      const index = searchIndexOf(event);
      if (index === null && !table.withHeader) return [];
      const { header } = event;
      return [
        {
          ...Object.fromEntries(table.key.map((column, i) => [`k${i}`, row[column]])),
          sr: index?.resourceType ?? null,
          sd: index?.date ?? null,
          ss: index?.status ?? null,
          sc: index?.codes ?? [],
          t: header.eventType,
          v: header.sourceRecordVersion,
          r: header.recordedAt,
        },
      ];
    });
    if (values.length > 0)
      await q.query(
        `update ${table.name} x set ${set}
         from json_to_recordset($1::json) as w(${columns}, sr text, sd double precision, ss text, sc text[],
           t text, v bigint, r double precision)
         where ${sameKey}`,
        [JSON.stringify(values)],
      );
    const last = chunk[chunk.length - 1];
    after = table.key.map((column) => last[column] as string);
  }
}
