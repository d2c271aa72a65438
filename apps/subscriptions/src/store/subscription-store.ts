import type { SubscriptionFilter } from '@crosscare/fhir-subscriptions';
import { ConsumedPositions } from '@crosscare/database';
import type { DataSource, EntityManager } from 'typeorm';

export type SubscriptionStatus = 'requested' | 'active' | 'error' | 'off';
export type PayloadContent = 'empty' | 'id-only' | 'full-resource';
export type ChannelType = 'rest-hook' | 'websocket';

/** One subscription as the service keeps it. Channel headers stay sealed until a delivery opens them. */
export interface SubscriptionRow {
  readonly id: string;
  readonly ownerOdsCode: string;
  readonly createdBy: string;
  readonly role: string;
  readonly topic: string;
  readonly filter: SubscriptionFilter;
  readonly channelType: ChannelType;
  readonly endpoint: string | null;
  readonly headerNames: readonly string[];
  readonly sealedHeaders: Buffer | null;
  readonly payload: PayloadContent;
  readonly heartbeatSeconds: number | null;
  readonly timeoutSeconds: number | null;
  readonly maxCount: number;
  readonly endAt: Date | null;
  readonly reason: string;
  readonly status: SubscriptionStatus;
  readonly error: string | null;
  readonly versionId: number;
  readonly createdAt: Date;
  readonly lastUpdated: Date;
  readonly eventsSinceStart: number;
  readonly deliveredThrough: number;
  readonly consecutiveFailures: number;
  readonly nextAttemptAt: Date;
  readonly lastSentAt: Date | null;
}

/** What a subscriber chose: everything but the service's own bookkeeping. */
export type SubscriptionChoice = Pick<
  SubscriptionRow,
  | 'topic'
  | 'filter'
  | 'channelType'
  | 'endpoint'
  | 'headerNames'
  | 'sealedHeaders'
  | 'payload'
  | 'heartbeatSeconds'
  | 'timeoutSeconds'
  | 'maxCount'
  | 'endAt'
  | 'reason'
  | 'role'
> & {
  /** `off` pauses the subscription (nothing is numbered or sent); anything else starts it from its handshake. */
  readonly requestedStatus: 'requested' | 'off';
};

/** One numbered event of a subscription: what $events and delivery read, the content left on Kafka. */
export interface SubscriptionEventRow {
  readonly subscriptionId: string;
  readonly eventNumber: number;
  readonly recordChangeId: string;
  readonly topic: string;
  readonly focusType: string;
  readonly focusId: string;
  readonly nhsNumber: string;
  readonly occurredAt: Date;
  readonly source: SourcePosition;
  /** The provider request behind the record change (its header `crosscare-correlation-id`), when it had one. */
  readonly correlationId?: string;
}

export interface SourcePosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** A record change matched to a subscription, before it is numbered. */
export type EventMatch = Omit<SubscriptionEventRow, 'eventNumber'>;

type Db = DataSource | EntityManager;

/** The SQL of subscriptions and their numbered events. Queries take the connection or transaction to run in. */
export class SubscriptionStore {
  /** The consumed positions, written with the events each batch numbered. */
  readonly positions = new ConsumedPositions();

  async insert(
    tx: EntityManager,
    row: { id: string; ownerOdsCode: string; createdBy: string; now: Date } & SubscriptionChoice,
  ): Promise<void> {
    await tx.query(
      `insert into subscriptions (id, owner_ods_code, created_by, role, topic, filter, channel_type, endpoint,
         header_names, sealed_headers, payload, heartbeat_seconds, timeout_seconds, max_count, end_at, reason,
         status, version_id, created_at, last_updated, next_attempt_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $18, 1, $17, $17, $17)`,
      [
        row.id,
        row.ownerOdsCode,
        row.createdBy,
        row.role,
        row.topic,
        JSON.stringify(row.filter),
        row.channelType,
        row.endpoint,
        row.headerNames,
        row.sealedHeaders,
        row.payload,
        row.heartbeatSeconds,
        row.timeoutSeconds,
        row.maxCount,
        row.endAt,
        row.reason,
        row.now,
        row.requestedStatus,
      ],
    );
    await bumpIndexVersion(tx);
  }

