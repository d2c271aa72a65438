import { ConsumerLagMetrics, deadLetterCounter, HttpMetrics, serviceLabels } from '@crosscare/metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A subscription's channel, as the deliveries are labelled. */
export type DeliveryChannel = 'rest-hook' | 'websocket';

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
    help: 'Notifications sent to subscribers, by channel (rest-hook, websocket), kind (handshake, heartbeat, event-notification) and outcome (delivered, failed)',
    labelNames: ['channel', 'kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'crosscare_subscriptions_retries_total',
    help: 'Delivery attempts made after a failed one to the same subscription, by channel',
    labelNames: ['channel'] as const,
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

  readonly lag = new ConsumerLagMetrics(this.registry);
  readonly deadLetters = deadLetterCounter(this.registry);
  readonly http = new HttpMetrics(this.registry);

  readonly byStatus: Gauge<'status'>;

  /**
   * `countByStatus` counts the subscriptions by status at each scrape (one grouped count over a table of thousands).
   * A store that does not answer leaves that gauge empty rather than failing the scrape, and `warn` hears of it once
   * until it answers again.
   */
  constructor(
    labels: { instance: string },
    countByStatus: () => Promise<Record<string, number>> = () => Promise.resolve({}),
    warn: (message: string) => void = () => {},
  ) {
    this.registry.setDefaultLabels(serviceLabels('subscriptions', labels));
    let failing = false;
    this.byStatus = new Gauge({
      name: 'crosscare_subscriptions_by_status',
      help: 'Subscriptions in each status (requested, active, error, off), counted at each scrape',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const [status, n] of Object.entries(await countByStatus())) this.set({ status }, n);
          failing = false;
        } catch (error) {
          if (!failing) warn(`subscriptions not counted by status: ${String(error)}`);
          failing = true;
        }
      },
    });
  }
}
