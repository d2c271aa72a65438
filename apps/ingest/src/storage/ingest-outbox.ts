import type { Message } from 'kafkajs';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** A message for a topic, as the intake encoded it. */
export interface OutboxMessage {
  readonly topic: string;
  readonly message: Message;
}

/**
 * How far the relay has published: every row at or before (xid, id) is on its topic. Rows are ordered by the
 * writing transaction's id, then by row id, and read only once every older transaction has ended, so a row can
 * never appear behind a position already reached.
 */
export interface RelayPosition {
  readonly xid: bigint;
  readonly id: bigint;
}

/** Before every row. */
export const RELAY_START: RelayPosition = { xid: 0n, id: 0n };

/** A row ready to publish. */
export interface OutboxRow {
  readonly position: RelayPosition;
  readonly topic: string;
  readonly partition: number | null;
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
  /** When the row was committed (its transaction's start, epoch ms): the publish delay is measured from it. */
  readonly acceptedAt: number;
}

/**
 * The events ingest has accepted and not yet published (table ingest_outbox). The intake appends in the transaction
 * that claims their record versions; the relay (apps/ingest/src/relay) reads them in order and deletes what it has
 * published.
 */
export class IngestOutbox {
  async append(tx: EntityManager, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await tx.query(
      `insert into ingest_outbox (topic, partition, key, value, headers)
       select * from unnest($1::text[], $2::integer[], $3::bytea[], $4::bytea[], $5::jsonb[])`,
      [
        messages.map((m) => m.topic),
        messages.map((m) => m.message.partition ?? null),
        messages.map((m) => asBuffer(m.message.key)),
        messages.map((m) => {
          const value = asBuffer(m.message.value);
          if (!value) throw new Error(`a message for ${m.topic} has no value`);
          return value;
        }),
        messages.map((m) => JSON.stringify(stringHeaders(m.message.headers))),
      ],
    );
  }

  /**
   * Rows after the position whose transactions, and every older transaction, have ended: `xid` below the oldest
   * transaction still running in the server (pg_snapshot_xmin). A transaction still open may yet commit a row, but
   * only with an xid at or above that bound, so nothing can commit behind what this returns.
   */
  async ready(runner: QueryRunner, after: RelayPosition, limit: number): Promise<OutboxRow[]> {
    const rows = (await runner.query(
      // The text form under another name: ORDER BY resolves a bare name to an output column first, and ordering
      // transaction ids as text ('1000' before '999') once republished rows past the position it then took.
      `select o.id, o.xid::text as xid_text, o.topic, o.partition, o.key, o.value, o.headers,
              (extract(epoch from o.accepted_at) * 1000)::float8 as accepted_ms from ingest_outbox o
        where (o.xid, o.id) > ($1::text::xid8, $2::bigint) and o.xid < pg_snapshot_xmin(pg_current_snapshot())
        order by o.xid, o.id
        limit $3`,
      [String(after.xid), String(after.id), limit],
    )) as {
      id: string;
      xid_text: string;
      topic: string;
      partition: number | null;
      key: Buffer | null;
      value: Buffer;
      headers: Record<string, string>;
      accepted_ms: number;
    }[];
    return rows.map((r) => ({
      position: { xid: BigInt(r.xid_text), id: BigInt(r.id) },
      topic: r.topic,
      partition: r.partition,
      key: r.key,
      value: r.value,
      headers: r.headers,
      acceptedAt: Number(r.accepted_ms),
    }));
  }

  /** Deletes every row at or before the position: they are published. */
  async removeThrough(runner: QueryRunner, position: RelayPosition): Promise<number> {
    // TypeORM answers a delete with [rows, rowCount].
    const [, deleted] = (await runner.query(
      `delete from ingest_outbox where (xid, id) <= ($1::text::xid8, $2::bigint)`,
      [String(position.xid), String(position.id)],
    )) as [unknown[], number];
    return deleted;
  }

  /** The highest row id accepted so far (0 when none ever was). */
  async lastId(db: DataSource | QueryRunner): Promise<bigint> {
    const [row] = (await db.query(`select coalesce(max(id), 0)::text as id from ingest_outbox`)) as {
      id: string;
    }[];
    return BigInt(row.id);
  }

  /** Whether any row with an id at or below this one still waits. */
  async holdsThrough(db: DataSource | QueryRunner, id: bigint): Promise<boolean> {
    const [row] = (await db.query(
      `select exists (select 1 from ingest_outbox where id <= $1::bigint) as held`,
      [String(id)],
    )) as { held: boolean }[];
    return row.held;
  }

  /** Rows waiting to be published, and the age of the oldest, in seconds (0 when none). */
  async backlog(db: DataSource | QueryRunner): Promise<{ pending: number; oldestSeconds: number }> {
    const [row] = (await db.query(
      `select count(*) as pending, extract(epoch from now() - min(accepted_at))::float8 as oldest_seconds
         from ingest_outbox`,
    )) as { pending: string; oldest_seconds: number | null }[];
    return { pending: Number(row.pending), oldestSeconds: Math.max(0, row.oldest_seconds ?? 0) };
  }
}

function asBuffer(value: Message['key'] | Message['value']): Buffer | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) ? value : Buffer.from(value);
}

/** Crosscare's headers are strings; a Buffer header is kept as its UTF-8 text. */
function stringHeaders(headers: Message['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) throw new Error(`header ${name} has several values; Crosscare sends one`);
    out[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return out;
}
