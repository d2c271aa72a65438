import type { EntityManager } from 'typeorm';

/** One record version as the ledger keeps it. */
export interface LedgerEntry {
  readonly providerOdsCode: string;
  readonly sourceRecordId: string;
  readonly sourceRecordVersion: number;
  readonly eventType: string;
  readonly eventId: string;
  readonly contentSha256: Buffer;
  readonly nhsNumber: string;
  readonly topic: string;
  readonly correlationId: string;
  /** For a FHIR resource: its canonical content without meta (see the migration 1765100000000). */
  readonly resourceSha256?: Buffer | null;
}

export interface ExistingEntry {
  readonly key: string;
  readonly eventId: string;
  readonly contentSha256: Buffer;
  readonly resourceSha256: Buffer | null;
}

/** The current version of a record, as a FHIR server's current version: what If-Match and assigned versions rest on. */
export interface CurrentVersion {
  readonly version: number;
  readonly nhsNumber: string;
  /** Null when the current version is a removal (a DELETE), or came from elsewhere than a FHIR resource. */
  readonly resourceSha256: Buffer | null;
  /** The current version removed the record (a DELETE, or entered-in-error). */
  readonly removed: boolean;
}

export interface LatestSharedVersion {
  readonly nhsNumber: string;
  readonly version: number;
  /** Event types published for that version, e.g. EncounterStarted and EncounterEnded. */
  readonly eventTypes: string[];
}

/** The identity of a record version: what makes a re-send a duplicate. */
export function ledgerKey(
  e: Pick<LedgerEntry, 'providerOdsCode' | 'sourceRecordId' | 'sourceRecordVersion' | 'eventType'>,
): string {
  return `${e.providerOdsCode}\u0000${e.sourceRecordId}\u0000${e.sourceRecordVersion}\u0000${e.eventType}`;
}

/**
 * The ledger of record versions ingest has published (table shared_record_versions). Claims run inside the caller's
 * transaction: a concurrent request claiming the same version waits on the row until this one commits (then it sees
 * a duplicate) or rolls back (then it publishes), so two identical requests never both publish.
 */
