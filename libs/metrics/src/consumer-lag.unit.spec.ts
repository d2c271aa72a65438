import { Registry } from 'prom-client';
import { ConsumerLagMetrics, LagMonitor, measureLag, type TopicOffsets } from './consumer-lag';

const brokers: TopicOffsets = {
  fetchTopicOffsets: (topic) =>
    Promise.resolve(
      topic === 'a'
        ? [
            { partition: 0, low: '0', high: '10' },
            { partition: 1, low: '4', high: '9' },
          ]
        : [{ partition: 0, low: '0', high: '3' }],
    ),
};

describe('measureLag', () => {
  it("is the partition's end minus the stored position, from the start offset when nothing is stored", async () => {
    const lags = await measureLag(
      brokers,
      () => Promise.resolve([{ topic: 'a', partition: 0, nextOffset: 7n }]),
      ['a'],
    );
    expect(lags).toEqual([
      { topic: 'a', partition: 0, endOffset: 10n, position: 7n, lag: 3n },
      { topic: 'a', partition: 1, endOffset: 9n, position: 4n, lag: 5n },
    ]);
  });

  it('never goes below 0 (a position past the end, as markers may leave it)', async () => {
    const [lag] = await measureLag(
      brokers,
      () => Promise.resolve([{ topic: 'b', partition: 0, nextOffset: 5n }]),
      ['b'],
    );
    expect(lag.lag).toBe(0n);
  });

  it('asks the position source for the topics it measures', async () => {
    const asked: (readonly string[])[] = [];
    await measureLag(
      brokers,
      (topics) => {
        asked.push(topics);
        return Promise.resolve([]);
      },
      ['a', 'b'],
    );
    expect(asked).toEqual([['a', 'b']]);
  });
});

describe('LagMonitor', () => {
  it('sets crosscare_consumer_lag per partition and when the group was measured', async () => {
    const registry = new Registry();
    const metrics = new ConsumerLagMetrics(registry);
    const monitor = new LagMonitor({
      brokers,
      positions: () => Promise.resolve([]),
      topics: () => ['b'],
      group: 'crosscare-projector-ccr',
      metrics,
      intervalMs: 60_000,
      warn: () => {},
      clock: () => 1_700_000_000_000,
    });
    expect(await monitor.refresh()).toHaveLength(1);
    const text = await registry.metrics();
    expect(text).toContain(
      'crosscare_consumer_lag{group="crosscare-projector-ccr",topic="b",partition="0"} 3',
    );
    expect(text).toContain(
      'crosscare_consumer_lag_measured_timestamp_seconds{group="crosscare-projector-ccr"} 1700000000',
    );
    expect(monitor.lags[0].lag).toBe(3n);
  });

  it('keeps the previous figures and timestamp when a measurement fails, and says why', async () => {
    const registry = new Registry();
    const metrics = new ConsumerLagMetrics(registry);
    const warnings: string[] = [];
    let fail = false;
    const monitor = new LagMonitor({
      brokers,
      positions: () => (fail ? Promise.reject(new Error('database away')) : Promise.resolve([])),
      topics: ['b'],
      group: 'g',
      metrics,
      intervalMs: 5,
      warn: (m) => warnings.push(m),
      clock: () => 1000,
    });
    await monitor.refresh();
    fail = true;
    monitor.start();
    while (warnings.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await monitor.stop();
    expect(warnings[0]).toBe('lag not measured: database away (group g)');
    expect(await registry.metrics()).toContain(
      'crosscare_consumer_lag_measured_timestamp_seconds{group="g"} 1',
    );
    expect(monitor.lags).toHaveLength(1);
  });
});
