import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The service's Prometheus metrics, on a registry of its own (tests run several instances in one process). */
export class SubscriptionsMetrics {
  readonly registry = new Registry();
  readonly recordChanges = new Counter({
    name: 'crosscare_subscriptions_record_changes_total',
    help: 'Record changes the subscription service consumed or dead-lettered',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly eventsNumbered = new Counter({
    name: 'crosscare_subscriptions_events_numbered_total',
    help: 'Subscription events numbered: one per subscription a record change notifies',
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'crosscare_subscriptions_deliveries_total',
    help: 'Notifications sent to subscribers, by kind (handshake, heartbeat, event-notification) and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly eventsDelivered = new Counter({
    name: 'crosscare_subscriptions_events_delivered_total',
    help: 'Subscription events acknowledged by subscribers',
    registers: [this.registry],
  });
  readonly subscriptions = new Gauge({
    name: 'crosscare_subscriptions_matchable',
    help: 'Subscriptions the consumer matches record changes against (not off)',
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'crosscare_subscriptions_batch_seconds',
    help: 'Time to match and number one source batch, database commit included',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly deliverySeconds = new Histogram({
    name: 'crosscare_subscriptions_delivery_seconds',
    help: "Time for a subscriber's endpoint to answer one notification",
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(labels: { instance: string }) {
    this.registry.setDefaultLabels(labels);
  }
}
