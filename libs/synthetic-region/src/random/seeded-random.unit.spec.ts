import { Random, seedWords } from './seeded-random';

const draws = (rng: Random, n: number) => Array.from({ length: n }, () => rng.next());

describe('Random', () => {
  it('gives the same stream for the same seed words, and another for other words', () => {
    expect(draws(new Random(42, 7), 20)).toEqual(draws(new Random(42, 7), 20));
    expect(draws(new Random(42, 7), 20)).not.toEqual(draws(new Random(42, 8), 20));
    expect(draws(new Random(42, 7), 20)).not.toEqual(draws(new Random(7, 42), 20));
  });

  it('stays in range and spreads evenly', () => {
    const rng = new Random(1);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const value = rng.next();
      expect(value >= 0 && value < 1).toBe(true);
      buckets[rng.below(10)]++;
    }
    for (const bucket of buckets) expect(Math.abs(bucket - 2000)).toBeLessThan(200);
  });

  it('includes both ends of between and never picks a weight of zero', () => {
    const rng = new Random(2);
    const seen = new Set(Array.from({ length: 500 }, () => rng.between(3, 5)));
    expect([...seen].sort()).toEqual([3, 4, 5]);
    const picks = Array.from({ length: 500 }, () =>
      rng.weighted([
        ['never', 0],
        ['always', 1],
      ]),
    );
    expect(new Set(picks)).toEqual(new Set(['always']));
  });

  it('averages a Poisson count near its mean', () => {
    const rng = new Random(3);
    const total = Array.from({ length: 5000 }, () => rng.poisson(2.5)).reduce((a, b) => a + b, 0);
    expect(total / 5000).toBeCloseTo(2.5, 0);
  });

  it('keeps the high bits of seeds above 2^32', () => {
    expect(seedWords(5)).toEqual([5, 0]);
    expect(seedWords(2 ** 32 + 5)).toEqual([5, 1]);
  });
});
