import {
  EVENT_TYPES,
  type EventType,
  type RecordChangeEvent,
  type RecordChangeEventMap,
} from '@crosscare/events';

/**
 * What a patient's shared record is made of, by clinical meaning. Each kind is one section of the record a
 * clinician reads; the record API groups items by it.
 */
export const ITEM_KINDS = [
  'demographics',
  'death',
  'problem',
  'allergy',
  'medication-prescribed',
  'medication-dispensed',
  'encounter',
  'observation',
  'immunisation',
  'care-plan',
  'referral',
  'social-care',
  'end-of-life',
  'sharing-objection',
  'alert',
  'document',
  'result',
  'procedure',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** Event types whose latest version is an item of the record (everything but RecordRemoved and PatientMerged). */
export type ItemEventType = Exclude<EventType, 'RecordRemoved' | 'PatientMerged'>;

/** The item event types, in EVENT_TYPES order. */
export const ITEM_EVENT_TYPES: readonly ItemEventType[] = EVENT_TYPES.filter(
  (type): type is ItemEventType => type !== 'RecordRemoved' && type !== 'PatientMerged',
);

/** An event that sets an item, typed by its header.eventType. */
export type ItemEvent = RecordChangeEventMap[ItemEventType];

export function isItemEventType(eventType: string): eventType is ItemEventType {
  return (ITEM_EVENT_TYPES as readonly string[]).includes(eventType);
}

export function isItemEvent(event: RecordChangeEvent): event is ItemEvent {
  return isItemEventType(event.header.eventType);
}

/**
 * Narrows an event by header.eventType, the only field that names its type (the generated interfaces do not
 * discriminate on it, since it is a plain string in the schema).
 */
export function isEventOf<T extends EventType>(
  event: RecordChangeEvent,
  eventType: T,
): event is RecordChangeEventMap[T] {
  return event.header.eventType === eventType;
}

/**
 * Identity of one item in the read model: a provider's source record, and which part of it. Almost every source
 * record is one part; an encounter is two (EncounterStarted and EncounterEnded share a sourceRecordId and may arrive
 * in either order), and a patient's details are one part whichever of PatientRegistered / PatientDetailsChanged
 * carried them.
 */
export interface ItemKey {
  readonly providerOdsCode: string;
  readonly sourceRecordId: string;
  /** e.g. 'PatientDetails', 'EncounterStarted', 'EncounterEnded', 'AllergyRecorded'. */
  readonly part: string;
}

/**
 * One write to the read model: the item at this key becomes this version, or (removed) a tombstone at this version
 * so that an older version arriving late cannot bring the item back. A write only takes effect when it supersedes
 * the stored one (see `supersedes`), so applying writes in any order gives the same result.
 */
export interface ItemWrite extends ItemKey {
  readonly kind: ItemKind;
  /** The NHS number the event was recorded under; the store resolves merges to the surviving number. */
  readonly nhsNumber: string;
  readonly ics: string;
  readonly collaborative: string;
  readonly sourceRecordVersion: number;
  readonly eventId: string;
  readonly eventType: string;
  /** Epoch ms. */
  readonly occurredAt: number;
  /** Epoch ms. */
  readonly recordedAt: number;
  readonly removed: boolean;
  /** The event that set the item (for a tombstone, the RecordRemoved), as decoded. */
  readonly event: RecordChangeEvent;
}

/** A merge to apply: everything under the retired NHS number moves to the surviving one, which it then points to. */
export interface MergeChange {
  readonly retiredNhsNumber: string;
  readonly survivingNhsNumber: string;
  readonly providerOdsCode: string;
  readonly ics: string;
  readonly eventId: string;
  /** Epoch ms. */
  readonly occurredAt: number;
}
