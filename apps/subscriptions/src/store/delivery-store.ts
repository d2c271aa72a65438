import type { DataSource } from 'typeorm';
import {
  toRow,
  type RawSubscription,
  type SubscriptionRow,
  type SubscriptionStatus,
} from './subscription-store';

/** What a delivery attempt leaves behind when it fails: the retry rules' answer. */
export interface FailureState {
  readonly status: Extract<SubscriptionStatus, 'active' | 'error' | 'requested'>;
  readonly consecutiveFailures: number;
  readonly nextAttemptAt: Date;
  readonly error: string;
}

/**
 * The delivery worker's SQL. A subscription is leased while its notification is in flight, so instances share the
 * work (`for update skip locked`) and one subscription's notifications are never sent by two at once, which keeps
 * them in order. Every outcome is written only for the version of the subscription that was sent for: a subscriber
 * that changed its channel meanwhile starts again from its handshake.
 */
export class DeliveryStore {
  constructor(private readonly db: DataSource) {}

  /**
   * Leases up to `limit` subscriptions with something to send now: a handshake (still `requested`), numbered events
   * not yet delivered, or a heartbeat that is due. Longest-waiting first.
   */
  async claimDue(
    now: Date,
    limit: number,
    leaseMs: number,
    /** Websocket subscriptions with a client bound to this instance: only this instance can deliver them. */
    boundWebsockets: readonly string[] = [],
  ): Promise<SubscriptionRow[]> {
    if (limit <= 0) return [];
    // TypeORM answers an UPDATE with [rows, count].
    const [rows] = await this.db.query<[RawSubscription[], number]>(
      `with due as (
         select id from subscriptions
         where status <> 'off'
           and (channel_type = 'rest-hook' or (channel_type = 'websocket' and id = any($4::uuid[])))
           and next_attempt_at <= $1
           and (lease_until is null or lease_until < $1)
           and (end_at is null or end_at > $1)
           and (status = 'requested'
                or events_since_start > delivered_through
                or (heartbeat_seconds is not null
                    and coalesce(last_sent_at, created_at) + heartbeat_seconds * interval '1 second' <= $1))
         order by next_attempt_at
         limit $2
         for update skip locked)
       update subscriptions s set lease_until = $1::timestamptz + $3 * interval '1 millisecond'
       from due where s.id = due.id
       returning s.*`,
      [now, limit, leaseMs, boundWebsockets],
    );
    return rows.map(toRow);
  }

  /** A notification (or handshake, or heartbeat) reached the endpoint: the subscription is active. */
  async succeeded(row: SubscriptionRow, deliveredThrough: number, now: Date): Promise<void> {
    await this.db.query(
      `update subscriptions set delivered_through = greatest(delivered_through, $3), status = 'active', error = null,
         consecutive_failures = 0, last_sent_at = $4, next_attempt_at = $4, lease_until = null
       where id = $1 and version_id = $2 and status <> 'off'`,
      [row.id, row.versionId, deliveredThrough, now],
    );
  }

  async failed(row: SubscriptionRow, state: FailureState): Promise<void> {
    await this.db.query(
      `update subscriptions set status = $3, consecutive_failures = $4, next_attempt_at = $5, error = $6,
         lease_until = null
       where id = $1 and version_id = $2 and status <> 'off'`,
      [row.id, row.versionId, state.status, state.consecutiveFailures, state.nextAttemptAt, state.error],
    );
  }

  /**
   * Events numbered but no longer held (pruned past the retention): delivery moves past them, and the subscriber
   * sees the gap in the event numbers.
   */
  async skipTo(row: SubscriptionRow, deliveredThrough: number): Promise<void> {
    await this.db.query(
      `update subscriptions set delivered_through = greatest(delivered_through, $3), lease_until = null
       where id = $1 and version_id = $2`,
      [row.id, row.versionId, deliveredThrough],
    );
  }

  /**
   * A websocket client bound the subscription: it is active (its handshake went over the socket), and due now, so
   * what was numbered while no client was bound is sent first.
   */
  async bound(id: string, now: Date): Promise<void> {
    await this.db.query(
      `update subscriptions set status = 'active', error = null, consecutive_failures = 0, next_attempt_at = $2
       where id = $1 and status <> 'off'`,
      [id, now],
    );
  }

  /** Subscriptions past their end are turned off: nothing more is numbered or sent for them. */
  async endExpired(now: Date): Promise<number> {
    const [, count] = await this.db.query<[unknown, number]>(
      `update subscriptions set status = 'off', lease_until = null, last_updated = $1, version_id = version_id + 1
       where end_at <= $1 and status <> 'off'`,
      [now],
    );
    if (count > 0) await this.db.query(`update subscription_index_version set version = version + 1`);
    return count;
  }
}
