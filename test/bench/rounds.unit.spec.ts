import {
  alternateRounds,
  median,
  roundFigures,
  roundOrder,
  roundRatios,
  roundsFromEnvironment,
} from './rounds';

describe('median', () => {
  it('is the middle value of an odd count, whatever the order', () => {
    expect(median([920, 230, 610])).toBe(610);
  });

  it('is the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('is undefined for no values', () => {
    expect(() => median([])).toThrow('no values');
  });

  it('leaves the values it is given in their order', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('roundFigures', () => {
  it('gives the median, the spread and the values in round order', () => {
    expect(roundFigures([661, 293, 762])).toEqual({
      median: 661,
      min: 293,
      max: 762,
      values: [661, 293, 762],
    });
  });

  it('refuses a round that measured no number', () => {
    expect(() => roundFigures([10, Number.NaN, 12])).toThrow('not a finite number');
    expect(() => roundFigures([10, Infinity])).toThrow('not a finite number');
    expect(() => roundFigures([])).toThrow('no rounds');
  });
});

describe('roundRatios', () => {
  it('pairs each round with its own baseline, not the medians with each other', () => {
    // Given a slow round and a fast one for both contenders
    const projector = [10_000, 14_000, 12_000];
    const naive = [500, 1_000, 600];
    // When the ratios are summarised
    const sut = roundRatios(projector, naive);
    // Then each is a same-round ratio: 20, 14, 20, median 20; the ratio of the medians would be 12,000/600 = 20 too,
    // but the spread shows round 2's 14.
    expect(sut.values).toEqual([20, 14, 20]);
    expect(sut).toMatchObject({ median: 20, min: 14, max: 20 });
  });

  it('differs from the ratio of the medians when rounds disagree', () => {
    const sut = roundRatios([100, 300, 200], [10, 10, 40]);
    expect(sut.values).toEqual([10, 30, 5]);
    expect(sut.median).toBe(10);
    expect(median([100, 300, 200]) / median([10, 10, 40])).toBe(20);
  });

  it('refuses rounds that do not pair up', () => {
    expect(() => roundRatios([1, 2, 3], [1, 2])).toThrow('rounds must pair up');
  });
});

describe('roundOrder', () => {
  it('rotates by one each round, so each contender takes every position once', () => {
    const contenders = ['ceiling', 'naive', 'projector'];
    const orders = [1, 2, 3].map((round) => roundOrder(contenders, round));
    expect(orders).toEqual([
      ['ceiling', 'naive', 'projector'],
      ['naive', 'projector', 'ceiling'],
      ['projector', 'ceiling', 'naive'],
    ]);
    expect(roundOrder(contenders, 4)).toEqual(orders[0]);
  });

  it('alternates two contenders', () => {
    expect([1, 2, 3].map((round) => roundOrder(['a', 'b'], round))).toEqual([
      ['a', 'b'],
      ['b', 'a'],
      ['a', 'b'],
    ]);
  });
});

describe('roundsFromEnvironment', () => {
  it('defaults to three rounds', () => {
    expect(roundsFromEnvironment({})).toBe(3);
    expect(roundsFromEnvironment({ BENCH_ROUNDS: ' ' })).toBe(3);
  });

  it('reads BENCH_ROUNDS', () => {
    expect(roundsFromEnvironment({ BENCH_ROUNDS: '5' })).toBe(5);
  });

  it.each(['0', '-1', '2.5', 'three'])('refuses BENCH_ROUNDS=%s', (value) => {
    expect(() => roundsFromEnvironment({ BENCH_ROUNDS: value })).toThrow(`not ${value}`);
  });
});

describe('alternateRounds', () => {
  it('prepares each round, then runs every contender once in the rotated order, collecting figures per contender', async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const sut = await alternateRounds({
      rounds: 2,
      beforeRound: (round) => {
        calls.push(`prepare ${round}`);
        return Promise.resolve();
      },
      contenders: {
        fast: (round) => {
          calls.push(`fast ${round}`);
          return Promise.resolve(100 * round);
        },
        slow: (round) => {
          calls.push(`slow ${round}`);
          return Promise.resolve(round);
        },
      },
      say: (line) => lines.push(line),
    });
    expect(calls).toEqual(['prepare 1', 'fast 1', 'slow 1', 'prepare 2', 'slow 2', 'fast 2']);
    expect(sut).toEqual({ fast: [100, 200], slow: [1, 2] });
    expect(lines[0]).toBe('round 1/2: fast, slow');
    expect(lines).toContain('  round 2/2, slow: 2');
  });

  it('stops at the first contender that fails', async () => {
    const ran: string[] = [];
    await expect(
      alternateRounds({
        rounds: 3,
        contenders: {
          a: () => {
            ran.push('a');
            return Promise.resolve(1);
          },
          b: () => Promise.reject(new Error('broker gone')),
        },
      }),
    ).rejects.toThrow('broker gone');
    expect(ran).toEqual(['a']);
  });
});
