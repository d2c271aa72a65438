import { testNhsNumber } from '@crosscare/events/synthetic';
import { signDevelopmentToken } from '@crosscare/identity';
import { developmentIssuerDirectories, type StackPaths } from '@crosscare/local-stack';
import { randomUUID } from 'node:crypto';
import { PATIENTS } from './load';

/** Reads per second, over four readers: each stays well under the record API's 120 a minute per user. */
const READ_RATE = 2;
const READERS = 4;

/** One read of a shared record, as its reader saw it: the correlation id it sent, and the answer. */
export interface SentRead {
  readonly correlationId: string;
  readonly at: number;
  /** The HTTP status, or 'no-answer' (connection dropped, or 15 s without an answer). */
  answer?: string;
}

/**
 * Clinicians of a GP practice reading random patients' records from the CCR record API during the load, each read
 * with a correlation id of its own (X-Correlation-ID), which the audit event carries: the oracle matches them.
 */
export class RecordReader {
  readonly reads: SentRead[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private serial = 0;

  private constructor(
    private readonly recordApiUrl: () => string,
    private readonly tokens: readonly string[],
  ) {}

  /** Development tokens from the private stack's development issuer, as `npm run record-api:token` makes them. */
  static async create(
    paths: StackPaths,
    organisation: string,
    recordApiUrl: () => string,
  ): Promise<RecordReader> {
    const { secretsDir } = developmentIssuerDirectories(paths);
    const tokens = await Promise.all(
      Array.from({ length: READERS }, (_, i) =>
        signDevelopmentToken(
          {
            sub: `reliability-reader-${i}`,
            name: `Reliability Reader ${i}`,
            role: 'clinician',
            org: organisation,
          },
          { secretsDir, lifetimeSeconds: 3600 },
        ),
      ),
    );
    return new RecordReader(recordApiUrl, tokens);
  }

  start(): void {
    this.timer = setInterval(() => {
      const work = this.read().finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    }, 1000 / READ_RATE);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async read(): Promise<void> {
    const n = this.serial++;
    const read: SentRead = { correlationId: randomUUID(), at: Date.now() };
    this.reads.push(read);
    try {
      const response = await fetch(
        `${this.recordApiUrl()}/patients/${testNhsNumber(1 + (n % PATIENTS))}/record`,
        {
          headers: {
            authorization: `Bearer ${this.tokens[n % this.tokens.length]}`,
            'x-purpose-of-use': 'DIRECT_CARE',
            'x-correlation-id': read.correlationId,
          },
          signal: AbortSignal.timeout(15_000),
        },
      );
      await response.arrayBuffer();
      read.answer = String(response.status);
    } catch {
      read.answer = 'no-answer';
    }
  }
}
