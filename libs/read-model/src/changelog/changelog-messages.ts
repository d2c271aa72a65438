import {
  changelogKey,
  compareCodeUnits,
  type ItemKey,
  type ItemKind,
  type PatientRecordHead,
} from '@crosscare/projection';
import type { ItemIdentity } from './changelog-avro';
import type { OutboxMessage } from './changelog-outbox';

/** One item whose visible state changed for a patient: published as the item's new value, or as its tombstone. */
export interface ItemChange {
  /** The patient whose changelog carries the message. */
  readonly nhsNumber: string;
  readonly key: ItemKey;
  readonly kind: ItemKind;
  /** The item as stored (its union branch, then its event); null when the item left the patient's record. */
  readonly item: Buffer | null;
}

/**
 * What one batch transaction changed, per patient, as the changelog will say it: the item changes in the order they
 * happened, and how each patient's count of current items moved. Every patient in `touched` publishes one head after
 * its item changes, even with none (a merge pointer that moved is a change too).
 */
export class PatientChanges {
  private readonly items = new Map<string, ItemChange[]>();
  private readonly counts = new Map<string, number>();
  private readonly patients = new Set<string>();

  /** The item now has this value under `nhsNumber`; `wasCurrent`: it already was one of that patient's items. */
  set(change: ItemChange & { readonly item: Buffer }, wasCurrent: boolean): void {
    this.add(change, wasCurrent ? 0 : 1);
  }

  /** The item, one of `nhsNumber`'s current items, left that patient's record (removed, or moved to another number). */
  remove(change: Omit<ItemChange, 'item'>): void {
    this.add({ ...change, item: null }, -1);
  }

  /** A patient whose head changes without an item changing (a merge pointer). */
  touch(nhsNumber: string): void {
    this.patients.add(nhsNumber);
  }

  /** Patients with a change, sorted. */
  touched(): string[] {
    return [...this.patients].sort(compareCodeUnits);
  }

  itemChangesOf(nhsNumber: string): readonly ItemChange[] {
    return this.items.get(nhsNumber) ?? [];
  }

  /** How many current items the patient gained (or, negative, lost). */
  countChangeOf(nhsNumber: string): number {
    return this.counts.get(nhsNumber) ?? 0;
  }

  private add(change: ItemChange, countChange: number): void {
    const list = this.items.get(change.nhsNumber) ?? [];
    list.push(change);
    this.items.set(change.nhsNumber, list);
    this.counts.set(change.nhsNumber, (this.counts.get(change.nhsNumber) ?? 0) + countChange);
    this.patients.add(change.nhsNumber);
  }
}

/** A head as the store numbers it: what PatientRecordHead says, but the collaborative and the change's size. */
export type RecordHead = Omit<PatientRecordHead, 'collaborative' | 'changeItems'>;

/** Encodes changelog values: ChangelogSerde, or anything that frames the same bytes. */
export interface ChangelogEncoder {
  encodeHead(head: PatientRecordHead): Promise<Buffer>;
  encodeItem(identity: ItemIdentity, storedItem: Buffer): Promise<Buffer>;
}

/**
 * The outbox messages of numbered changes: for each patient, in number order, its item changes in the order they
 * happened (values and tombstones, each with the change's sequence), then its head.
 */
export async function outboxMessagesOf(
  heads: readonly RecordHead[],
  changes: PatientChanges,
  collaborative: string,
  encoder: ChangelogEncoder,
): Promise<OutboxMessage[]> {
  const messages: OutboxMessage[] = [];
  for (const head of heads) {
    const { nhsNumber, sequence, updatedAt } = head;
    const items = changes.itemChangesOf(nhsNumber);
    for (const change of items) {
      const { providerOdsCode, sourceRecordId, part } = change.key;
      messages.push({
        nhsNumber,
        sequence,
        key: changelogKey(nhsNumber, change.key),
        payload:
          change.item === null
            ? null
            : await encoder.encodeItem(
                {
                  nhsNumber,
                  collaborative,
                  sequence,
                  updatedAt,
                  providerOdsCode,
                  sourceRecordId,
                  part,
                  kind: change.kind,
                },
                change.item,
              ),
      });
    }
    messages.push({
      nhsNumber,
      sequence,
      key: changelogKey(nhsNumber),
      payload: await encoder.encodeHead({ ...head, collaborative, changeItems: items.length }),
    });
  }
  return messages;
}
