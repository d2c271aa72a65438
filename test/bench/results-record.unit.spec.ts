import * as path from 'node:path';
import { resultsFileName, resultsRecord, roundsResult, type Machine } from './results-record';
import { roundFigures, roundRatios } from './rounds';

const machine: Machine = {
  cpus: 2,
  cpuModel: 'Test CPU',
  memoryGiB: 7.8,
  platform: 'linux 6.1.0 x64',
  node: 'v20.20.2',
};
const startedAt = new Date('2026-12-05T21:00:00.000Z');
const measuredAt = new Date('2026-12-05T21:12:30.500Z');

describe('resultsRecord', () => {
  it('records the commit, when, on which machine, and the results as given', () => {
    const results = [{ metric: 'm', value: 1 }];
    const sut = resultsRecord('projector', results, {
      checkout: { commit: '614b461d6cd0e4b2a8b5b9d1e7c3f0a2b4c6d8e0', dirty: false },
      startedAt,
      measuredAt,
      machine,
    });
    expect(sut).toEqual({
      benchmark: 'projector',
      commit: '614b461d6cd0e4b2a8b5b9d1e7c3f0a2b4c6d8e0',
      startedAt: '2026-12-05T21:00:00.000Z',
      measuredAt: '2026-12-05T21:12:30.500Z',
      machine,
      results,
    });
    expect(sut).not.toHaveProperty('dirty');
  });

  it('says when the checkout had changes no commit holds', () => {
    const sut = resultsRecord('ingest', [], {
      checkout: { commit: 'abc', dirty: true },
      startedAt,
      measuredAt,
      machine,
    });
    expect(sut.dirty).toBe(true);
  });

  it('keeps a null commit outside a git checkout rather than inventing one', () => {
    const sut = resultsRecord('serde', [], {
      checkout: { commit: null, dirty: false },
      startedAt,
      measuredAt,
      machine,
    });
    expect(sut.commit).toBeNull();
  });

  it('refuses dates that cannot be right', () => {
    const checkout = { commit: 'abc', dirty: false };
    expect(() =>
      resultsRecord('sde', [], { checkout, startedAt, measuredAt: new Date('not a date'), machine }),
    ).toThrow('valid dates');
    expect(() =>
      resultsRecord('sde', [], { checkout, startedAt: measuredAt, measuredAt: startedAt, machine }),
    ).toThrow('before their run started');
  });
});

describe('resultsFileName', () => {
  it('is <name>.json under bench/results', () => {
    expect(resultsFileName('long-history-vs-baseline')).toBe(
      path.join('bench', 'results', 'long-history-vs-baseline.json'),
    );
  });

  it.each(['../projector', 'Projector', 'latency/x', '', 'a--b'])(
    'refuses %j, which is not a plain name',
    (name) => {
      expect(() => resultsFileName(name)).toThrow('lower-case words');
    },
  );
});

describe('roundsResult', () => {
  it('writes medians and the median per-round ratio, with every round and the spread', () => {
    // Given three rounds of a projector and a baseline
    const projector = roundFigures([12_637.25, 13_201.04, 11_595.5]);
    const naive = roundFigures([762.1, 661.06, 585.44]);
    // When the result is built
    const sut = roundsResult({
      metric: 'projector_throughput_vs_naive',
      unit: 'events/s',
      baseline: 'naive',
      value: projector,
      baselineValue: naive,
      ratio: roundRatios(projector.values, naive.values),
      ratioDigits: 2,
    });
    // Then the headline figures are medians, and the ratio is the median of 16.58, 19.97 and 19.81
    expect(sut).toMatchObject({ value: 12_637.3, baseline_value: 661.1, ratio: 19.81 });
    expect(sut.rounds).toEqual({
      count: 3,
      value: { min: 11_595.5, max: 13_201, values: [12_637.3, 13_201, 11_595.5] },
      baseline_value: { min: 585.4, max: 762.1, values: [762.1, 661.1, 585.4] },
      ratio: { min: 16.58, max: 19.97, values: [16.58, 19.97, 19.81] },
    });
  });
});
