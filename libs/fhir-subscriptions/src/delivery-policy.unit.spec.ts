import {
  afterFailure,
  afterSuccess,
  DEFAULT_DELIVERY_POLICY,
  type DeliveryPolicy,
  heartbeatDue,
  retryDelayMs,
} from './delivery-policy';

const policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY;
const NOW = Date.UTC(2026, 11, 1, 9);
const highest = () => 0.999999;

describe('DEFAULT_DELIVERY_POLICY', () => {
  it('retries from 1 s to 60 s, is in error after 6 failures, then retried every 5 minutes', () => {
    expect(DEFAULT_DELIVERY_POLICY).toEqual({
      initialMs: 1000,
      maxMs: 60_000,
      failuresBeforeError: 6,
      errorRetryMs: 300_000,
    });
  });
});

describe('retryDelayMs', () => {
  it('doubles its ceiling with each failure, up to maxMs', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 40].map((failures) => retryDelayMs(failures, highest, policy));
    expect(ceilings).toEqual([999, 1999, 3999, 7999, 15_999, 31_999, 59_999, 59_999, 59_999]);
  });

  it('waits a uniform share of the ceiling (full jitter)', () => {
    expect(retryDelayMs(3, () => 0, policy)).toBe(0);
    expect(retryDelayMs(3, () => 0.5, policy)).toBe(2000);
  });
});

describe('afterFailure', () => {
  it('given fewer failures than the limit, stays active and retries after a jittered wait', () => {
    const next = afterFailure({ status: 'active', consecutiveFailures: 2 }, NOW, policy, () => 0.5);
    expect(next).toEqual({ status: 'active', consecutiveFailures: 3, nextAttemptAt: NOW + 2000 });
  });

  it('given the failure that reaches the limit, is in error and retried after errorRetryMs', () => {
    const next = afterFailure({ status: 'active', consecutiveFailures: 5 }, NOW, policy, () => 0.5);
    expect(next).toEqual({ status: 'error', consecutiveFailures: 6, nextAttemptAt: NOW + 300_000 });
  });

  it('given a subscription already in error, keeps it there at the slow pace', () => {
    const next = afterFailure({ status: 'error', consecutiveFailures: 9 }, NOW, {
      ...policy,
      errorRetryMs: 1234,
    });
    expect(next).toEqual({ status: 'error', consecutiveFailures: 10, nextAttemptAt: NOW + 1234 });
  });
});

describe('afterSuccess', () => {
  it('is active with no failures, whatever it was', () => {
    expect(afterSuccess({ status: 'error', consecutiveFailures: 12 })).toEqual({
      status: 'active',
      consecutiveFailures: 0,
    });
  });
});

describe('heartbeatDue', () => {
  it('is due once the period has passed since anything was sent, and when nothing was', () => {
    expect(heartbeatDue(NOW - 60_000, 60, NOW)).toBe(true);
    expect(heartbeatDue(NOW - 59_999, 60, NOW)).toBe(false);
    expect(heartbeatDue(null, 60, NOW)).toBe(true);
  });

  it('is never due for a subscription that asked for no heartbeat', () => {
    expect(heartbeatDue(null, undefined, NOW)).toBe(false);
    expect(heartbeatDue(0, 0, NOW)).toBe(false);
  });
});
