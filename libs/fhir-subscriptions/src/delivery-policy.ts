/** How often a failing rest-hook is tried again. */
export interface DeliveryPolicy {
  /** The first retry's ceiling; each further failure doubles it. */
  readonly initialMs: number;
  /** The ceiling's ceiling. */
  readonly maxMs: number;
  /** Consecutive failures after which the subscription is in error. */
  readonly failuresBeforeError: number;
  /** How often a subscription in error is tried. */
  readonly errorRetryMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  initialMs: 1_000,
  maxMs: 60_000,
  failuresBeforeError: 6,
  errorRetryMs: 5 * 60_000,
};

/** Where a subscription's delivery stands. */
export interface DeliveryState {
  readonly status: 'active' | 'error';
  readonly consecutiveFailures: number;
}

export interface NextDelivery extends DeliveryState {
  /** Epoch ms. */
  readonly nextAttemptAt: number;
}

/**
 * The wait before retrying after `failures` consecutive failures (1 for the first): exponential, from initialMs
 * doubling to maxMs, with full jitter (a uniform wait up to that ceiling), so the subscriptions of an endpoint that
 * came back do not all retry in the same instant. `random` returns [0, 1), as Math.random does.
 */
export function retryDelayMs(failures: number, random: () => number, policy: DeliveryPolicy): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/**
 * After a failed delivery: retried soon while failures are few, then in error and retried only every errorRetryMs.
 * The IG leaves recovering from error to the subscriber (errors.html), lest a server's silent reset hide lost
 * events; Crosscare's retry loses none (events wait, numbered and in order, until one delivery takes them), and the
 * subscription shows `error` to $status and heartbeats until a delivery succeeds.
 */
export function afterFailure(
  state: DeliveryState,
  now: number,
  policy: DeliveryPolicy,
  random: () => number = Math.random,
): NextDelivery {
  const consecutiveFailures = state.consecutiveFailures + 1;
  if (state.status === 'error' || consecutiveFailures >= policy.failuresBeforeError) {
    return { status: 'error', consecutiveFailures, nextAttemptAt: now + policy.errorRetryMs };
  }
  return {
    status: 'active',
    consecutiveFailures,
    nextAttemptAt: now + retryDelayMs(consecutiveFailures, random, policy),
  };
}

/** After a delivery the endpoint accepted: active, with the failure count cleared. */
export const afterSuccess = (state: DeliveryState): DeliveryState => ({
  ...state,
  status: 'active',
  consecutiveFailures: 0,
});

/**
 * Whether a heartbeat is owed: the subscription asked for one and nothing has been sent for its period. Nothing sent
 * yet counts as due. Times are epoch ms.
 */
export function heartbeatDue(
  lastSentAt: number | null,
  heartbeatPeriodSeconds: number | undefined,
  now: number,
): boolean {
  if (heartbeatPeriodSeconds === undefined || heartbeatPeriodSeconds <= 0) return false;
  return lastSentAt === null || now - lastSentAt >= heartbeatPeriodSeconds * 1000;
}
