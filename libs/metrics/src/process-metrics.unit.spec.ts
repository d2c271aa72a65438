import { Registry } from 'prom-client';
import { processMetricsRegistry, registerProcessMetrics } from './process-metrics';

/** The names docs/operations.md lists and the reliability soak reads. */
const SOAK_READS = [
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_eventloop_lag_max_seconds',
  'process_resident_memory_bytes',
  'nodejs_heap_size_used_bytes',
];

function names(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? line),
  );
}

describe('registerProcessMetrics', () => {
  it('adds the event-loop delay, resident memory and heap to the registry it is given', async () => {
    const registry = registerProcessMetrics(new Registry());
    const served = names(await registry.metrics());
    for (const name of SOAK_READS) expect(served).toContain(name);
  });

  it('leaves a registry it was not given alone', async () => {
    const other = new Registry();
    registerProcessMetrics(new Registry());
    expect(await other.metrics()).not.toContain('nodejs_eventloop_lag_p99_seconds');
  });

  it('registers once per registry, however often it is called (prom-client refuses a name twice)', async () => {
    const registry = new Registry();
    registerProcessMetrics(registry);
    expect(() => registerProcessMetrics(registry)).not.toThrow();
    const p99Lines = (await registry.metrics())
      .split('\n')
      .filter((line) => line.startsWith('nodejs_eventloop_lag_p99_seconds'));
    expect(p99Lines).toHaveLength(1);
  });

  it('keeps the default labels of the service registry on the process metrics', async () => {
    const registry = processMetricsRegistry({ instance: 'ingest-a' });
    expect(await registry.metrics()).toMatch(/^process_resident_memory_bytes\{instance="ingest-a"\} \d+/m);
  });
});
