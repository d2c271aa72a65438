/**
 * Repeated, alternated measurements for the benchmarks. On a shared two-core machine one run of a contender can be
 * off by a factor of several (the projector's naive baseline moved 230–920 events/s from day to day), so a target
 * judged on one run says more about the moment than about the code. Contenders are measured in turn, round after
 * round, in a rotating order so that no contender always goes first (or last) while the machine warms or is
 * disturbed; figures are reported as the median with the spread (min–max) beside it.
 *
 * Pure apart from `alternateRounds`, which only awaits the functions it is given: no Kafka, no Postgres, no Nest.
 */

/** A figure measured once per round: its median, its spread, and the values in round order. */
export interface RoundFigures {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: readonly number[];
}

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('the median of no values is undefined');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function roundFigures(values: readonly number[]): RoundFigures {
  if (values.length === 0) throw new Error('no rounds were measured');
  if (values.some((v) => !Number.isFinite(v)))
    throw new Error(`a round measured a figure that is not a finite number: ${values.join(', ')}`);
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), values: [...values] };
}

/**
 * The ratio of two contenders, one per round (each round's pair was measured on the same topics minutes apart), and
 * summarised. The median of the per-round ratios is what a target is judged on: a ratio of two medians would pair a
 * slow round's figure with a fast round's.
 */
export function roundRatios(values: readonly number[], baselines: readonly number[]): RoundFigures {
  if (values.length !== baselines.length)
    throw new Error(`${values.length} values against ${baselines.length} baselines: rounds must pair up`);
  return roundFigures(values.map((v, i) => v / baselines[i]));
}

/**
 * The order contenders run in, round `round` (1-based): rotated by one each round, so over as many rounds as there
 * are contenders each runs once in every position.
 */
export function roundOrder<T>(contenders: readonly T[], round: number): T[] {
  const shift = (((round - 1) % contenders.length) + contenders.length) % contenders.length;
  return [...contenders.slice(shift), ...contenders.slice(0, shift)];
}

/** BENCH_ROUNDS, or the default; at least one. */
export function roundsFromEnvironment(env: NodeJS.ProcessEnv, fallback = 3): number {
  const raw = env.BENCH_ROUNDS?.trim();
  if (!raw) return fallback;
  const rounds = Number(raw);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`BENCH_ROUNDS must be a whole number of at least 1, not ${raw}`);
  return rounds;
}

/**
 * Runs `rounds` rounds; in each, `beforeRound` (fresh topics, say) and then every contender once, in `roundOrder`.
 * Returns each contender's figures in round order. `say` gets one line per round and per contender, as progress.
 */
export async function alternateRounds<K extends string>(options: {
  rounds: number;
  contenders: Readonly<Record<K, (round: number) => Promise<number>>>;
  beforeRound?: (round: number) => Promise<void>;
  say?: (line: string) => void;
  format?: (name: K, figure: number) => string;
}): Promise<Record<K, number[]>> {
  const names = Object.keys(options.contenders) as K[];
  const figures = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 1; round <= options.rounds; round++) {
    const order = roundOrder(names, round);
    options.say?.(`round ${round}/${options.rounds}: ${order.join(', ')}`);
    await options.beforeRound?.(round);
    for (const name of order) {
      const figure = await options.contenders[name](round);
      figures[name].push(figure);
      options.say?.(
        `  round ${round}/${options.rounds}, ${name}: ${options.format?.(name, figure) ?? String(figure)}`,
      );
    }
  }
  return figures;
}
