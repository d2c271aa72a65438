import {
  eventsRange,
  notificationBundle,
  parseEventsQuery,
  parseSubscription,
  renderSubscription,
  statusBundle,
  topicByCode,
  topicByUrl,
  type StoredSubscription,
  type SubscriptionRequest,
} from '@crosscare/fhir-subscriptions';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { BindingTokens } from './access/binding-tokens';
import type { HeaderSecrets } from './access/header-secrets';
import type { Subscriber, SubscriberAccess } from './access/subscriber-access';
import type { NotificationContent } from './delivery/notification-content';
import type { SubscriptionChoice, SubscriptionRow, SubscriptionStore } from './store/subscription-store';
import { subscriptionNotFound, SubscriptionsError } from './subscriptions-error';

export interface SubscriptionRequestsOptions {
  readonly baseUrl: string;
  /** Development only: http endpoints, and endpoints on this host or a private network (a local receiver). */
  readonly allowLocalEndpoints: boolean;
  readonly clock?: () => number;
  /** Told of every change, so that matching and delivery see it at once in this instance. */
  readonly onChange?: () => void;
}

/**
 * What a subscriber may ask of its subscriptions, after authentication: create, read, search, update, delete,
 * $status and $events. A subscription is its organisation's: another organisation's looks as if it did not exist.
 */
export class SubscriptionRequests {
  private readonly clock: () => number;

  constructor(
    private readonly db: DataSource,
    private readonly store: SubscriptionStore,
    private readonly access: SubscriberAccess,
    private readonly secrets: HeaderSecrets,
    private readonly content: NotificationContent,
    private readonly bindings: BindingTokens,
    private readonly options: SubscriptionRequestsOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  async create(subscriber: Subscriber, resource: unknown): Promise<object> {
    const request = await this.accepted(subscriber, resource);
    const id = randomUUID();
    const now = new Date(this.clock());
    await this.db.transaction((tx) =>
      this.store.insert(tx, {
        id,
        ownerOdsCode: subscriber.organisationOdsCode,
        createdBy: subscriber.userId,
        now,
        ...this.choice(id, subscriber, request),
      }),
    );
    this.options.onChange?.();
    return this.render((await this.store.get(this.db, id))!);
  }

  async read(subscriber: Subscriber, id: string): Promise<object> {
    return this.render(await this.owned(subscriber, id));
  }

  /** The organisation's subscriptions, as a searchset Bundle. */
  async search(subscriber: Subscriber): Promise<object> {
    const rows = await this.store.ownedBy(this.db, subscriber.organisationOdsCode);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: rows.length,
      entry: rows.map((row) => ({
        fullUrl: `${this.options.baseUrl}/Subscription/${row.id}`,
        resource: this.render(row),
        search: { mode: 'match' },
      })),
    };
  }

  async update(subscriber: Subscriber, id: string, resource: unknown): Promise<object> {
    if (typeof resource === 'object' && resource !== null && 'id' in resource && resource.id !== id)
      throw new SubscriptionsError(
        400,
        'invalid',
        'Subscription.id',
        `the resource's id (${String(resource.id)}) is not the one in the URL (${id})`,
      );
    await this.owned(subscriber, id);
    const request = await this.accepted(subscriber, resource);
    await this.db.transaction(async (tx) => {
      const row = await this.store.get(tx, id, { lock: true });
      if (!row || row.ownerOdsCode !== subscriber.organisationOdsCode) throw subscriptionNotFound(id);
      await this.store.update(tx, id, this.choice(id, subscriber, request), new Date(this.clock()));
    });
    this.options.onChange?.();
    return this.render((await this.store.get(this.db, id))!);
  }

