/**
 * What a soak's samples say: for each process and figure (RSS, heap used, event-loop delay), the first quarter of the run
 * against the last, and a least-squares slope per hour. Pure: soak.ts samples, this summarises, the unit spec checks.
 */

/** The event-loop delay a service served for the ~10 s since the previous scrape, in milliseconds. */
export interface EventLoopDelay {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * One sample: each process's resident memory (MiB), and each service's V8 heap in use (MiB) and event-loop delay, at a
 * moment of the soak.
 */
export interface SoakSample {
  readonly secondsIn: number;
  readonly rssMiB: Record<string, number | null>;
  /**
   * Services only; null when /metrics did not answer. RSS alone cannot tell a leak from V8 growing its heap before a
   * major collection: the heap in use can. Absent from samples taken before it was added.
   */
  readonly heapUsedMiB?: Record<string, number | null>;
  /** Services only (brokers have no /metrics); null when /metrics did not answer. */
  readonly eventLoopMs: Record<string, EventLoopDelay | null>;
}

export interface Trend {
  /** Samples with a value (a process that was gone or did not answer gives none). */
  readonly samples: number;
  readonly firstQuarterMean: number;
  readonly lastQuarterMean: number;
  /** Last quarter's mean over the first's, minus one: 0.1 is 10 % more; null from a first quarter of 0. */
  readonly relativeChange: number | null;
  /** Least-squares slope of the value over time, in the value's unit per hour. */
  readonly slopePerHour: number;
}

export type ProcessTrends = Record<string, Trend>;

/** The figures each service's /metrics serves (prom-client's default metrics, libs/metrics), in seconds. */
const DELAY_METRICS = {
  p50: 'nodejs_eventloop_lag_p50_seconds',
  p99: 'nodejs_eventloop_lag_p99_seconds',
  max: 'nodejs_eventloop_lag_max_seconds',
} as const;

/** The event-loop delay in a /metrics answer (Prometheus text), in ms; undefined when any of the three is missing. */
export function eventLoopDelayOf(metricsText: string): EventLoopDelay | undefined {
  const read = (name: string): number | undefined => {
    const line = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(metricsText);
    const seconds = line ? Number(line[1]) : NaN;
    return Number.isFinite(seconds) ? round(seconds * 1000, 3) : undefined;
  };
  const p50 = read(DELAY_METRICS.p50);
  const p99 = read(DELAY_METRICS.p99);
  const max = read(DELAY_METRICS.max);
  return p50 === undefined || p99 === undefined || max === undefined ? undefined : { p50, p99, max };
}

/** The V8 heap in use in a /metrics answer (prom-client's nodejs_heap_size_used_bytes), in MiB; undefined without it. */
export function heapUsedMiBOf(metricsText: string): number | undefined {
  const line = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(metricsText);
  const bytes = line ? Number(line[1]) : NaN;
  return Number.isFinite(bytes) ? round(bytes / 1024 / 1024, 1) : undefined;
}

/** First quarter against last, and the slope per hour, of the points that have a value; undefined below 2. */
export function trendOf(
  points: ReadonlyArray<{ secondsIn: number; value: number | null }>,
): Trend | undefined {
  const present = points.filter((p): p is { secondsIn: number; value: number } => p.value !== null);
  if (present.length < 2) return undefined;
  const quarter = Math.max(1, Math.floor(present.length / 4));
  const firstQuarterMean = mean(present.slice(0, quarter).map((p) => p.value));
  const lastQuarterMean = mean(present.slice(-quarter).map((p) => p.value));
  return {
    samples: present.length,
    firstQuarterMean: round(firstQuarterMean, 3),
    lastQuarterMean: round(lastQuarterMean, 3),
    relativeChange: firstQuarterMean === 0 ? null : round(lastQuarterMean / firstQuarterMean - 1, 4),
    slopePerHour: round(slope(present.map((p) => [p.secondsIn / 3600, p.value] as const)), 3),
  };
}

/**
 * Per process, the trend of each figure it was sampled for: `rssMiB` for every process, and `heapUsedMiB`,
 * `eventLoopP50Ms`, `eventLoopP99Ms`, `eventLoopMaxMs` for the services.
 */
export function soakTrends(samples: readonly SoakSample[]): Record<string, ProcessTrends> {
  const processes = new Set(
    samples.flatMap((s) => [...Object.keys(s.rssMiB), ...Object.keys(s.eventLoopMs)]),
  );
  const trends: Record<string, ProcessTrends> = {};
  for (const name of processes) {
    const series: Record<string, Array<{ secondsIn: number; value: number | null }>> = {
      rssMiB: samples.map((s) => ({ secondsIn: s.secondsIn, value: s.rssMiB[name] ?? null })),
    };
    if (samples.some((s) => s.heapUsedMiB && name in s.heapUsedMiB))
      series.heapUsedMiB = samples.map((s) => ({
        secondsIn: s.secondsIn,
        value: s.heapUsedMiB?.[name] ?? null,
      }));
    if (samples.some((s) => name in s.eventLoopMs))
      for (const [figure, key] of [
        ['eventLoopP50Ms', 'p50'],
        ['eventLoopP99Ms', 'p99'],
        ['eventLoopMaxMs', 'max'],
      ] as const)
        series[figure] = samples.map((s) => ({
          secondsIn: s.secondsIn,
          value: s.eventLoopMs[name]?.[key] ?? null,
        }));
    const own: ProcessTrends = {};
    for (const [figure, points] of Object.entries(series)) {
      const trend = trendOf(points);
      if (trend) own[figure] = trend;
    }
    trends[name] = own;
  }
  return trends;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Ordinary least squares; 0 when every x is the same (no time passed, no slope to speak of). */
function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const mx = mean(points.map(([x]) => x));
  const my = mean(points.map(([, y]) => y));
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
