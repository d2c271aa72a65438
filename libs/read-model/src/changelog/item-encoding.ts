import type { RecordChangeEvent } from '@crosscare/events';
import type { EntityManager } from 'typeorm';
import { decodeRecordItem, RECORD_ITEM_FINGERPRINT, recordItemResolver } from './changelog-avro';

type Query = Pick<EntityManager, 'query'>;

interface ItemEncodingRow {
  fingerprint: string;
  item_schema: string;
}

/**
 * Refuses a read model whose items were encoded with another item schema than this code's: its changelog records,
 * assembled from those bytes, would not be what the registered schema says. Such a read model belongs to another
 * version of the projector; this one serves a read model rebuilt with its own schema (projector:rebuild).
 */
export async function assertOwnItemEncoding(q: Query, schema: string): Promise<void> {
  const row = await recordedItemEncoding(q);
  if (row?.fingerprint === RECORD_ITEM_FINGERPRINT) return;
  throw new Error(
    `read model ${schema} stores items encoded with item schema ${row?.fingerprint ?? '(none)'}, and this ` +
      `projector writes ${RECORD_ITEM_FINGERPRINT}: the event schemas changed between the versions. Rebuild the ` +
      `read model with this version (npm run projector:rebuild) and the instances follow it when it switches`,
  );
}

const resolvers = new Map<string, ReturnType<typeof recordItemResolver> | undefined>();

/**
 * How to read a read model's stored items, whichever item schema they were written with: readers (the record API)
 * may run a version before or after the projector's.
 */
export async function storedItemDecoder(q: Query): Promise<(item: Buffer) => RecordChangeEvent> {
  const row = await recordedItemEncoding(q);
  if (!row) throw new Error('the read model records no item encoding: is it migrated?');
  if (!resolvers.has(row.fingerprint))
    resolvers.set(
      row.fingerprint,
      row.fingerprint === RECORD_ITEM_FINGERPRINT ? undefined : recordItemResolver(row.item_schema),
    );
  const resolver = resolvers.get(row.fingerprint);
  return (item) => decodeRecordItem(item, resolver);
}

/** The item schema a read model recorded for its items (migration 1764200000003 writes its one row). */
async function recordedItemEncoding(q: Query): Promise<ItemEncodingRow | undefined> {
  const [row] = await q.query<ItemEncodingRow[]>(`select fingerprint, item_schema from item_encoding`);
  return row;
}
