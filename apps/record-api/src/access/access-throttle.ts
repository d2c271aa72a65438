import { RefusalWatch, TokenBuckets, type RateLimit, type RefusalAlert } from '@crosscare/throttling';

export interface AccessThrottleLimits {
  readonly user: RateLimit;
  readonly organisation: RateLimit;
  /** Requests with no valid token, per client address. */
  readonly badTokens: RateLimit;
  readonly alertAfter: { readonly refusals: number; readonly windowMs: number };
}

/**
 * The record API's defences against a caller who asks too much or too wrongly: a rate per user and per
 * organisation for identified readers, a rate of bad tokens per address (forged or stolen tokens are tried in
 * bulk; an address that has sent too many is answered 429 before its next token is even checked), and a watch on
 * refusals per user and per address that says when the privacy officer must be told. Addresses are only counted
 * for bad tokens: a trust's staff share one egress address, and must not throttle each other by reading.
 */
export class AccessThrottle {
  private readonly users: TokenBuckets;
  private readonly organisations: TokenBuckets;
  private readonly badTokens: TokenBuckets;
  private readonly refusals: RefusalWatch;

  constructor(
    readonly limits: AccessThrottleLimits,
    now: () => number = Date.now,
  ) {
    this.users = new TokenBuckets(limits.user, now);
    this.organisations = new TokenBuckets(limits.organisation, now);
    this.badTokens = new TokenBuckets(limits.badTokens, now);
    this.refusals = new RefusalWatch(limits.alertAfter, now);
  }

  /** Seconds an address must wait because of the bad tokens it sent; 0 when it may go on. */
  addressWait(clientIp: string): number {
    return this.badTokens.wait(clientIp);
  }

  /** Counts a bad token against its address. */
  badToken(clientIp: string): void {
    this.badTokens.take(clientIp);
  }

  /** Takes one request from the user's and the organisation's rates; the seconds to wait and whose rate, or null. */
  take(
    userKey: string,
    organisationOdsCode: string,
  ): { wait: number; whose: 'user' | 'organisation' } | null {
    const userWait = this.users.take(userKey);
    if (userWait > 0) return { wait: userWait, whose: 'user' };
    const organisationWait = this.organisations.take(organisationOdsCode);
    return organisationWait > 0 ? { wait: organisationWait, whose: 'organisation' } : null;
  }

  /** Counts a refusal of the user (when one was named) and of the address; the alerts that makes due. */
  refused(
    userKey: string | null,
    clientIp: string,
  ): { byUser: RefusalAlert | null; byAddress: RefusalAlert | null } {
    return {
      byUser: userKey === null ? null : this.refusals.refused(`user:${userKey}`),
      byAddress: this.refusals.refused(`address:${clientIp}`),
    };
  }
}
