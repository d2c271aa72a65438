import { eventLoopDelayOf, heapUsedMiBOf, soakTrends, trendOf, type SoakSample } from './soak-trend';

const every10s = (values: ReadonlyArray<number | null>) =>
  values.map((value, i) => ({ secondsIn: 10 * (i + 1), value }));

describe('trendOf', () => {
  it('gives a steady figure no change and no slope', () => {
    expect(trendOf(every10s([100, 100, 100, 100, 100, 100, 100, 100]))).toEqual({
      samples: 8,
      firstQuarterMean: 100,
      lastQuarterMean: 100,
      relativeChange: 0,
      slopePerHour: 0,
    });
  });

  it('gives a figure growing 1 MiB every 10 s a slope of 360 MiB an hour, and compares the quarters', () => {
    // 8 points: quarters of 2, means 100.5 and 106.5.
    const trend = trendOf(every10s([100, 101, 102, 103, 104, 105, 106, 107]));
    expect(trend).toEqual({
      samples: 8,
      firstQuarterMean: 100.5,
      lastQuarterMean: 106.5,
      relativeChange: 0.0597,
      slopePerHour: 360,
    });
  });

  it('fits a falling figure with a negative slope', () => {
    expect(trendOf(every10s([20, 18, 16, 14]))?.slopePerHour).toBe(-720);
  });

  it('skips samples without a value, and keeps their time for the rest', () => {
    // 50 at 10 s and 70 at 30 s: 1 a second, 3600 an hour, whatever the gap at 20 s.
    expect(trendOf(every10s([50, null, 70]))).toMatchObject({ samples: 2, slopePerHour: 3600 });
  });

  it('has nothing to say about fewer than two values', () => {
    expect(trendOf(every10s([null, 42, null]))).toBeUndefined();
    expect(trendOf([])).toBeUndefined();
  });

  it('keeps a quarter of at least one sample for short runs', () => {
    expect(trendOf(every10s([10, 30]))).toMatchObject({ firstQuarterMean: 10, lastQuarterMean: 30 });
  });

  it('gives no relative change from a first quarter of zero, and leaves the growth to the slope', () => {
    expect(trendOf(every10s([0, 0, 0, 5]))).toMatchObject({ relativeChange: null, slopePerHour: 540 });
  });
});

describe('eventLoopDelayOf', () => {
  const served = [
    '# HELP nodejs_eventloop_lag_p50_seconds The 50th percentile of the recorded event loop delays.',
    '# TYPE nodejs_eventloop_lag_p50_seconds gauge',
    'nodejs_eventloop_lag_p50_seconds{collaborative="CCR",instance="a"} 0.010125311',
    'nodejs_eventloop_lag_p90_seconds{collaborative="CCR",instance="a"} 0.0111',
    'nodejs_eventloop_lag_p99_seconds{collaborative="CCR",instance="a"} 0.012509183',
    'nodejs_eventloop_lag_max_seconds{collaborative="CCR",instance="a"} 0.206700543',
  ].join('\n');

  it('reads p50, p99 and max in milliseconds, labelled or not', () => {
    expect(eventLoopDelayOf(served)).toEqual({ p50: 10.125, p99: 12.509, max: 206.701 });
    expect(eventLoopDelayOf(served.replace(/\{[^}]*\}/g, ''))).toEqual({
      p50: 10.125,
      p99: 12.509,
      max: 206.701,
    });
  });

  it('gives nothing when a figure is missing or not a number, rather than a partial reading', () => {
    expect(eventLoopDelayOf(served.replace(/^nodejs_eventloop_lag_max.*$/m, ''))).toBeUndefined();
    expect(eventLoopDelayOf(served.replace('0.206700543', 'NaN'))).toBeUndefined();
    expect(eventLoopDelayOf('crosscare_projector_outbox_pending 0')).toBeUndefined();
  });

  it('does not take p90 or a longer name for p99', () => {
    const text = served
      .replace(/^nodejs_eventloop_lag_p99_seconds.*$/m, '')
      .concat('\nnodejs_eventloop_lag_p99_seconds_total 5');
    expect(eventLoopDelayOf(text)).toBeUndefined();
  });
});

describe('soakTrends', () => {
  const sample = (secondsIn: number, ingestRss: number, ingestP99: number | null): SoakSample => ({
    secondsIn,
    rssMiB: { ingest: ingestRss, 'broker-1': 500 },
    eventLoopMs: { ingest: ingestP99 === null ? null : { p50: 10, p99: ingestP99, max: ingestP99 * 2 } },
  });

  it('gives every process its RSS trend and each service its event-loop trends', () => {
    const trends = soakTrends([sample(10, 100, 11), sample(20, 110, null), sample(30, 120, 13)]);
    expect(Object.keys(trends).sort()).toEqual(['broker-1', 'ingest']);
    expect(Object.keys(trends['broker-1'])).toEqual(['rssMiB']);
    expect(Object.keys(trends.ingest).sort()).toEqual([
      'eventLoopMaxMs',
      'eventLoopP50Ms',
      'eventLoopP99Ms',
      'rssMiB',
    ]);
    expect(trends.ingest.rssMiB).toMatchObject({ samples: 3, slopePerHour: 3600 });
    expect(trends.ingest.eventLoopP99Ms).toMatchObject({
      samples: 2,
      firstQuarterMean: 11,
      lastQuarterMean: 13,
    });
    expect(trends.ingest.eventLoopMaxMs).toMatchObject({ samples: 2, slopePerHour: 720 });
  });

  it('gives a service its heap trend when the samples hold it, and samples from before heap was sampled none', () => {
    const withHeap = (secondsIn: number, heap: number): SoakSample => ({
      ...sample(secondsIn, 100, 11),
      heapUsedMiB: { ingest: heap },
    });
    const trends = soakTrends([withHeap(10, 40), withHeap(20, 40), withHeap(30, 40)]);
    expect(trends.ingest.heapUsedMiB).toMatchObject({ samples: 3, relativeChange: 0, slopePerHour: 0 });
    expect(trends['broker-1'].heapUsedMiB).toBeUndefined();
    expect(soakTrends([sample(10, 100, 11), sample(20, 100, 11)]).ingest.heapUsedMiB).toBeUndefined();
  });
});

describe('heapUsedMiBOf', () => {
  it('reads the heap in use in MiB, labelled or not, and not a longer name', () => {
    const text = [
      'nodejs_heap_size_total_bytes 90000000',
      'nodejs_heap_size_used_bytes{instance="a"} 52428800',
    ].join('\n');
    expect(heapUsedMiBOf(text)).toBe(50);
    expect(heapUsedMiBOf(text.replace('{instance="a"}', ''))).toBe(50);
    expect(heapUsedMiBOf('nodejs_heap_size_used_bytes_total 5')).toBeUndefined();
    expect(heapUsedMiBOf('nodejs_heap_size_total_bytes 90000000')).toBeUndefined();
  });
});
