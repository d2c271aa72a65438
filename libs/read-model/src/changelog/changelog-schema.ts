import { CHANGELOG_SCHEMAS, EVENT_NAMESPACE, type RecordChangeEvent } from '@crosscare/events';
import type { Schema } from 'avsc';
import { ITEM_EVENT_TYPES, isItemEventType, type PatientRecordHead } from '@crosscare/projection';

/** Namespace of the changelog topics' records. */
export { CHANGELOG_NAMESPACE } from '@crosscare/events';

/*
 * The Avro schemas of the changelog topics' values (schemas/changelog/, composed with the item events they name by
 * schemas:generate), registered under uk.nhs.crosscare.changelog.PatientRecordHead and .PatientRecordItem. Both are
 * self-contained like the event schemas, so any Confluent client reads the changelog without schema references.
 */

/** The end of a patient's change: its merge state and item count. Keyed by NHS number. */
export const PATIENT_RECORD_HEAD_SCHEMA: Schema = CHANGELOG_SCHEMAS.PatientRecordHead as Schema;

/** One current item of a patient's record: its identity, then its latest event. Keyed by NHS number and item. */
export const PATIENT_RECORD_ITEM_SCHEMA: Schema = CHANGELOG_SCHEMAS.PatientRecordItem as Schema;

// A stored item's first byte is its branch of `item` (recordItemFromPayload), numbered as ITEM_EVENT_TYPES lists
// them: the .avsc must name the same events in the same order, or every stored item would read as another event.
const branches = (
  (
    (PATIENT_RECORD_ITEM_SCHEMA as { fields: { name: string; type: unknown }[] }).fields.find(
      (field) => field.name === 'item',
    )?.type as { name: string }[] | undefined
  )?.map((branch) => branch.name) ?? []
).map((name) => name.replace(`${EVENT_NAMESPACE}.`, ''));
if (branches.join() !== ITEM_EVENT_TYPES.join())
  throw new Error(
    `schemas/changelog/PatientRecordItem.avsc lists the items ${branches.join(', ')}; the item events are ` +
      ITEM_EVENT_TYPES.join(', '),
  );

/** A PatientRecordItem as avsc reads and writes it: the event wrapped in an object keyed by its record's full name. */
export interface AvroPatientRecordItem {
  readonly nhsNumber: string;
  readonly collaborative: string;
  readonly sequence: number;
  readonly updatedAt: number;
  readonly providerOdsCode: string;
  readonly sourceRecordId: string;
  readonly part: string;
  readonly kind: string;
  readonly item: { readonly [fullName: string]: RecordChangeEvent };
}

/** A PatientRecordHead as avsc reads and writes it. */
export type AvroPatientRecordHead = Omit<PatientRecordHead, 'mergedFrom'> & { readonly mergedFrom: string[] };

/** Wraps an item event in its union branch, by header.eventType, for avsc to encode. */
export function wrapItem(event: RecordChangeEvent): AvroPatientRecordItem['item'] {
  const { eventType } = event.header;
  if (!isItemEventType(eventType))
    throw new Error(`A PatientRecordItem cannot be a ${eventType}: only item events are part of a record`);
  return { [`${EVENT_NAMESPACE}.${eventType}`]: event };
}

/** Unwraps an item event avsc decoded. */
export function unwrapItem(wrapped: AvroPatientRecordItem['item']): RecordChangeEvent {
  const values = Object.values(wrapped);
  if (values.length !== 1)
    throw new Error(`A PatientRecordItem's item must be one wrapped union branch, found ${values.length}`);
  return values[0];
}