  /**
   * Replaces what the subscriber chose. The subscription starts again from `requested` (a new handshake), or is
   * paused (`off`); the event count carries on, so numbers stay unique for the subscription's life.
   */
  async update(tx: EntityManager, id: string, choice: SubscriptionChoice, now: Date): Promise<void> {
    await tx.query(
      `update subscriptions set role = $2, topic = $3, filter = $4, channel_type = $5, endpoint = $6,
         header_names = $7, sealed_headers = $8, payload = $9, heartbeat_seconds = $10, timeout_seconds = $11,
         max_count = $12, end_at = $13, reason = $14, status = $16, error = null,
         version_id = version_id + 1, last_updated = $15, consecutive_failures = 0, next_attempt_at = $15,
         lease_until = null
       where id = $1`,
      [
        id,
        choice.role,
        choice.topic,
        JSON.stringify(choice.filter),
        choice.channelType,
        choice.endpoint,
        choice.headerNames,
        choice.sealedHeaders,
        choice.payload,
        choice.heartbeatSeconds,
        choice.timeoutSeconds,
        choice.maxCount,
        choice.endAt,
        choice.reason,
        now,
        choice.requestedStatus,
      ],
    );
    await bumpIndexVersion(tx);
  }

  async delete(tx: EntityManager, id: string): Promise<void> {
    await tx.query(`delete from subscriptions where id = $1`, [id]);
    await bumpIndexVersion(tx);
  }

  async get(db: Db, id: string, options: { lock?: boolean } = {}): Promise<SubscriptionRow | undefined> {
    const rows = await db.query<RawSubscription[]>(
      `select * from subscriptions where id = $1${options.lock ? ' for update' : ''}`,
      [id],
    );
    return rows[0] && toRow(rows[0]);
  }

  async ownedBy(db: Db, ownerOdsCode: string): Promise<SubscriptionRow[]> {
    const rows = await db.query<RawSubscription[]>(
      `select * from subscriptions where owner_ods_code = $1 order by created_at, id`,
      [ownerOdsCode],
    );
    return rows.map(toRow);
  }

  /** Every subscription that may still be notified: what the consumer matches against. */
  async matchable(db: Db): Promise<SubscriptionRow[]> {
    const rows = await db.query<RawSubscription[]>(`select * from subscriptions where status <> 'off'`);
    return rows.map(toRow);
  }

  /** How many subscriptions are in each status (every status, 0 when none): one grouped count, for /metrics. */
  async countByStatus(db: Db): Promise<Record<SubscriptionStatus, number>> {
    const rows = await db.query<{ status: SubscriptionStatus; count: number }[]>(
      `select status, count(*)::int as count from subscriptions group by status`,
    );
    const counts: Record<SubscriptionStatus, number> = { requested: 0, active: 0, error: 0, off: 0 };
    for (const r of rows) counts[r.status] = r.count;
    return counts;
  }

  async indexVersion(db: Db): Promise<string> {
    const [row] = await db.query<{ version: string }[]>(`select version from subscription_index_version`);
    return row.version;
  }

