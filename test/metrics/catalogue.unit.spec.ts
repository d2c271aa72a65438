import {
  METRIC_CATALOGUE,
  metricsOf,
  registerCertificateExpiry,
  registerProcessMetrics,
  type CrosscareService,
} from '@crosscare/metrics';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { IngestMetrics } from '../../apps/ingest/src/ingest-metrics';
import { registerRelayMetrics } from '../../apps/ingest/src/relay/relay-metrics';
import type { IngestOutbox } from '../../apps/ingest/src/storage/ingest-outbox';
import { ProjectorMetrics } from '../../apps/projector/src/metrics/projector-metrics';
import { RecordApiMetrics } from '../../apps/record-api/src/record-api-metrics';
import { RegistryMetrics } from '../../apps/schema-registry/src/registry-metrics';
import { registerGrantExpiry } from '../../apps/sde-publisher/src/metrics/grant-expiry';
import { SdeMetrics } from '../../apps/sde-publisher/src/metrics/sde-metrics';
import { SubscriptionsMetrics } from '../../apps/subscriptions/src/subscriptions-metrics';

/**
 * Each service's registry, built as its *-services.ts builds it (the collaborators that read a database stubbed), so
 * that the catalogue the alert rules and dashboard are checked against is what the services really export.
 */
const REGISTRIES: Record<CrosscareService, () => Registry> = {
  ingest: () => {
    const metrics = new IngestMetrics();
    registerCertificateExpiry(metrics.registry, { 'kafka-ca': undefined });
    const outbox = {
      backlog: () => Promise.resolve({ pending: 0, oldestSeconds: 0 }),
    } as unknown as IngestOutbox;
    registerRelayMetrics(metrics.registry, {} as DataSource, outbox, { isLeader: false });
    return metrics.registry;
  },
  'record-api': () => {
    const metrics = new RecordApiMetrics();
    registerCertificateExpiry(metrics.registry, {});
    return metrics.registry;
  },
  'schema-registry': () => new RegistryMetrics(() => Promise.resolve(3)).registry,
  projector: () => {
    const metrics = new ProjectorMetrics({ collaborative: 'CCR', instance: 'a' });
    registerCertificateExpiry(metrics.registry, {});
    return metrics.registry;
  },
  'sde-publisher': () => {
    const metrics = new SdeMetrics({ instance: 'a' });
    registerCertificateExpiry(metrics.registry, {});
    registerGrantExpiry(
      metrics.registry,
      () => Promise.resolve([]),
      () => {},
    );
    return metrics.registry;
  },
  subscriptions: () => {
    const metrics = new SubscriptionsMetrics({ instance: 'a' });
    registerCertificateExpiry(metrics.registry, {});
    return metrics.registry;
  },
};

interface Exported {
  readonly name: string;
  readonly type: string;
  readonly labels: readonly string[];
}

async function exported(registry: Registry): Promise<Exported[]> {
  return Promise.all(
    registry
      .getMetricsAsArray()
      .filter((m) => m.name.startsWith('crosscare_'))
      .map(async (m) => {
        // prom-client's metric objects, whose typings leave out what every one of them has.
        const metric = m as unknown as { get(): Promise<{ type: string }>; labelNames?: readonly string[] };
        return { name: m.name, type: (await metric.get()).type, labels: [...(metric.labelNames ?? [])] };
      }),
  );
}

describe('METRIC_CATALOGUE', () => {
  it.each(Object.keys(REGISTRIES) as CrosscareService[])(
    "lists exactly what the %s registry exports, with each metric's type and labels",
    async (service) => {
      const actual = await exported(REGISTRIES[service]());
      const expected = metricsOf(service).map((m) => ({ name: m.name, type: m.type, labels: [...m.labels] }));
      const byName = (a: Exported, b: Exported) => a.name.localeCompare(b.name);
      expect([...actual].sort(byName)).toEqual([...expected].sort(byName));
    },
  );

  it('names each metric once, in the convention: crosscare_, counters in _total, durations in _seconds', () => {
    const names = METRIC_CATALOGUE.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of METRIC_CATALOGUE) {
      expect(m.name).toMatch(/^crosscare_[a-z0-9_]+$/);
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      else expect(m.name).not.toMatch(/_total$/);
      if (/_seconds$/.test(m.name) && !/timestamp_seconds$|oldest_seconds$/.test(m.name))
        expect(m.type).toBe('histogram');
      expect(m.help).not.toBe('');
      expect(m.services.length).toBeGreaterThan(0);
    }
  });

  it('labels by nothing that names a provider, patient, subscription or URL', () => {
    const forbidden = /ods|nhs|patient|subscription_id|^id$|url|path|user|organisation/;
    for (const m of METRIC_CATALOGUE) for (const label of m.labels) expect(label).not.toMatch(forbidden);
  });

  it("puts the service's name on every series, the process metrics' included", async () => {
    for (const [service, build] of Object.entries(REGISTRIES)) {
      const registry = registerProcessMetrics(build());
      expect(await registry.metrics()).toMatch(
        new RegExp(`^process_resident_memory_bytes\\{[^}]*service="${service}"`, 'm'),
      );
    }
  });
});
