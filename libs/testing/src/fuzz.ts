/**
 * How many runs a property-based test makes: `ordinary` keeps CI to seconds per property; FUZZ_RUNS=<n> asks for
 * a longer search on demand (docs/testing.md). A bad FUZZ_RUNS fails the test run rather than fuzzing less.
 */
export function fuzzRuns(ordinary: number, env: NodeJS.ProcessEnv = process.env): number {
  const asked = env.FUZZ_RUNS;
  if (asked === undefined || asked === '') return ordinary;
  if (!/^[1-9]\d{0,8}$/.test(asked)) throw new Error(`FUZZ_RUNS must be a positive whole number (got "${asked}")`);
  return Number(asked);
}