  /** The record changes among these not matched before; marks them matched. */
  async firstSightings(tx: EntityManager, eventIds: readonly string[], now: Date): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await tx.query<{ event_id: string }[]>(
      `insert into seen_record_changes (event_id, seen_at)
       select id, $2 from unnest($1::uuid[]) as id
       on conflict (event_id) do nothing
       returning event_id`,
      [eventIds, now],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /**
   * Numbers the matches, in the order given (a partition's order, so each patient's events keep theirs), after
   * each subscription's last number. Subscriptions are locked in id order, so batches of other partitions that
   * number for the same subscriptions wait rather than deadlock. A subscription deleted meanwhile gets nothing.
   */
  async number(
    tx: EntityManager,
    matches: readonly EventMatch[],
    now: Date,
  ): Promise<SubscriptionEventRow[]> {
    if (matches.length === 0) return [];
    const counts = new Map<string, number>();
    for (const match of matches)
      counts.set(match.subscriptionId, (counts.get(match.subscriptionId) ?? 0) + 1);
    const ids = [...counts.keys()].sort();
    const locked = await tx.query<{ id: string; events_since_start: string }[]>(
      `select id, events_since_start from subscriptions where id = any($1::uuid[]) order by id for update`,
      [ids],
    );
    const next = new Map(locked.map((row) => [row.id, Number(row.events_since_start) + 1]));
    const numbered: SubscriptionEventRow[] = [];
    for (const match of matches) {
      const eventNumber = next.get(match.subscriptionId);
      if (eventNumber === undefined) continue;
      next.set(match.subscriptionId, eventNumber + 1);
      numbered.push({ ...match, eventNumber });
    }
    if (numbered.length === 0) return [];
    await tx.query(
      `update subscriptions s set events_since_start = c.last
       from unnest($1::uuid[], $2::bigint[]) as c(id, last) where s.id = c.id`,
      [[...next.keys()], [...next.values()].map((n) => n - 1)],
    );
    await tx.query(
      `insert into subscription_events (subscription_id, event_number, record_change_id, topic, focus_type, focus_id,
         nhs_number, occurred_at, source_topic, source_partition, source_offset, correlation_id, numbered_at)
       select *, $12::timestamptz from unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::text[], $5::text[],
         $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::int[], $11::bigint[], $13::text[])`,
      [
        numbered.map((e) => e.subscriptionId),
        numbered.map((e) => e.eventNumber),
        numbered.map((e) => e.recordChangeId),
        numbered.map((e) => e.topic),
        numbered.map((e) => e.focusType),
        numbered.map((e) => e.focusId),
        numbered.map((e) => e.nhsNumber),
        numbered.map((e) => e.occurredAt),
        numbered.map((e) => e.source.topic),
        numbered.map((e) => e.source.partition),
        numbered.map((e) => e.source.offset),
        now,
        numbered.map((e) => e.correlationId ?? null),
      ],
    );
    return numbered;
  }

  /** A subscription's numbered events from `from` to `to`, inclusive, in order. */
  async events(db: Db, subscriptionId: string, from: number, to: number): Promise<SubscriptionEventRow[]> {
    const rows = await db.query<RawEvent[]>(
      `select * from subscription_events where subscription_id = $1 and event_number between $2 and $3
       order by event_number`,
      [subscriptionId, from, to],
    );
    return rows.map(toEventRow);
  }

  /** The lowest event number still held for the subscription (older ones were pruned), or null when none are. */
  async oldestHeld(db: Db, subscriptionId: string): Promise<number | null> {
    const [row] = await db.query<{ oldest: string | null }[]>(
      `select min(event_number) as oldest from subscription_events where subscription_id = $1`,
      [subscriptionId],
    );
    return row.oldest === null ? null : Number(row.oldest);
  }

  /** Forgets numbered events and sightings older than the retention: $events then says they are no longer held. */
  async prune(db: Db, before: Date): Promise<number> {
    const [, events] = await db.query<[unknown, number]>(
      `delete from subscription_events where numbered_at < $1`,
      [before],
    );
    await db.query(`delete from seen_record_changes where seen_at < $1`, [before]);
    return events;
  }
}

async function bumpIndexVersion(tx: EntityManager): Promise<void> {
  await tx.query(`update subscription_index_version set version = version + 1`);
}

interface RawSubscription {
  id: string;
  owner_ods_code: string;
  created_by: string;
  role: string;
  topic: string;
  filter: SubscriptionFilter;
  channel_type: ChannelType;
  endpoint: string | null;
  header_names: string[];
  sealed_headers: Buffer | null;
  payload: PayloadContent;
  heartbeat_seconds: number | null;
  timeout_seconds: number | null;
  max_count: number;
  end_at: Date | null;
  reason: string;
  status: SubscriptionStatus;
  error: string | null;
  version_id: number;
  created_at: Date;
  last_updated: Date;
  events_since_start: string;
  delivered_through: string;
  consecutive_failures: number;
  next_attempt_at: Date;
  last_sent_at: Date | null;
}

export function toRow(r: RawSubscription): SubscriptionRow {
  return {
    id: r.id,
    ownerOdsCode: r.owner_ods_code,
    createdBy: r.created_by,
    role: r.role,
    topic: r.topic,
    filter: r.filter,
    channelType: r.channel_type,
    endpoint: r.endpoint,
    headerNames: r.header_names,
    sealedHeaders: r.sealed_headers,
    payload: r.payload,
    heartbeatSeconds: r.heartbeat_seconds,
    timeoutSeconds: r.timeout_seconds,
    maxCount: r.max_count,
    endAt: r.end_at,
    reason: r.reason,
    status: r.status,
    error: r.error,
    versionId: r.version_id,
    createdAt: r.created_at,
    lastUpdated: r.last_updated,
    eventsSinceStart: Number(r.events_since_start),
    deliveredThrough: Number(r.delivered_through),
    consecutiveFailures: r.consecutive_failures,
    nextAttemptAt: r.next_attempt_at,
    lastSentAt: r.last_sent_at,
  };
}

export type { RawSubscription };

interface RawEvent {
  subscription_id: string;
  event_number: string;
  record_change_id: string;
  topic: string;
  focus_type: string;
  focus_id: string;
  nhs_number: string;
  occurred_at: Date;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  correlation_id: string | null;
}

function toEventRow(r: RawEvent): SubscriptionEventRow {
  return {
    subscriptionId: r.subscription_id,
    eventNumber: Number(r.event_number),
    recordChangeId: r.record_change_id,
    topic: r.topic,
    focusType: r.focus_type,
    focusId: r.focus_id,
    nhsNumber: r.nhs_number,
    occurredAt: r.occurred_at,
    source: { topic: r.source_topic, partition: r.source_partition, offset: r.source_offset },
    ...(r.correlation_id === null ? {} : { correlationId: r.correlation_id }),
  };
}
