import type { DataSource } from 'typeorm';
import { unavailable, type IngestError } from '../ingest-error';
import type { Acceptance } from '../intake/record-change-intake';
import type { IngestOutbox } from '../storage/ingest-outbox';

export interface OutboxAcceptanceOptions {
  /** Accepted events waiting to be published at which new requests are refused (503). */
  readonly maxPending: number;
  /** How long one count of the outbox is trusted: the count is shared by every request in that time. */
  readonly refreshMs: number;
  readonly retryAfterSeconds: number;
}

/**
 * Admission by the outbox's backlog. With the broker gone, ingest still accepts into Postgres, which is what a
 * provider's system needs from a shared record during a short broker outage; but not without bound: past
 * `maxPending` waiting events it answers 503, as it did when every request waited for the broker, so the senders
 * hold their messages rather than the outbox growing for ever.
 */
export class OutboxAcceptance implements Acceptance {
  private pending = 0;
  private countedAt = -Infinity;
  private counting?: Promise<void>;

  constructor(
    private readonly db: DataSource,
    private readonly outbox: IngestOutbox,
    private readonly relay: { notify(): void } | undefined,
    private readonly options: OutboxAcceptanceOptions,
  ) {}

  async refusal(): Promise<IngestError | undefined> {
    if (Date.now() - this.countedAt > this.options.refreshMs) await this.count();
    if (this.pending < this.options.maxPending) return undefined;
    return unavailable(
      this.options.retryAfterSeconds,
      `${this.pending} accepted events are waiting to be published (the limit is ${this.options.maxPending}): ` +
        'the event store (Kafka) is unreachable or behind; nothing was kept, send the same input again',
    );
  }

  accepted(): void {
    this.relay?.notify();
  }

  /** One count at a time, shared by the requests that arrive while it runs. */
  private count(): Promise<void> {
    this.counting ??= this.outbox
      .backlog(this.db)
      .then(({ pending }) => {
        this.pending = pending;
        this.countedAt = Date.now();
      })
      .finally(() => {
        this.counting = undefined;
      });
    return this.counting;
  }
}
