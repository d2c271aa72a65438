/**
 * How many runs a property-based test makes: `ordinary` keeps CI to seconds per property; FUZZ_RUNS=<n> asks for
 * a longer search on demand (docs/testing.md). A bad FUZZ_RUNS fails the test run rather than fuzzing less.
 */
export function fuzzRuns(ordinary: number, env: NodeJS.ProcessEnv = process.env): number {
  const asked = env.FUZZ_RUNS;
  if (asked === undefined || asked === '') return ordinary;
  if (!/^[1-9]\d{0,8}$/.test(asked))
    throw new Error(`FUZZ_RUNS must be a positive whole number (got "${asked}")`);
  return Number(asked);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path (keys and indices) to a value inside `value`, the root excluded. */
function pathsIn(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((member, index) => [index, member])
    : Object.entries(value);
  return entries.flatMap(([key, member]) => [[...prefix, key], ...pathsIn(member, [...prefix, key])]);
}

/**
 * A JSON document changed in one place: the value at one of its paths replaced by arbitrary JSON, or removed.
 * Fuzzing near valid input reaches the checks deep inside a mapping, which arbitrary JSON alone almost never does.
 * `pick` and `replacement` come from the property's generators; the base is never changed (it is copied).
 */
export function mutateJson(base: unknown, pick: number, replacement: Json | undefined): unknown {
  const copy = JSON.parse(JSON.stringify(base)) as unknown;
  const paths = pathsIn(copy);
  if (paths.length === 0) return replacement ?? copy;
  const path = paths[pick % paths.length];
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (replacement !== undefined) parent[last] = replacement;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

/** Text changed in one place: `length` characters at `at` replaced by `insert` (positions wrap to fit). */
export function mutateText(base: string, at: number, length: number, insert: string): string {
  const start = base.length === 0 ? 0 : at % (base.length + 1);
  return base.slice(0, start) + insert + base.slice(start + (length % 32));
}
