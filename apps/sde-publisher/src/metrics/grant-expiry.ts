import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** A subscriber grant's expiry as the register holds it. */
export interface GrantExpiry {
  readonly subscriber: string;
  /** What it grants: a collaborative's changelog, or an SDE project's streams. */
  readonly kind: 'changelog' | 'sde-project';
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/**
 * The unrevoked grants that expire (`npm run subscribers -- grant ... --expires`), from the register's table. The
 * publisher's role may SELECT that schema and nothing else of it (libs/local-stack/src/database-roles.ts).
 */
export async function grantExpiries(db: DataSource, grantsSchema: string): Promise<GrantExpiry[]> {
  const rows = await db.query<{ name: string; sde_project: string | null; expires_at: number }[]>(
    `select name, sde_project, extract(epoch from expires_at)::float8 as expires_at
       from "${grantsSchema}".subscriber_grants where revoked_at is null and expires_at is not null`,
  );
  return rows.map((r) => ({
    subscriber: r.name,
    kind: r.sde_project === null ? 'changelog' : 'sde-project',
    expiresAt: Number(r.expires_at),
  }));
}

/**
 * `crosscare_subscriber_grant_expiry_timestamp_seconds{subscriber, kind}`, read at each scrape (tens of rows), so a
 * grant renewed, revoked or expired shows at once. A register that cannot be read (not yet created, the database
 * away) leaves the gauge empty and says why once, until it can be read again; it never fails the scrape.
 */
export function registerGrantExpiry(
  registry: Registry,
  read: () => Promise<readonly GrantExpiry[]>,
  warn: (message: string) => void,
): Gauge<'subscriber' | 'kind'> {
  let failing = false;
  return new Gauge({
    name: 'crosscare_subscriber_grant_expiry_timestamp_seconds',
    help: 'When an unrevoked subscriber grant expires (Unix seconds), by subscriber and kind (changelog, sde-project); grants without an expiry are left out',
    labelNames: ['subscriber', 'kind'] as const,
    registers: [registry],
    async collect() {
      let grants: readonly GrantExpiry[];
      try {
        grants = await read();
        failing = false;
      } catch (error) {
        if (!failing) warn(`subscriber grants not read for their expiry: ${String(error)}`);
        failing = true;
        this.reset();
        return;
      }
      this.reset();
      for (const g of grants) this.set({ subscriber: g.subscriber, kind: g.kind }, g.expiresAt);
    },
  });
}
