/** What decides which of two writes to one item is kept: the fields `supersedes` compares, in its order. */
export interface VersionStamp {
  readonly sourceRecordVersion: number;
  readonly removed: boolean;
  readonly eventId: string;
}

/**
 * Whether a candidate write replaces the stored one at the same item key. A total order, so the item ends the same
 * whatever order its events arrive in, and replaying a topic over a read model changes nothing:
 * 1. the higher sourceRecordVersion wins (sources version their records monotonically);
 * 2. on the same version a removal beats a non-removal (a source that deletes a record does not always bump its
 *    version, and a late copy of the record must not bring it back);
 * 3. on a full tie the greater eventId wins, compared by UTF-16 code unit (byte order for the ASCII of a UUID).
 *    Redeliveries of one event tie completely and change nothing, since neither supersedes the other.
 *
 * The read model's upsert applies the same rule in SQL: see `supersedesSql`.
 */
export function supersedes(candidate: VersionStamp, stored: VersionStamp): boolean {
  if (candidate.sourceRecordVersion !== stored.sourceRecordVersion)
    return candidate.sourceRecordVersion > stored.sourceRecordVersion;
  if (candidate.removed !== stored.removed) return candidate.removed;
  return candidate.eventId > stored.eventId;
}

/**
 * The `supersedes` rule as a Postgres condition over two row references, for the WHERE of an upsert's DO UPDATE
 * (`supersedesSql('excluded', 'item')`). Columns source_record_version (bigint), removed (boolean) and event_id
 * (text) must be NOT NULL, since a row comparison with a null is null. A row comparison orders like rules 1 to 3:
 * false sorts before true, and COLLATE "C" compares bytes, as `supersedes` compares code units, whatever the
 * database's default collation.
 */
export function supersedesSql(candidate: string, stored: string): string {
  const stamp = (row: string) =>
    `(${row}.source_record_version, ${row}.removed, ${row}.event_id COLLATE "C")`;
  return `${stamp(candidate)} > ${stamp(stored)}`;
}
