import * as fs from 'node:fs';
import { sleep } from './load';
import { SERVICES, type PrivateStack, type ServiceName } from './private-stack';
import {
  eventLoopDelayOf,
  heapUsedMiBOf,
  soakTrends,
  type EventLoopDelay,
  type SoakSample,
} from './soak-trend';

export type { SoakSample } from './soak-trend';

const SAMPLE_EVERY_MS = 10_000;

/** `--soak 30m`, `--soak 90s`, `--soak 2h` in milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(text);
  if (!match) throw new Error(`--soak takes a duration such as 30m, 90s or 2h (got ${text})`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
}

/** VmRSS of a process in MiB, from /proc; null once it is gone. */
function rssMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/** Where each service answers HTTP, as the stack started it. */
function serviceUrl(stack: PrivateStack, service: ServiceName): string {
  const running = stack.stack;
  return {
    registry: running.schemaRegistryUrl,
    ingest: running.ingestUrl,
    'projector-ccr': running.projectorUrls.CCR,
    'projector-ohc': running.projectorUrls.OHC,
    'record-api': running.recordApiUrl,
    'sde-publisher': running.sdePublisherUrl,
  }[service];
}

interface ServiceFigures {
  readonly eventLoop: EventLoopDelay | null;
  readonly heapUsedMiB: number | null;
}

/** The event-loop delay and heap in use a service's /metrics serves (libs/metrics); nulls when it does not answer. */
async function serviceFigures(url: string): Promise<ServiceFigures> {
  try {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) return { eventLoop: null, heapUsedMiB: null };
    const text = await response.text();
    return { eventLoop: eventLoopDelayOf(text) ?? null, heapUsedMiB: heapUsedMiBOf(text) ?? null };
  } catch {
    return { eventLoop: null, heapUsedMiB: null };
  }
}

async function figures(stack: PrivateStack): Promise<Record<string, ServiceFigures>> {
  const names = Object.keys(SERVICES) as ServiceName[];
  const read = await Promise.all(names.map((name) => serviceFigures(serviceUrl(stack, name))));
  return Object.fromEntries(names.map((name, i) => [name, read[i]]));
}

const ms = (delay: EventLoopDelay | null) => (delay ? `${delay.p50}/${delay.p99}/${delay.max}` : '-');

/**
 * Samples every service's and broker's resident memory, and every service's heap in use and event-loop delay (p50,
 * p99 and max from its /metrics), every 10 s until `durationMs` has passed. Node's delay histogram is reset by each scrape, so
 * one scrape before the first sample starts every sample's window at the previous one: each covers its 10 s, not
 * the service's start-up.
 */
export async function soak(
  stack: PrivateStack,
  durationMs: number,
  log: (line: string) => void,
): Promise<SoakSample[]> {
  const samples: SoakSample[] = [];
  await figures(stack);
  const started = Date.now();
  while (Date.now() - started < durationMs) {
    await sleep(SAMPLE_EVERY_MS);
    const served = await figures(stack);
    const eventLoopMs = Object.fromEntries(Object.entries(served).map(([name, f]) => [name, f.eventLoop]));
    const heapUsedMiB = Object.fromEntries(Object.entries(served).map(([name, f]) => [name, f.heapUsedMiB]));
    const rss: Record<string, number | null> = {};
    for (const name of Object.keys(SERVICES) as ServiceName[]) rss[name] = rssMiB(stack.pidOf(name));
    for (const broker of await stack.brokerPids()) rss[`broker-${broker.nodeId}`] = rssMiB(broker.pid);
    const secondsIn = Math.round((Date.now() - started) / 1000);
    samples.push({ secondsIn, rssMiB: rss, heapUsedMiB, eventLoopMs });
    log(
      `  soak ${secondsIn} s: ` +
        Object.entries(rss)
          .map(
            ([name, mib]) =>
              `${name} ${mib ?? '-'} MiB` +
              (name in eventLoopMs ? ` (heap ${heapUsedMiB[name] ?? '-'}) ${ms(eventLoopMs[name])}` : ''),
          )
          .join(', ') +
        ' (RSS (heap used) MiB; event-loop delay p50/p99/max ms)',
    );
  }
  return samples;
}

/** The trends, one row per process and figure: what the end of a soak prints. */
export function printSoakTrends(samples: readonly SoakSample[]): void {
  const rows = Object.entries(soakTrends(samples)).flatMap(([process, figures]) =>
    Object.entries(figures).map(([figure, t]) => ({
      process,
      figure,
      samples: t.samples,
      'first quarter': t.firstQuarterMean,
      'last quarter': t.lastQuarterMean,
      change: t.relativeChange === null ? '-' : `${(t.relativeChange * 100).toFixed(1)} %`,
      'slope per hour': t.slopePerHour,
    })),
  );
  console.table(rows);
}
