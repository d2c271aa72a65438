import type { DataSource, EntityManager } from 'typeorm';
import { rows } from '../sql';

type Query = Pick<EntityManager, 'query'>;

/** A changelog message to add to the outbox: a patient's head or item, or an item's tombstone (no payload). */
export interface OutboxMessage {
  readonly nhsNumber: string;
  readonly sequence: number;
  /** The message's key on the compacted topic (changelogKey). */
  readonly key: string;
  /** The framed Avro value; null for a tombstone. */
  readonly payload: Buffer | null;
  /** The provider request behind the change, sent as the header `crosscare-correlation-id`; none for a rebuild's fill. */
  readonly correlationId?: string;
}

/** A changelog message waiting in the outbox, as the relay sends it. */
export interface OutboxRow {
  readonly id: string;
  readonly nhs_number: string;
  readonly sequence: string;
  readonly key: string;
  readonly payload: Buffer | null;
  readonly correlation_id: string | null;
}

/**
 * The changelog outbox of a read model: changelog messages written in the batch transaction that changed the
 * patient, and taken out, oldest first, by the relay once the broker holds them.
 */
export class ChangelogOutbox {
  /** Adds messages in the order given: the relay publishes them in that order. */
  async add(tx: Query, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // The payloads travel as one bytea parameter, each row naming its slice (as in PatientRecordStore.writeItems).
    const payloads: Buffer[] = [];
    let offset = 1;
    const values = messages.map((m, i) => {
      const slice = m.payload ? { bo: offset, bl: m.payload.length } : { bo: null, bl: null };
      if (m.payload) {
        payloads.push(m.payload);
        offset += m.payload.length;
      }
      return { i, n: m.nhsNumber, s: m.sequence, k: m.key, c: m.correlationId ?? null, ...slice };
    });
    await tx.query(
      `insert into changelog_outbox (nhs_number, sequence, key, payload, correlation_id)
       select n, s, k, case when bo is null then null else substring($2::bytea from bo for bl) end, c
       from json_to_recordset($1::json) as w(i integer, n text, s bigint, k text, c text, bo integer, bl integer)
       order by i`,
      [JSON.stringify(values), Buffer.concat(payloads)],
    );
  }

  /** The oldest `limit` messages, in the order they were added. */
  oldest(q: Query, limit: number): Promise<OutboxRow[]> {
    return q.query<OutboxRow[]>(
      `select id, nhs_number, sequence, key, payload, correlation_id from changelog_outbox order by id limit $1`,
      [limit],
    );
  }

  /** Removes messages the broker has acknowledged. */
  async remove(q: Query, ids: readonly string[]): Promise<void> {
    await q.query(`delete from changelog_outbox where id = any($1::bigint[])`, [ids]);
  }

  /** How many messages wait to be relayed. */
  async depth(db: DataSource | EntityManager): Promise<number> {
    const [row] = await rows<{ n: number }>(db, `select count(*)::int as n from changelog_outbox`);
    return row.n;
  }
}
