import type { RecordChangeEvent } from '@crosscare/events';
import { compareCodeUnits } from '../item-key';

/**
 * Sorts events newest first by a clinical time (unknown times last), then by when they occurred, then by eventId,
 * so that every list of the view has one order whatever order the snapshots listed their items in.
 */
export function newestFirst<E extends RecordChangeEvent>(
  events: readonly E[],
  clinicalTime: (event: E) => number | null = (event) => event.header.occurredAt,
): E[] {
  return [...events].sort((a, b) => {
    const at = clinicalTime(a);
    const bt = clinicalTime(b);
    if (at !== bt) {
      if (at === null) return 1;
      if (bt === null) return -1;
      return bt - at;
    }
    return b.header.occurredAt - a.header.occurredAt || compareCodeUnits(a.header.eventId, b.header.eventId);
  });
}
