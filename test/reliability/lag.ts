import type { PrivateStack } from './private-stack';
import { sleep } from './load';

interface LagReading {
  /** The largest partition lag either projector reports (crosscare_consumer_lag). */
  readonly maxLag: number;
  /** Partitions reporting any lag, as `topic[partition]=lag`. */
  readonly behind: string[];
  readonly totalLag: number;
  /** Rows waiting in the projectors' changelog outboxes and in ingest's outbox. */
  readonly outbox: number;
}

async function readLag(urls: readonly string[]): Promise<LagReading | undefined> {
  let maxLag = 0;
  let totalLag = 0;
  let outbox = 0;
  const behind: string[] = [];
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
      if (line.startsWith('crosscare_consumer_lag{')) {
        maxLag = Math.max(maxLag, value);
        totalLag += value;
        const topic = /topic="([^"]+)"/.exec(line)?.[1];
        const partition = /partition="(\d+)"/.exec(line)?.[1];
        if (value > 0) behind.push(`${topic}[${partition}]=${value}`);
      } else if (
        line.startsWith('crosscare_projector_outbox_pending') ||
        line.startsWith('crosscare_ingest_outbox_pending')
      )
        outbox += value;
    }
  }
  return { maxLag, totalLag, outbox, behind };
}

/**
 * How long the figures must stand still, above 0, for the wait to call a partition stuck. Longer than a transaction a
 * killed ingest's relay left open can hold a partition: the next relay fences it at once, or the broker aborts it
 * after the relay's transaction timeout (INGEST_RELAY_TIMEOUT_MS, 30 s by default) at its next check (every 10 s).
 */
const STUCK_AFTER_MS = 45_000;

/**
 * How the wait for zero lag ended. Only 'reached' is a pass: every partition's lag 0 (the projectors move their
 * positions past commit markers and aborted transactions, so a fully projected partition shows 0) and nothing
 * pending. 'quiescent' is a failure with a name: the figures stopped moving (STUCK_AFTER_MS) with some partition still
 * behind, which a projector that consumed everything no longer shows (docs/reliability.md, finding 2), so such a
 * partition is stuck; `stuck` names it. 'timed-out': still moving when the time ran out.
 */
export interface LagOutcome {
  readonly state: 'reached' | 'quiescent' | 'timed-out';
  /** Partitions still behind (lag above 0) when the wait ended. */
  readonly stuck: string[];
}

export async function waitForZeroLag(stack: PrivateStack, timeoutMs = 300_000): Promise<LagOutcome> {
  // Ingest first: until its outbox is empty, acknowledged events may not be on their topics yet.
  const urls = [stack.stack.ingestUrl, stack.stack.projectorUrls.CCR, stack.stack.projectorUrls.OHC];
  const deadline = Date.now() + timeoutMs;
  let unchangedSince = Date.now();
  let previous: LagReading | undefined;
  while (Date.now() < deadline) {
    const reading = await readLag(urls);
    if (reading && reading.maxLag === 0 && reading.outbox === 0) {
      // Twice in a row: one reading can fall between a batch's commit and the next fetch.
      await sleep(2000);
      const again = await readLag(urls);
      if (again && again.maxLag === 0 && again.outbox === 0) return { state: 'reached', stuck: [] };
    }
    const same =
      reading &&
      previous &&
      reading.totalLag === previous.totalLag &&
      reading.outbox === 0 &&
      previous.outbox === 0;
    if (!same) unchangedSince = Date.now();
    else if (Date.now() - unchangedSince > STUCK_AFTER_MS)
      return { state: 'quiescent', stuck: reading.behind };
    previous = reading;
    await sleep(1000);
  }
  return { state: 'timed-out', stuck: previous?.behind ?? [] };
}