export class SharedRecordLedger {
  /** Claims every entry not yet in the ledger; returns the keys claimed now. */
  async claim(tx: EntityManager, entries: readonly LedgerEntry[]): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    const rows = await tx.query<
      {
        provider_ods_code: string;
        source_record_id: string;
        source_record_version: string;
        event_type: string;
      }[]
    >(
      `insert into shared_record_versions
         (provider_ods_code, source_record_id, source_record_version, event_type, event_id, content_sha256,
          nhs_number, topic, correlation_id, resource_sha256)
       select * from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::uuid[], $6::bytea[], $7::text[],
                            $8::text[], $9::text[], $10::bytea[])
       on conflict do nothing
       returning provider_ods_code, source_record_id, source_record_version, event_type`,
      [
        entries.map((e) => e.providerOdsCode),
        entries.map((e) => e.sourceRecordId),
        entries.map((e) => String(e.sourceRecordVersion)),
        entries.map((e) => e.eventType),
        entries.map((e) => e.eventId),
        entries.map((e) => e.contentSha256),
        entries.map((e) => e.nhsNumber),
        entries.map((e) => e.topic),
        entries.map((e) => e.correlationId),
        entries.map((e) => e.resourceSha256 ?? null),
      ],
    );
    return new Set(
      rows.map((r) =>
        ledgerKey({
          providerOdsCode: r.provider_ods_code,
          sourceRecordId: r.source_record_id,
          sourceRecordVersion: Number(r.source_record_version),
          eventType: r.event_type,
        }),
      ),
    );
  }

  /** Gives back claims made in this transaction for entries that will not be published after all. */
  async release(tx: EntityManager, entries: readonly LedgerEntry[]): Promise<void> {
    await tx.query(
      `delete from shared_record_versions v
        using unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) as k(p, s, n, t)
        where v.provider_ods_code = k.p and v.source_record_id = k.s and v.source_record_version = k.n
          and v.event_type = k.t`,
      keyColumns(entries),
    );
  }

  /** The ledger's rows for entries that were already there. */
  async existing(tx: EntityManager, entries: readonly LedgerEntry[]): Promise<Map<string, ExistingEntry>> {
    const found = new Map<string, ExistingEntry>();
    if (entries.length === 0) return found;
    const rows = await tx.query<
      {
        provider_ods_code: string;
        source_record_id: string;
        source_record_version: string;
        event_type: string;
        event_id: string;
        content_sha256: Buffer;
        resource_sha256: Buffer | null;
      }[]
    >(
      `select v.provider_ods_code, v.source_record_id, v.source_record_version, v.event_type, v.event_id,
              v.content_sha256, v.resource_sha256
         from shared_record_versions v
         join unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) as k(p, s, n, t)
           on v.provider_ods_code = k.p and v.source_record_id = k.s and v.source_record_version = k.n
          and v.event_type = k.t`,
      keyColumns(entries),
    );
    for (const r of rows) {
      const key = ledgerKey({
        providerOdsCode: r.provider_ods_code,
        sourceRecordId: r.source_record_id,
        sourceRecordVersion: Number(r.source_record_version),
        eventType: r.event_type,
      });
      found.set(key, {
        key,
        eventId: r.event_id,
        contentSha256: r.content_sha256,
        resourceSha256: r.resource_sha256,
      });
    }
    return found;
  }

  /**
   * Which of these NHS numbers the provider holds records for: it published some record version for the patient.
   * One probe of shared_record_versions_provider_patient per number, stopping at the first row, however many
   * records the provider shared. Only committed versions count (read committed): a request still in flight
   * vouches for nothing until it is published.
   */
  async patientsHeld(
    tx: EntityManager,
    providerOdsCode: string,
    nhsNumbers: readonly string[],
  ): Promise<Set<string>> {
    if (nhsNumbers.length === 0) return new Set();
    // char(10) like the column, so the comparison is the index's own (bpchar) rather than text.
    const rows = await tx.query<{ nhs_number: string }[]>(
      `select n.nhs_number from unnest($2::char(10)[]) as n(nhs_number)
        where exists (select 1 from shared_record_versions v
                       where v.provider_ods_code = $1 and v.nhs_number = n.nhs_number)`,
      [providerOdsCode, [...nhsNumbers]],
    );
    return new Set(rows.map((r) => r.nhs_number));
  }

  /** The highest version of a record this provider shared, with its patient; undefined when never shared. */
  async latest(
    tx: EntityManager,
    providerOdsCode: string,
    sourceRecordId: string,
  ): Promise<LatestSharedVersion | undefined> {
    const rows = await tx.query<{ nhs_number: string; source_record_version: string; event_type: string }[]>(
      `select nhs_number, source_record_version, event_type from shared_record_versions
        where provider_ods_code = $1 and source_record_id = $2
          and source_record_version = (select max(source_record_version) from shared_record_versions
                                        where provider_ods_code = $1 and source_record_id = $2)`,
      [providerOdsCode, sourceRecordId],
    );
    if (rows.length === 0) return undefined;
    return {
      nhsNumber: rows[0].nhs_number,
      version: Number(rows[0].source_record_version),
      eventTypes: rows.map((r) => r.event_type).sort(),
    };
  }

  /**
   * The current version of each of these records the provider shared (absent: never shared). One probe of the primary
   * key per record.
   */
  async currentVersions(
    tx: EntityManager,
    providerOdsCode: string,
    sourceRecordIds: readonly string[],
  ): Promise<Map<string, CurrentVersion>> {
    const found = new Map<string, CurrentVersion>();
    if (sourceRecordIds.length === 0) return found;
    const rows = await tx.query<
      {
        source_record_id: string;
        source_record_version: string;
        event_type: string;
        nhs_number: string;
        resource_sha256: Buffer | null;
      }[]
    >(
      `select v.source_record_id, v.source_record_version, v.event_type, v.nhs_number, v.resource_sha256
         from unnest($2::text[]) as r(id)
         cross join lateral (
           select max(source_record_version) as version from shared_record_versions
            where provider_ods_code = $1 and source_record_id = r.id) as m
         join shared_record_versions v
           on v.provider_ods_code = $1 and v.source_record_id = r.id and v.source_record_version = m.version`,
      [providerOdsCode, [...new Set(sourceRecordIds)]],
    );
    for (const r of rows) {
      const removed = r.event_type === 'RecordRemoved' || found.get(r.source_record_id)?.removed === true;
      found.set(r.source_record_id, {
        version: Number(r.source_record_version),
        nhsNumber: r.nhs_number.trim(),
        resourceSha256: r.resource_sha256 ?? found.get(r.source_record_id)?.resourceSha256 ?? null,
        removed,
      });
    }
    return found;
  }

  /**
   * Serialises writers of these records until the transaction ends: a version-aware write (If-Match, or a version
   * Crosscare assigns) reads the current version and claims the next under it, so two concurrent writers cannot both
   * build on the same version. Locks are taken in one order, so two requests never wait on each other.
   */
  async lockRecords(
    tx: EntityManager,
    providerOdsCode: string,
    sourceRecordIds: readonly string[],
  ): Promise<void> {
    if (sourceRecordIds.length === 0) return;
    await tx.query(
      `select count(pg_advisory_xact_lock(k))
         from (select distinct hashtextextended($1 || ' ' || r.id, 0) as k from unnest($2::text[]) as r(id)
                order by k) as keys`,
      [providerOdsCode, [...sourceRecordIds]],
    );
  }
}

/** The identity columns of entries, one array per column, for `unnest($1::text[], $2::text[], $3::bigint[], $4::text[])`. */
function keyColumns(entries: readonly LedgerEntry[]): [string[], string[], string[], string[]] {
  return [
    entries.map((e) => e.providerOdsCode),
    entries.map((e) => e.sourceRecordId),
    entries.map((e) => String(e.sourceRecordVersion)),
    entries.map((e) => e.eventType),
  ];
}
