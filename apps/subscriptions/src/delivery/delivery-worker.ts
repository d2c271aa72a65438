import { errorMessage } from '@crosscare/errors';
import { distinctCorrelationIds, withCorrelation } from '@crosscare/logging';
import {
  afterFailure,
  notificationBundle,
  topicByCode,
  type DeliveryPolicy,
} from '@crosscare/fhir-subscriptions';
import type { HeaderSecrets } from '../access/header-secrets';
import type { DeliveryStore } from '../store/delivery-store';
import type { SubscriptionRow, SubscriptionStore } from '../store/subscription-store';
import type { SubscriptionsMetrics } from '../subscriptions-metrics';
import type { NotificationContent } from './notification-content';
import { postNotification, type PostOutcome } from './rest-hook';
import type { WebsocketChannel } from './websocket-channel';

export interface DeliveryWorkerOptions {
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly policy: DeliveryPolicy;
  readonly baseUrl: string;
  /** Development only: endpoints on this host or a private network (a local receiver). */
  readonly allowLocalEndpoints: boolean;
  readonly log: {
    warn(message: string): void;
    error(message: string): void;
    log?(message: string, fields?: Record<string, unknown>): void;
  };
  readonly clock?: () => number;
}

/**
 * Sends what each rest-hook subscription is owed, in event-number order: its handshake while it is `requested`, then
 * its numbered events in Bundles of at most its max-count, and a heartbeat when it has been quiet for its heartbeat
 * period. At least once: an event is marked delivered only after the endpoint's 2xx, so a crash between the two
 * sends it again, with the same event number, which the subscriber uses to drop the copy.
 *
 * Subscriptions are leased from Postgres, so every instance shares the work and a slow or failing endpoint holds
 * only its own subscription: each failure moves it back by the retry rules (exponential, jittered), and enough of
 * them move it to `error`, retried rarely, while every other subscription is served.
 */