  async delete(subscriber: Subscriber, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await this.store.get(tx, id, { lock: true });
      if (!row || row.ownerOdsCode !== subscriber.organisationOdsCode) throw subscriptionNotFound(id);
      await this.store.delete(tx, id);
    });
    this.options.onChange?.();
  }

  /** $status: where the subscription stands, as the backport's query-status Bundle. */
  async status(subscriber: Subscriber, id: string): Promise<object> {
    const row = await this.owned(subscriber, id);
    return statusBundle({
      baseUrl: this.options.baseUrl,
      now: new Date(this.clock()).toISOString(),
      statuses: [this.statusOf(row)],
    });
  }

  /**
   * $events: numbered events the subscriber may have missed, re-read from the ICS topics. Defaults to the latest
   * events when no range is asked; a range is bounded so that one call cannot ask for a subscription's whole history.
   */
  async events(
    subscriber: Subscriber,
    id: string,
    query: Record<string, string | undefined>,
  ): Promise<object> {
    const row = await this.owned(subscriber, id);
    const parsed = parseEventsQuery(query);
    if (!parsed.ok) throw refusal(parsed.issues);
    const range = eventsRange(parsed.value, row.eventsSinceStart);
    const events = range ? await this.store.events(this.db, id, range.since, range.until) : [];
    const payload = parsed.value.content ?? row.payload;
    return notificationBundle({
      type: 'query-event',
      subscription: this.statusOf(row),
      baseUrl: this.options.baseUrl,
      payload,
      events: await this.content.events(events, payload),
      now: new Date(this.clock()).toISOString(),
    });
  }

  /**
   * $get-ws-binding-token: a short-lived token the subscriber's websocket client binds this subscription with, and
   * where to connect. Only for the organisation's own websocket subscriptions.
   */
  async bindingToken(subscriber: Subscriber, id: string): Promise<object> {
    const row = await this.owned(subscriber, id);
    if (row.channelType !== 'websocket')
      throw new SubscriptionsError(
        400,
        'invalid',
        'Subscription.channel.type',
        `Subscription/${id} is a ${row.channelType} subscription: binding tokens are for websocket ones`,
      );
    const { token, expiresAt } = this.bindings.issue(subscriber.organisationOdsCode, [id]);
    return {
      resourceType: 'Parameters',
      parameter: [
        { name: 'token', valueString: token },
        { name: 'expiration', valueDateTime: new Date(expiresAt).toISOString() },
        { name: 'subscription', valueString: id },
        { name: 'websocket-url', valueUrl: `${this.options.baseUrl.replace(/^http/, 'ws')}/websocket` },
      ],
    };
  }

  private statusOf(row: SubscriptionRow) {
    return {
      id: row.id,
      topicUrl: topicByCode(row.topic)!.url,
      status: row.status,
      eventsSinceSubscriptionStart: row.eventsSinceStart,
      ...(row.error ? { error: row.error } : {}),
    };
  }

  private async owned(subscriber: Subscriber, id: string): Promise<SubscriptionRow> {
    if (!UUID.test(id)) throw subscriptionNotFound(id);
    const row = await this.store.get(this.db, id);
    if (!row || row.ownerOdsCode !== subscriber.organisationOdsCode) throw subscriptionNotFound(id);
    return row;
  }

  private async accepted(subscriber: Subscriber, resource: unknown): Promise<SubscriptionRequest> {
    const parsed = parseSubscription(resource, {
      allowHttpEndpoints: this.options.allowLocalEndpoints,
      allowLocalEndpoints: this.options.allowLocalEndpoints,
      now: this.clock(),
    });
    if (!parsed.ok) throw refusal(parsed.issues);
    await this.access.authorize(subscriber, parsed.value.topic, parsed.value.filter);
    return parsed.value;
  }

  private choice(id: string, subscriber: Subscriber, request: SubscriptionRequest): SubscriptionChoice {
    const rest = request.channel.type === 'rest-hook' ? request.channel : undefined;
    const headers = rest?.headers ?? [];
    return {
      role: subscriber.role.key,
      topic: request.topic.code,
      filter: request.filter,
      channelType: request.channel.type,
      endpoint: rest?.endpoint ?? null,
      headerNames: headers.map((header) => header.slice(0, header.indexOf(':')).trim()),
      sealedHeaders: headers.length > 0 ? this.secrets.seal(id, headers) : null,
      payload: request.payload,
      heartbeatSeconds: request.heartbeatPeriodSeconds ?? null,
      timeoutSeconds: request.timeoutSeconds ?? null,
      maxCount: request.maxCount ?? DEFAULT_MAX_COUNT,
      endAt: request.end ? new Date(request.end) : null,
      reason: request.reason,
      requestedStatus: request.requestedStatus,
    };
  }

  private render(row: SubscriptionRow): object {
    const topic = topicByCode(row.topic) ?? topicByUrl(row.topic)!;
    const stored: StoredSubscription = {
      id: row.id,
      status: row.status,
      ...(row.error ? { error: row.error } : {}),
      versionId: row.versionId,
      lastUpdated: row.lastUpdated.toISOString(),
      ownerOdsCode: row.ownerOdsCode,
      topic,
      filter: row.filter,
      channel:
        row.channelType === 'rest-hook'
          ? {
              type: 'rest-hook',
              endpoint: row.endpoint!,
              headers: row.headerNames.map((name) => `${name}: ***`),
            }
          : { type: 'websocket' },
      payload: row.payload,
      contentType: 'application/fhir+json',
      ...(row.heartbeatSeconds !== null ? { heartbeatPeriodSeconds: row.heartbeatSeconds } : {}),
      ...(row.timeoutSeconds !== null ? { timeoutSeconds: row.timeoutSeconds } : {}),
      maxCount: row.maxCount,
      ...(row.endAt ? { end: row.endAt.toISOString() } : {}),
      reason: row.reason,
    };
    return renderSubscription(stored);
  }
}

/** Events per notification when the subscriber does not say. */
const DEFAULT_MAX_COUNT = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function refusal(
  issues: readonly { code: string; expression: string; diagnostics: string }[],
): SubscriptionsError {
  const [first, ...more] = issues;
  const code = (c: string) => c as SubscriptionsError['code'];
  return new SubscriptionsError(
    first.code === 'not-supported' ? 422 : 400,
    code(first.code),
    first.expression,
    first.diagnostics,
    more.map((i) => ({ code: code(i.code), location: i.expression, message: i.diagnostics })),
  );
}
