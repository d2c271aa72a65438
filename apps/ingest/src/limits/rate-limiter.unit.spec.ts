import { ProviderRateLimiter } from './rate-limiter';

describe('ProviderRateLimiter', () => {
  let clock = 0;
  const sut = () => new ProviderRateLimiter(60, 3, () => clock);

  beforeEach(() => (clock = 1_000_000));

  it('allows the burst at once, then refuses with the seconds until the next token', () => {
    const limiter = sut();
    expect([limiter.take('M81001'), limiter.take('M81001'), limiter.take('M81001')]).toEqual([0, 0, 0]);
    expect(limiter.take('M81001')).toBe(1);
  });

  it('refills at the sustained rate and never above the burst', () => {
    const limiter = sut();
    for (let i = 0; i < 3; i++) limiter.take('M81001');
    clock += 1_000;
    expect(limiter.take('M81001')).toBe(0);
    expect(limiter.take('M81001')).toBe(1);
    clock += 3_600_000;
    expect([
      limiter.take('M81001'),
      limiter.take('M81001'),
      limiter.take('M81001'),
      limiter.take('M81001'),
    ]).toEqual([0, 0, 0, 1]);
  });

  it('keeps one bucket per provider', () => {
    const limiter = sut();
    for (let i = 0; i < 3; i++) limiter.take('M81001');
    expect(limiter.take('M81001')).toBe(1);
    expect(limiter.take('RXK')).toBe(0);
  });

  it('tells a slow-rate provider how long to wait in whole seconds', () => {
    const limiter = new ProviderRateLimiter(6, 1, () => clock);
    limiter.take('M81001');
    expect(limiter.take('M81001')).toBe(10);
  });
});
