import type { RecordChangeEvent } from '@crosscare/events';
import { compareCodeUnits, compareItemKeys, itemKeyString } from './item-key';
import { projectEvent } from './project-event';
import type { ItemWrite, MergeChange } from './record-item';
import { supersedes } from './supersedes';

/** What a batch of events does to the read model, reduced to what the store has to apply. */
export interface BatchPlan {
  /**
   * At most one write per item key, the one that supersedes the batch's others, sorted by key so that concurrent
   * batches lock the rows they share in the same order and cannot deadlock.
   */
  readonly writes: ItemWrite[];
  /** In batch order: a later merge may build on an earlier one (A into B, then B into C). */
  readonly merges: MergeChange[];
  /** Events that cannot be applied, by their index in the batch, for the dead-letter topic. */
  readonly rejected: { readonly index: number; readonly reason: string }[];
  /**
   * Every NHS number the batch's applicable events name (item writes, including those superseded within the batch,
   * and both numbers of each merge), sorted and unique: the patient rows to lock, in a stable order.
   */
  readonly nhsNumbers: string[];
}

/**
 * Projects a batch and collapses it: only the winning write per item key goes to the store, which still compares
 * it with the stored version, so the result is the same as applying every event one by one in any order.
 */
export function planBatch(events: readonly RecordChangeEvent[]): BatchPlan {
  const winners = new Map<string, ItemWrite>();
  const merges: MergeChange[] = [];
  const rejected: { index: number; reason: string }[] = [];
  const nhsNumbers = new Set<string>();

  events.forEach((event, index) => {
    const projected = projectEvent(event);
    switch (projected.outcome) {
      case 'rejected':
        rejected.push({ index, reason: projected.reason });
        return;
      case 'merge':
        merges.push(projected.merge);
        nhsNumbers.add(projected.merge.retiredNhsNumber).add(projected.merge.survivingNhsNumber);
        return;
      case 'items':
        for (const write of projected.writes) {
          nhsNumbers.add(write.nhsNumber);
          const key = itemKeyString(write);
          const current = winners.get(key);
          if (current === undefined || supersedes(write, current)) winners.set(key, write);
        }
    }
  });

  return {
    writes: [...winners.values()].sort(compareItemKeys),
    merges,
    rejected,
    nhsNumbers: [...nhsNumbers].sort(compareCodeUnits),
  };
}
