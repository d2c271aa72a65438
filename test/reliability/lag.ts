import type { PrivateStack } from './private-stack';
import { sleep } from './load';

interface LagReading {
  /** The largest partition lag either projector reports (crosscare_projector_consumer_lag). */
  readonly maxLag: number;
  /** Partitions reporting a lag above 1, as `topic[partition]=lag`. */
  readonly above1: string[];
  readonly totalLag: number;
  readonly outbox: number;
}

async function readLag(urls: readonly string[]): Promise<LagReading | undefined> {
  let maxLag = 0;
  let totalLag = 0;
  let outbox = 0;
  const above1: string[] = [];
  for (const url of urls) {
    let text: string;
    try {
      const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) return undefined;
      text = await response.text();
    } catch {
      return undefined;
    }
    for (const line of text.split('\n')) {
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (line.startsWith('crosscare_projector_consumer_lag{')) {
        maxLag = Math.max(maxLag, value);
        totalLag += value;
        const topic = /topic="([^"]+)"/.exec(line)?.[1];
        const partition = /partition="(\d+)"/.exec(line)?.[1];
        if (value > 1) above1.push(`${topic}[${partition}]=${value}`);
      } else if (line.startsWith('crosscare_projector_outbox_pending')) outbox += value;
    }
  }
  return { maxLag, totalLag, outbox, above1 };
}

/**
 * Waits until both projectors have projected everything and relayed their outboxes: every partition's lag at most
 * 1 (a transactional partition fully projected shows 1, its commit marker) and nothing pending. A partition that
 * ends in an aborted transaction (ingest killed mid-transaction) keeps a lag of the aborted records plus the
 * marker, which no projector can consume: such a stack is 'quiescent' once its figures have not moved for 15 s.
 */
export interface LagOutcome {
  readonly state: 'reached' | 'quiescent' | 'timed-out';
  /** Partitions still above 1 when the wait ended. */
  readonly stuck: string[];
}

export async function waitForZeroLag(stack: PrivateStack, timeoutMs = 300_000): Promise<LagOutcome> {
  const urls = [stack.stack.projectorUrls.CCR, stack.stack.projectorUrls.OHC];
  const deadline = Date.now() + timeoutMs;
  let unchangedSince = Date.now();
  let previous: LagReading | undefined;
  while (Date.now() < deadline) {
    const reading = await readLag(urls);
    if (reading && reading.maxLag <= 1 && reading.outbox === 0) {
      // Twice in a row: one reading can fall between a batch's commit and the next fetch.
      await sleep(2000);
      const again = await readLag(urls);
      if (again && again.maxLag <= 1 && again.outbox === 0) return { state: 'reached', stuck: [] };
    }
    const same =
      reading &&
      previous &&
      reading.totalLag === previous.totalLag &&
      reading.outbox === 0 &&
      previous.outbox === 0;
    if (!same) unchangedSince = Date.now();
    else if (Date.now() - unchangedSince > 15_000) return { state: 'quiescent', stuck: reading.above1 };
    previous = reading;
    await sleep(1000);
  }
  return { state: 'timed-out', stuck: previous?.above1 ?? [] };
}
