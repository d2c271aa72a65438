import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * How often Node samples the event loop's delay (monitorEventLoopDelay's resolution, prom-client's
 * eventLoopMonitoringPrecision). Each sample is the whole interval between two timer runs, so an idle loop reads
 * this much: nodejs_eventloop_lag_p50_seconds ≈ 0.010 means no delay, and the delay is what lies above it.
 */
export const EVENT_LOOP_RESOLUTION_MS = 10;

/** What every service's GET /metrics answers with (Prometheus text format 0.0.4). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const registered = new WeakSet<Registry>();

/**
 * Adds Node's process metrics to a service's own registry (never prom-client's global one: tests run several
 * services in one process): resident memory (process_resident_memory_bytes), heap (nodejs_heap_size_*_bytes), CPU,
 * handles, GC, and the event loop's delay (nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds).
 *
 * The delay percentiles cover the time since the previous scrape: every collection resets Node's histogram, so two
 * scrapers of one /metrics each see part of the picture. Each registry enables a monitor of its own for the life of
 * the process; calling this again for the same registry adds nothing.
 */
export function registerProcessMetrics(registry: Registry): Registry {
  if (registered.has(registry)) return registry;
  registered.add(registry);
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_RESOLUTION_MS });
  return registry;
}

/** A registry holding only the process metrics, for a service with no metrics of its own. */
export function processMetricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  return registerProcessMetrics(registry);
}
