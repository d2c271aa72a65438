import { ConsumerLagMetrics, deadLetterCounter, HttpMetrics, serviceLabels } from '@crosscare/metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The publisher's Prometheus metrics, on a registry of its own (tests run several publishers in one process). */
export class SdeMetrics {
  readonly registry = new Registry();
  readonly events = new Counter({
    name: 'crosscare_sde_events_total',
    help: 'Source messages the SDE publisher processed, by topic and outcome',
    labelNames: ['topic', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly rows = new Counter({
    name: 'crosscare_sde_rows_total',
    help: "Rows queued for a project's topic, withheld for an opt-out, tombstoned or republished, by project",
    labelNames: ['project', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly published = new Counter({
    name: 'crosscare_sde_messages_published_total',
    help: 'Messages the outbox relay published to SDE topics (rows, tombstones, notices)',
    registers: [this.registry],
  });
  readonly outboxPending = new Gauge({
    name: 'crosscare_sde_outbox_pending',
    help: 'Messages the relay found waiting in its last round (a full round means more wait)',
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'crosscare_sde_batch_seconds',
    help: 'Time to process one source batch, database commit included',
    labelNames: ['topic'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly lag = new ConsumerLagMetrics(this.registry);
  readonly deadLetters = deadLetterCounter(this.registry);
  readonly http = new HttpMetrics(this.registry);

  constructor(labels: { instance: string }) {
    this.registry.setDefaultLabels(serviceLabels('sde-publisher', labels));
  }
}
