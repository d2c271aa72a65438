import * as fs from 'node:fs';
import { sleep } from './load';
import { SERVICES, type PrivateStack, type ServiceName } from './private-stack';

const SAMPLE_EVERY_MS = 10_000;

/** One sample: each process's resident memory (MiB) at a moment of the soak. */
export interface SoakSample {
  readonly secondsIn: number;
  readonly rssMiB: Record<string, number | null>;
}

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

/**
 * Samples every service's and broker's resident memory every 10 s until `durationMs` has passed. Event-loop delay
 * is not sampled: the services do not expose it (no `nodejs_eventloop_lag_seconds` on any /metrics), and reading
 * it from outside would need each service to publish it first.
 */
export async function soak(
  stack: PrivateStack,
  durationMs: number,
  log: (line: string) => void,
): Promise<SoakSample[]> {
  const samples: SoakSample[] = [];
  const started = Date.now();
  while (Date.now() - started < durationMs) {
    const rss: Record<string, number | null> = {};
    for (const name of Object.keys(SERVICES) as ServiceName[]) rss[name] = rssMiB(stack.pidOf(name));
    for (const broker of await stack.brokerPids()) rss[`broker-${broker.nodeId}`] = rssMiB(broker.pid);
    const secondsIn = Math.round((Date.now() - started) / 1000);
    samples.push({ secondsIn, rssMiB: rss });
    log(
      `  soak ${secondsIn} s: RSS ` +
        Object.entries(rss)
          .map(([name, mib]) => `${name} ${mib ?? '-'}`)
          .join(', ') +
        ' MiB',
    );
    await sleep(SAMPLE_EVERY_MS);
  }
  return samples;
}
