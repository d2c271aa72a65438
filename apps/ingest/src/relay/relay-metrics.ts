import { Counter, Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { IngestOutbox } from '../storage/ingest-outbox';

/**
 * The relay's figures on ingest's /metrics: what waits (counted at each scrape, so every instance reports the
 * deployment's one outbox), how long the oldest has waited, what this instance published, and whether it relays.
 */
export function registerRelayMetrics(
  registry: Registry,
  db: DataSource,
  outbox: IngestOutbox,
  relay: { readonly isLeader: boolean },
): { published: Counter } {
  let backlog: Promise<{ pending: number; oldestSeconds: number }> | undefined;
  // One count per scrape for both gauges; a database that does not answer leaves them unreported, not 0.
  const scrape = () =>
    (backlog ??= outbox.backlog(db).finally(() => setTimeout(() => (backlog = undefined), 100)));
  new Gauge({
    name: 'crosscare_ingest_outbox_pending',
    help: 'Accepted events not yet published (the whole deployment)',
    registers: [registry],
    async collect() {
      this.set((await scrape()).pending);
    },
  });
  new Gauge({
    name: 'crosscare_ingest_outbox_oldest_seconds',
    help: 'Age of the oldest accepted event not yet published, 0 when none waits',
    registers: [registry],
    async collect() {
      this.set((await scrape()).oldestSeconds);
    },
  });
  new Gauge({
    name: 'crosscare_ingest_relay_leader',
    help: '1 when this instance is the one publishing accepted events',
    registers: [registry],
    collect() {
      this.set(relay.isLeader ? 1 : 0);
    },
  });
  const published = new Counter({
    name: 'crosscare_ingest_events_published_total',
    help: 'Accepted events this instance published (committed in a relay transaction)',
    registers: [registry],
  });
  return { published };
}
