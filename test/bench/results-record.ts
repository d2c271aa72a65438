/**
 * What a benchmark's results file holds: its results inside a record of what they were measured on (the commit,
 * whether the checkout had changes, when, which machine), so a figure in docs/performance.md can be traced to the code
 * and the day that produced it, and a file left over from an older run says so. Pure: test/bench/results-file.ts
 * gathers the facts and writes the file.
 */
import * as path from 'node:path';
import type { RoundFigures } from './rounds';

/** Where results live; the benchmark's own output, so changes under it do not make a checkout count as changed. */
export const RESULTS_DIR = 'bench/results';

export interface Checkout {
  /** `git rev-parse HEAD`; null outside a git checkout. */
  readonly commit: string | null;
  /** Tracked files differ from the commit (results files aside): the figures are of code no commit holds. */
  readonly dirty: boolean;
}

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly node: string;
}

export interface ResultsRecord<R> {
  readonly benchmark: string;
  readonly commit: string | null;
  /** Present only when true, so a clean run's record does not carry it. */
  readonly dirty?: true;
  /** ISO 8601: when the benchmark started (its code was loaded then) and when its results were written. */
  readonly startedAt: string;
  readonly measuredAt: string;
  readonly machine: Machine;
  readonly results: R;
}

/** One figure beside its baseline, as most benchmarks report them; `rounds` when it is a median over rounds. */
export interface BenchResult {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: string;
  readonly baseline_value: number | null;
  readonly ratio: number | null;
  readonly rounds?: {
    readonly count: number;
    readonly value: RoundSpread;
    readonly baseline_value: RoundSpread;
    readonly ratio: RoundSpread;
  };
}

export interface RoundSpread {
  readonly min: number;
  readonly max: number;
  readonly values: readonly number[];
}

/** Builds the record; pure, so what a file holds is tested without git or a clock. */
export function resultsRecord<R>(
  benchmark: string,
  results: R,
  context: {
    readonly checkout: Checkout;
    readonly startedAt: Date;
    readonly measuredAt: Date;
    readonly machine: Machine;
  },
): ResultsRecord<R> {
  resultsFileName(benchmark);
  for (const at of [context.startedAt, context.measuredAt])
    if (Number.isNaN(at.getTime())) throw new Error('a results record needs valid dates');
  if (context.measuredAt < context.startedAt)
    throw new Error('results cannot be written before their run started');
  return {
    benchmark,
    commit: context.checkout.commit,
    ...(context.checkout.dirty ? { dirty: true as const } : {}),
    startedAt: context.startedAt.toISOString(),
    measuredAt: context.measuredAt.toISOString(),
    machine: context.machine,
    results,
  };
}

/** `<name>.json` under bench/results; a name is lower-case words and digits joined by hyphens, never a path. */
export function resultsFileName(benchmark: string): string {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(benchmark))
    throw new Error(`a benchmark's results name is lower-case words joined by hyphens, not "${benchmark}"`);
  return path.join(RESULTS_DIR, `${benchmark}.json`);
}

/**
 * A median over rounds beside the baseline's, with the median of the per-round ratios (the figure a target is
 * judged on) and every round's values. `digits` rounds what is written, not what is computed.
 */
export function roundsResult(options: {
  readonly metric: string;
  readonly unit: string;
  readonly baseline: string;
  readonly value: RoundFigures;
  readonly baselineValue: RoundFigures;
  readonly ratio: RoundFigures;
  readonly digits?: number;
  readonly ratioDigits?: number;
}): BenchResult {
  const at = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
  const spread = (figures: RoundFigures, digits: number): RoundSpread => ({
    min: at(figures.min, digits),
    max: at(figures.max, digits),
    values: figures.values.map((v) => at(v, digits)),
  });
  const digits = options.digits ?? 1;
  const ratioDigits = options.ratioDigits ?? 3;
  return {
    metric: options.metric,
    value: at(options.value.median, digits),
    unit: options.unit,
    baseline: options.baseline,
    baseline_value: at(options.baselineValue.median, digits),
    ratio: at(options.ratio.median, ratioDigits),
    rounds: {
      count: options.ratio.values.length,
      value: spread(options.value, digits),
      baseline_value: spread(options.baselineValue, digits),
      ratio: spread(options.ratio, ratioDigits),
    },
  };
}
