import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The projector's Prometheus metrics, named once here. Lag is what an autoscaler acts on: it is measured from the
 * read model's own positions, the ones that count, not from Kafka's committed offsets.
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

  readonly lag = new Gauge({
    name: 'crosscare_projector_consumer_lag',
    help: "Messages in a partition not yet in the read model: the partition's end offset minus the read model's position.",
    labelNames: ['group', 'topic', 'partition'] as const,
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

  constructor(labels: Record<string, string>) {
    this.registry.setDefaultLabels(labels);
  }
}
