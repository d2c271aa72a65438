/** A record on its way to Kafka: what the loader hands to a producer. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface LaneSenderOptions {
  /** Batches in flight at once. */
  readonly lanes: number;
  /** Records per send. */
  readonly batchSize: number;
  /** Sends one batch; resolves once the broker has it. */
  readonly send: (batch: readonly OutgoingRecord[]) => Promise<void>;
}

interface Lane {
  batch: OutgoingRecord[];
  inFlight: Promise<void>;
}

/**
 * Sends records in batches, several at once for throughput, without reordering a patient's events: a key always
 * takes the same lane, and a lane sends one batch at a time, so even a send the producer retries cannot overtake
 * an earlier one of the same key. Memory stays bounded: adding waits while the lane's previous batch is in flight.
 */
export class LaneSender {
  private readonly lanes: Lane[];
  private failure: Error | undefined;
  private sentCount = 0;

  constructor(private readonly options: LaneSenderOptions) {
    if (!Number.isInteger(options.lanes) || options.lanes < 1)
      throw new RangeError('lanes must be at least 1');
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
      throw new RangeError('batchSize must be at least 1');
    this.lanes = Array.from({ length: options.lanes }, () => ({ batch: [], inFlight: Promise.resolve() }));
  }

  /** Records the broker has acknowledged. */
  get sent(): number {
    return this.sentCount;
  }

  async add(record: OutgoingRecord): Promise<void> {
    this.throwIfFailed();
    const lane = this.lanes[laneOf(record.key, this.lanes.length)];
    lane.batch.push(record);
    if (lane.batch.length >= this.options.batchSize) await this.dispatch(lane);
  }

  /** Sends what is left and waits for every lane. */
  async flush(): Promise<void> {
    for (const lane of this.lanes) if (lane.batch.length > 0) await this.dispatch(lane);
    await Promise.all(this.lanes.map((lane) => lane.inFlight));
    this.throwIfFailed();
  }

  private async dispatch(lane: Lane): Promise<void> {
    await lane.inFlight;
    this.throwIfFailed();
    const batch = lane.batch;
    lane.batch = [];
    lane.inFlight = this.options.send(batch).then(
      () => {
        this.sentCount += batch.length;
      },
      (error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/** FNV-1a of the key: a stable lane per key, spread evenly. */
export function laneOf(key: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % lanes;
}