export class DeliveryWorker {
  private running = false;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly clock: () => number;

  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly subscriptions: SubscriptionStore,
    private readonly db: import('typeorm').DataSource,
    private readonly secrets: HeaderSecrets,
    private readonly content: NotificationContent,
    private readonly websockets: WebsocketChannel,
    private readonly metrics: SubscriptionsMetrics,
    private readonly options: DeliveryWorkerOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Something new to send: look now rather than at the next poll. */
  notify(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed: SubscriptionRow[] = [];
      try {
        // A lease outlives the longest a delivery can take (the POST's timeout, and reading events from Kafka).
        claimed = await this.deliveries.claimDue(
          new Date(this.clock()),
          this.options.concurrency - this.inFlight,
          this.options.timeoutMs + 60_000,
          this.websockets.boundIds,
        );
      } catch (error) {
        this.options.log.warn(`could not look for due deliveries: ${errorMessage(error)}`);
      }
      for (const row of claimed) {
        this.inFlight += 1;
        void this.deliver(row)
          .catch((error: unknown) =>
            this.options.log.error(`delivery for subscription ${row.id} failed: ${errorMessage(error)}`),
          )
          .finally(() => {
            this.inFlight -= 1;
            this.wake?.();
          });
      }
      if (claimed.length === 0 || this.inFlight >= this.options.concurrency) await this.pause();
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private async deliver(row: SubscriptionRow): Promise<void> {
    const now = () => new Date(this.clock());
    const topic = topicByCode(row.topic);
    if (!topic || (row.channelType === 'rest-hook' && row.endpoint === null)) return;
    const headers = row.sealedHeaders ? this.secrets.open(row.id, row.sealedHeaders) : [];
    const status = row.status === 'requested' ? 'requested' : 'active';
    const subscription = {
      id: row.id,
      topicUrl: topic.url,
      status,
      eventsSinceSubscriptionStart: row.eventsSinceStart,
    } as const;

    // A websocket subscription's handshake goes over the socket when a client binds (which makes it active).
    if (row.status === 'requested' && row.channelType === 'rest-hook') {
      const bundle = notificationBundle({
        type: 'handshake',
        subscription,
        baseUrl: this.options.baseUrl,
        payload: row.payload,
        events: [],
        now: now().toISOString(),
      });
      const outcome = await this.post(row, headers, bundle, 'handshake');
      await this.record(row, outcome, row.deliveredThrough);
      return;
    }

    if (row.eventsSinceStart > row.deliveredThrough) {
      const from = row.deliveredThrough + 1;
      const to = Math.min(row.eventsSinceStart, row.deliveredThrough + row.maxCount);
      const events = await this.subscriptions.events(this.db, row.id, from, to);
      if (events.length === 0) {
        // Numbered, then pruned past the retention before it could be sent: the subscriber sees the gap.
        await this.deliveries.skipTo(row, to);
        return;
      }
      const notificationEvents = await this.content.events(events, row.payload);
      const bundle = notificationBundle({
        type: 'event-notification',
        subscription,
        baseUrl: this.options.baseUrl,
        payload: row.payload,
        events: notificationEvents,
        now: now().toISOString(),
      });
      // The notification goes with the first event's request's correlation id (X-Correlation-Id), and the line below
      // names every one it carries: one request can be followed to the subscriber.
      const correlationIds = distinctCorrelationIds(events.map((e) => e.correlationId));
      const outcome = await withCorrelation(correlationIds[0], () =>
        this.post(row, headers, bundle, 'event-notification', correlationIds[0]),
      );
      this.options.log.log?.('event notification sent', {
        subscription: row.id,
        channel: row.channelType,
        events: events.length,
        firstEventNumber: events[0].eventNumber,
        delivered: outcome.ok,
        correlationId: correlationIds[0],
        correlationIds,
      });
      if (outcome.ok) this.metrics.eventsDelivered.inc(events.length);
      await this.record(row, outcome, events[events.length - 1].eventNumber);
      return;
    }

    const bundle = notificationBundle({
      type: 'heartbeat',
      subscription,
      baseUrl: this.options.baseUrl,
      payload: row.payload,
      events: [],
      now: now().toISOString(),
    });
    await this.record(row, await this.post(row, headers, bundle, 'heartbeat'), row.deliveredThrough);
  }

  private async post(
    row: SubscriptionRow,
    headers: readonly string[],
    bundle: object,
    kind: string,
    correlationId?: string,
  ): Promise<PostOutcome> {
    const timeoutMs = Math.min(this.options.timeoutMs, (row.timeoutSeconds ?? Infinity) * 1000);
    const started = process.hrtime.bigint();
    const body = JSON.stringify(bundle);
    const outcome =
      row.channelType === 'websocket'
        ? await this.websockets.send(row.id, body)
        : await postNotification(row.endpoint!, headers, body, timeoutMs, {
            allowLocalEndpoints: this.options.allowLocalEndpoints,
            correlationId,
          });
    this.metrics.deliverySeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    const channel = row.channelType;
    this.metrics.deliveries.inc({ channel, kind, outcome: outcome.ok ? 'delivered' : 'failed' });
    // The subscription's last attempt failed: this one is a retry, whatever it sends now.
    if (row.consecutiveFailures > 0) this.metrics.retries.inc({ channel });
    return outcome;
  }

  private async record(row: SubscriptionRow, outcome: PostOutcome, deliveredThrough: number): Promise<void> {
    const now = new Date(this.clock());
    if (outcome.ok) {
      await this.deliveries.succeeded(row, deliveredThrough, now);
      return;
    }
    const next = afterFailure(
      { status: row.status === 'error' ? 'error' : 'active', consecutiveFailures: row.consecutiveFailures },
      now.getTime(),
      this.options.policy,
    );
    // A subscription not yet handshaken stays `requested` until it fails enough to be in error.
    const status = next.status === 'error' ? 'error' : row.status === 'requested' ? 'requested' : 'active';
    if (status === 'error' && row.status !== 'error')
      this.options.log.warn(
        `subscription ${row.id} is now in error after ${next.consecutiveFailures} failed deliveries: ${outcome.reason}`,
      );
    await this.deliveries.failed(row, {
      status,
      consecutiveFailures: next.consecutiveFailures,
      nextAttemptAt: new Date(next.nextAttemptAt),
      error: outcome.reason,
    });
  }
}
