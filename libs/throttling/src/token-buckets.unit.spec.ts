import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('allows the burst at once, then one per interval, per key', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 3 }, clock);
    expect([1, 2, 3].map(() => buckets.take('a'))).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(1);
    expect(buckets.take('b')).toBe(0);
    now += 1000;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(1);
  });

  it('says how long to wait, rounded up to whole seconds', () => {
    const buckets = new TokenBuckets({ perMinute: 6, burst: 1 }, clock);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(10);
    expect(buckets.wait('a')).toBe(10);
    now += 4000;
    expect(buckets.wait('a')).toBe(6);
    expect(buckets.wait('unseen')).toBe(0);
  });

  it('never holds more than the burst however long a key is quiet', () => {
    const buckets = new TokenBuckets({ perMinute: 600, burst: 2 }, clock);
    buckets.take('a');
    now += 3_600_000;
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 1]);
  });

  it('keeps memory bounded by dropping keys whose buckets have filled again', () => {
    const buckets = new TokenBuckets({ perMinute: 60, burst: 1 }, clock, 10);
    for (let i = 0; i < 10; i++) buckets.take(`forged-${i}`);
    now += 2000;
    buckets.take('new');
    expect(buckets.size).toBe(1);
  });

  it('refuses a limit that cannot work', () => {
    expect(() => new TokenBuckets({ perMinute: 0, burst: 1 })).toThrow(/perMinute > 0/);
  });
});
