import { DEAD_LETTER_HEADERS } from '../consumer/dead-letter-publisher';

/** A dead letter as read back from the dead-letter topic. */
export interface StoredDeadLetter {
  /** Where it sits on the dead-letter topic: `<partition>:<offset>`, the id the CLI takes. */
  readonly id: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

export interface DeadLetterSummary {
  readonly id: string;
  readonly failedAt: string;
  readonly source: string;
  readonly eventType: string;
  readonly reason: string;
}

export function summarise(letter: StoredDeadLetter): DeadLetterSummary {
  const h = letter.headers;
  return {
    id: letter.id,
    failedAt: h[DEAD_LETTER_HEADERS.failedAt] ?? '?',
    source: `${h[DEAD_LETTER_HEADERS.sourceTopic] ?? '?'}[${h[DEAD_LETTER_HEADERS.sourcePartition] ?? '?'}]@${h[DEAD_LETTER_HEADERS.sourceOffset] ?? '?'}`,
    eventType: h[DEAD_LETTER_HEADERS.eventType] ?? '-',
    reason: h[DEAD_LETTER_HEADERS.reason] ?? '(no reason recorded)',
  };
}

/** A fixed-width table, the reason last so that it may run long. */
export function formatTable(summaries: readonly DeadLetterSummary[]): string {
  if (summaries.length === 0) return 'no dead letters';
  const rows = [
    ['ID', 'FAILED AT', 'SOURCE', 'EVENT TYPE', 'REASON'],
    ...summaries.map((s) => [s.id, s.failedAt, s.source, s.eventType, s.reason]),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]) : cell)).join('  ')).join('\n');
}

/** `<partition>:<offset>` → its parts, or undefined when it is not one. */
export function parseDeadLetterId(id: string): { partition: number; offset: string } | undefined {
  const match = /^(\d{1,5}):(\d{1,19})$/.exec(id);
  return match ? { partition: Number(match[1]), offset: match[2] } : undefined;
}

/**
 * Dead letters to replay: the ones named, or all of them; a replay of one already replayed is allowed (the read
 * model resolves duplicates by version) but each id is replayed at most once per command.
 */
export function selectForReplay(
  letters: readonly StoredDeadLetter[],
  ids: readonly string[],
  all: boolean,
): { selected: StoredDeadLetter[]; unknown: string[] } {
  if (all) return { selected: [...letters], unknown: [] };
  const byId = new Map(letters.map((l) => [l.id, l]));
  const unique = [...new Set(ids)];
  return {
    selected: unique.flatMap((id) => (byId.has(id) ? [byId.get(id) as StoredDeadLetter] : [])),
    unknown: unique.filter((id) => !byId.has(id)),
  };
}
