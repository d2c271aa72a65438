import type { RecordChangeEvent, RecordChangeSerde } from '@crosscare/events';
import { positionKey, readAtPositions } from '@crosscare/kafka';
import type { Kafka } from 'kafkajs';
import type { SourcePosition } from '../store/subscription-store';

/** Record changes this instance consumed lately, kept for delivery; older ones are read from Kafka again. */
export const DEFAULT_EVENT_CACHE_SIZE = 20_000;
const READ_TIMEOUT_MS = 30_000;

/**
 * The content of numbered events, by their position on the ICS topics, which keep every event forever: a full-resource
 * notification or an $events answer renders the event as it was sent, read from the source of truth, never from a
 * copy in this service's database. What was just consumed is usually still in memory; after a restart, on another
 * instance, or for an old $events range, it is read from Kafka at its offsets.
 */
export class SourceEvents {
  private readonly recent = new Map<string, RecordChangeEvent>();

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: RecordChangeSerde,
    private readonly reader: string,
    private readonly cacheSize = DEFAULT_EVENT_CACHE_SIZE,
  ) {}

  /** Keeps events just consumed; the oldest leave first. */
  remember(changes: readonly { event: RecordChangeEvent; source: SourcePosition }[]): void {
    if (this.cacheSize === 0) return;
    for (const { event, source } of changes) {
      const key = positionKey(source);
      this.recent.delete(key);
      this.recent.set(key, event);
    }
    for (const key of this.recent.keys()) {
      if (this.recent.size <= this.cacheSize) break;
      this.recent.delete(key);
    }
  }

  /** The events at these positions, by position key; a position that holds nothing is absent. */
  async read(positions: readonly SourcePosition[]): Promise<Map<string, RecordChangeEvent>> {
    const found = new Map<string, RecordChangeEvent>();
    const missing: SourcePosition[] = [];
    for (const position of positions) {
      const event = this.recent.get(positionKey(position));
      if (event) found.set(positionKey(position), event);
      else missing.push(position);
    }
    if (missing.length === 0) return found;
    const read = await readAtPositions(this.kafka, {
      positions: missing,
      reader: this.reader,
      timeoutMs: READ_TIMEOUT_MS,
      decode: async ({ message }) => (await this.serde.decode(message.value!)).event,
    });
    for (const [key, event] of read) found.set(key, event);
    return found;
  }
}
