import { randomBytes } from 'node:crypto';

/**
 * A topic, group or schema name no other test (or earlier run against the same broker) uses, readable enough to
 * find in broker logs: test.<kind>.<current test>.<random>. Valid as a Kafka topic name (≤ 249 of [a-zA-Z0-9._-]).
 */
export function uniqueName(kind: string, testName = currentTestName()): string {
  const slug = (s: string, max: number) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, max);
  const parts = ['test', slug(kind, 30), slug(testName, 60), randomBytes(4).toString('hex')];
  return parts.filter((p) => p.length > 0).join('.');
}

/** A name usable as a Postgres schema or table: letters, digits and underscores, ≤ 63 bytes. */
export function uniqueIdentifier(kind: string): string {
  return `${kind}_${randomBytes(6).toString('hex')}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 63);
}

function currentTestName(): string {
  const state = (
    globalThis as { expect?: { getState?: () => { currentTestName?: string } } }
  ).expect?.getState?.();
  return state?.currentTestName ?? '';
}
