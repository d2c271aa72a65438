/**
 * What an SDE team sees on a project's compacted topic, as a store bootstrapping from offset 0 would see it: each
 * key's last value, a tombstone (null) where a row was removed. Pure, for sde:demo and its test.
 */

export interface TopicEntry {
  readonly key: string;
  readonly value: Buffer | null;
}

/** Each key's last value, in the order the keys first appeared. */
export function latestByKey(entries: readonly TopicEntry[]): Map<string, Buffer | null> {
  const latest = new Map<string, Buffer | null>();
  for (const { key, value } of entries) latest.set(key, value);
  return latest;
}

/** The pseudonym a row key starts with (`<pseudonym>.<row id>`, projectRowKey). */
export function pseudonymOfRowKey(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
}

/** A pseudonym's rows: those that stand, and those whose last message is a tombstone. */
export function rowsOf(
  latest: ReadonlyMap<string, Buffer | null>,
  pseudonym: string,
): { readonly live: number; readonly tombstoned: number } {
  let live = 0;
  let tombstoned = 0;
  for (const [key, value] of latest) {
    if (pseudonymOfRowKey(key) !== pseudonym) continue;
    if (value === null) tombstoned++;
    else live++;
  }
  return { live, tombstoned };
}

/** How many rows stand on the topic, in all. */
export function liveRows(latest: ReadonlyMap<string, Buffer | null>): number {
  return [...latest.values()].filter((v) => v !== null).length;
}

interface Code {
  readonly system: string;
  readonly code: string;
}

const isCode = (value: unknown): value is Code =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Code).system === 'string' &&
  typeof (value as Code).code === 'string';

/**
 * A row's first code, as `system|code`, from the approved fields of its event kind (the one field the row sets
 * beside its identity and context), or undefined when the kind carries none (a registration, a death).
 */
export function firstCode(row: Readonly<Record<string, unknown>>): string | undefined {
  for (const value of Object.values(row)) {
    if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) continue;
    for (const field of Object.values(value as Record<string, unknown>)) {
      const candidates = Array.isArray(field) ? field : [field];
      const code = candidates.find(isCode);
      if (code) return `${code.system}|${code.code}`;
    }
  }
  return undefined;
}
