import type { RecordChangeEventMap } from '@crosscare/events';
import { compareCodeUnits, itemKeyString } from '../item-key';
import type { PatientRecord } from '../patient-record';
import { partOf } from '../project-event';
import { ITEM_EVENT_TYPES, isItemEvent, type ItemEvent, type ItemEventType } from '../record-item';
import { supersedes } from '../supersedes';

/** The current items of a patient, grouped by event type. */
export type ItemsByType = { readonly [T in ItemEventType]: readonly RecordChangeEventMap[T][] };

/**
 * The items of a patient's snapshots from every collaborative, each provider's record once. A collaborative only
 * projects its own providers, so an item should be in one snapshot; if both carry it, the version that supersedes
 * the other is kept (one event carried twice counts once).
 */
export function currentItemsByType(records: readonly PatientRecord[]): ItemsByType {
  const current = new Map<string, ItemEvent>();
  for (const event of records.flatMap((record) => record.items)) {
    if (!isItemEvent(event)) continue;
    const { header } = event;
    const key = itemKeyString({
      providerOdsCode: header.providerOdsCode,
      sourceRecordId: header.sourceRecordId,
      part: partOf(header.eventType) as string,
    });
    const kept = current.get(key);
    if (kept === undefined || supersedes(stampOf(event), stampOf(kept))) current.set(key, event);
  }

  const groups = Object.fromEntries(ITEM_EVENT_TYPES.map((type) => [type, [] as ItemEvent[]])) as {
    [T in ItemEventType]: ItemEvent[];
  };
  const inKeyOrder = [...current.entries()].sort(([a], [b]) => compareCodeUnits(a, b));
  for (const [, event] of inKeyOrder) groups[event.header.eventType as ItemEventType].push(event);
  return groups as unknown as ItemsByType;
}

function stampOf(event: ItemEvent) {
  return {
    sourceRecordVersion: event.header.sourceRecordVersion,
    removed: false,
    eventId: event.header.eventId,
  };
}
