import { ConsumerLagMetrics, deadLetterCounter, HttpMetrics, serviceLabels } from '@crosscare/metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The projector's Prometheus metrics, named once here. Lag (crosscare_consumer_lag, libs/metrics) is what an
 * autoscaler acts on: it is measured from the read model's own positions, the ones that count, not from Kafka's
 * committed offsets.
 */
export class ProjectorMetrics {
  readonly registry = new Registry();

  readonly events = new Counter({
    name: 'crosscare_projector_events_total',
    help: 'Messages consumed, by topic and outcome (projected, already_applied, dead_lettered).',
    labelNames: ['topic', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly batchSeconds = new Histogram({
    name: 'crosscare_projector_batch_seconds',
    help: 'Time to project one partition batch: decode, database transaction, commit.',
    labelNames: ['topic'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly highWatermark = new Gauge({
    name: 'crosscare_projector_high_watermark',
    help: 'End offset of a partition as last seen in a fetch by this instance.',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });

  readonly changelogGaps = new Counter({
    name: 'crosscare_projector_remote_changelog_gaps_total',
    help: "Records of the other collaborative's changelog whose sequence skipped numbers after one already held.",
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly changelogPublished = new Counter({
    name: 'crosscare_projector_changelog_published_total',
    help: 'Patient records the outbox relay published to the changelog topic.',
    registers: [this.registry],
  });

  readonly outboxPending = new Gauge({
    name: 'crosscare_projector_outbox_pending',
    help: 'Changelog records committed to the outbox and not yet published, as last seen by the relay.',
    registers: [this.registry],
  });

  readonly lag: ConsumerLagMetrics;
  readonly deadLetters: Counter<'topic'>;
  readonly http: HttpMetrics;

  /** `labels`: the collaborative (ccr/ohc) and instance, beside `service="projector"` on every series. */
  constructor(labels: Record<string, string>) {
    this.registry.setDefaultLabels(serviceLabels('projector', labels));
    this.lag = new ConsumerLagMetrics(this.registry);
    this.deadLetters = deadLetterCounter(this.registry);
    this.http = new HttpMetrics(this.registry);
  }
}
