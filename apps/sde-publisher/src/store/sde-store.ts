import type { OptOutKind, StandingOptOuts } from '@crosscare/sde';
import { ConsumedPositions } from '@crosscare/database';
import type { EntityManager } from 'typeorm';

/** A row to keep for a project: its payload already minimised and pseudonymised. */
export interface StoredRow {
  readonly project: string;
  readonly rowKey: string;
  readonly pseudonym: string;
  readonly schemaId: number;
  readonly payload: Buffer;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
  readonly withheld: boolean;
}

/** A message waiting in the outbox: a value, or null for a tombstone. */
export interface OutboxMessage {
  readonly topic: string;
  readonly partition: number | null;
  readonly key: string;
  readonly value: Buffer | null;
}

/** The advisory lock that orders opt-outs against record changes (any fixed key, the same on every instance). */
const OPT_OUT_LOCK = 7_236_512_117;

/**
 * The publisher's tables (migrations/1764900000000): every statement it runs, each taking the transaction it belongs to.
 */
export class SdeStore {
  /** The consumed positions, written with the rows each batch produced. */
  readonly positions = new ConsumedPositions();

  /**
   * Keeps opt-outs and record changes from passing each other: an event read before its patient's opt-out, but
   * committed after the opt-out's tombstones were written, would be published and never removed. Record-change
   * batches share this lock, so they run side by side; an opt-out batch takes it alone, waiting for those in flight
   * (milliseconds) and holding new ones back while it withholds. One lock per transaction, not one per patient: a
   * batch of thousands of patients would otherwise fill Postgres's shared lock table.
   */
  async lockForRecordChanges(tx: EntityManager): Promise<void> {
    await tx.query(`select pg_advisory_xact_lock_shared(${OPT_OUT_LOCK})`);
  }

  async lockForOptOuts(tx: EntityManager): Promise<void> {
    await tx.query(`select pg_advisory_xact_lock(${OPT_OUT_LOCK})`);
  }

  /** Each patient's standing opt-outs (withdrawn ones left out); patients with none are absent. */
  async standingOptOuts(
    tx: EntityManager,
    nhsNumbers: readonly string[],
  ): Promise<Map<string, StandingOptOuts>> {
    const rows = await tx.query<{ nhs_number: string; kind: OptOutKind }[]>(
      `select nhs_number, kind from opt_outs where nhs_number = any($1::text[]) and status <> 'WITHDRAWN'`,
      [[...nhsNumbers]],
    );
    const standing = new Map<string, Set<OptOutKind>>();
    for (const row of rows) {
      const kinds = standing.get(row.nhs_number) ?? new Set<OptOutKind>();
      kinds.add(row.kind);
      standing.set(row.nhs_number, kinds);
    }
    return standing;
  }

  async recordOptOut(
    tx: EntityManager,
    change: { nhsNumber: string; kind: OptOutKind; status: string; changedAt: Date },
  ): Promise<void> {
    await tx.query(
      `insert into opt_outs (nhs_number, kind, status, changed_at) values ($1, $2, $3, $4)
       on conflict (nhs_number, kind) do update set status = excluded.status, changed_at = excluded.changed_at`,
      [change.nhsNumber, change.kind, change.status, change.changedAt],
    );
  }

  /** Inserts rows not held yet (a redelivered event's are) and answers the keys of those inserted. */
  async insertRows(tx: EntityManager, rows: readonly StoredRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted = await tx.query<{ project: string; row_key: string }[]>(
      `insert into project_rows
         (project, row_key, pseudonym, schema_id, payload, source_topic, source_partition, source_offset, withheld)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bytea[], $6::text[], $7::int[],
                            $8::bigint[], $9::boolean[])
       on conflict (project, row_key) do nothing
       returning project, row_key`,
      [
        rows.map((r) => r.project),
        rows.map((r) => r.rowKey),
        rows.map((r) => r.pseudonym),
        rows.map((r) => r.schemaId),
        rows.map((r) => r.payload),
        rows.map((r) => r.sourceTopic),
        rows.map((r) => r.sourcePartition),
        rows.map((r) => r.sourceOffset),
        rows.map((r) => r.withheld),
      ],
    );
    return new Set(inserted.map((r) => `${r.project}\u0000${r.row_key}`));
  }

  /** Marks a pseudonym's published rows withheld; answers their keys (to tombstone). */
  async withhold(tx: EntityManager, project: string, pseudonym: string): Promise<string[]> {
    const rows = await tx.query<{ row_key: string }[]>(
      // A CTE, because TypeORM answers a bare UPDATE ... RETURNING with [rows, count].
      `with changed as (
         update project_rows set withheld = true
          where project = $1 and pseudonym = $2 and not withheld
          returning row_key)
       select row_key from changed`,
      [project, pseudonym],
    );
    return rows.map((r) => r.row_key).sort();
  }

  /** Releases a pseudonym's withheld rows; answers them, oldest source offset first, to publish again. */
  async release(
    tx: EntityManager,
    project: string,
    pseudonym: string,
  ): Promise<{ rowKey: string; schemaId: number; payload: Buffer }[]> {
    const rows = await tx.query<
      { row_key: string; schema_id: number; payload: Buffer; source_topic: string; source_offset: string }[]
    >(
      `with changed as (
         update project_rows set withheld = false
          where project = $1 and pseudonym = $2 and withheld
          returning row_key, schema_id, payload, source_topic, source_offset)
       select * from changed`,
      [project, pseudonym],
    );
    return rows
      .sort(
        (a, b) =>
          a.source_topic.localeCompare(b.source_topic) ||
          Number(BigInt(a.source_offset) - BigInt(b.source_offset)),
      )
      .map((r) => ({ rowKey: r.row_key, schemaId: r.schema_id, payload: r.payload }));
  }

  async enqueue(tx: EntityManager, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // Ids follow the given order (with ordinality ... order by), which is the order the relay publishes in.
    await tx.query(
      `insert into outbox (topic, partition, key, value)
       select t, p, k, v
         from unnest($1::text[], $2::int[], $3::text[], $4::bytea[]) with ordinality as m(t, p, k, v, n)
        order by n`,
      [
        messages.map((m) => m.topic),
        messages.map((m) => m.partition),
        messages.map((m) => m.key),
        messages.map((m) => m.value),
      ],
    );
  }
}
