import type { RecordChangeEvent } from '@crosscare/events';
import { Type, type Schema, type types } from 'avsc';
import { ITEM_EVENT_TYPES, type ItemEventType } from '@crosscare/projection';
import {
  PATIENT_RECORD_HEAD_SCHEMA,
  PATIENT_RECORD_ITEM_SCHEMA,
  unwrapItem,
  wrapItem,
  type AvroPatientRecordItem,
} from './changelog-schema';

/*
 * An item message is its identity (NHS number, sequence, provider, source record id, part, kind), then the item's
 * event as a value of the `item` union. The read model keeps every item already encoded as such a value (its branch
 * index, then the event), so an item message is the encoded identity followed by the stored bytes: the event is
 * never decoded and encoded again on its way from the ICS topic to the changelog.
 */

export const PATIENT_RECORD_HEAD_TYPE = Type.forSchema(PATIENT_RECORD_HEAD_SCHEMA) as types.RecordType;
export const PATIENT_RECORD_ITEM_TYPE = Type.forSchema(PATIENT_RECORD_ITEM_SCHEMA) as types.RecordType;

const itemField = PATIENT_RECORD_ITEM_TYPE.fields.at(-1);
// The assembly appends the item after everything else: it depends on `item` being the last field.
if (itemField?.name !== 'item') throw new Error('PatientRecordItem must end with its item field');

/** The union of item events, as `item` holds it (avsc wraps each value in an object keyed by its full name). */
export const RECORD_ITEM_TYPE = itemField.type;
// One byte of union index (recordItemFromPayload) holds branches 0 to 63.
if (ITEM_EVENT_TYPES.length > 64) throw new Error('the item union has outgrown one byte of branch index');

/** The fields of an item message before its item. */
const ITEM_IDENTITY_TYPE = Type.forSchema({
  type: 'record',
  name: 'PatientRecordItemIdentity',
  fields: (PATIENT_RECORD_ITEM_SCHEMA as { fields: object[] }).fields.slice(0, -1),
} as Schema) as types.RecordType;

/** The item union's schema, self-contained: what a read model records beside its items, to read them back. */
export const RECORD_ITEM_SCHEMA: string = JSON.stringify(RECORD_ITEM_TYPE.schema());

/**
 * Identifies the items' encoding: the SHA-256 of the union's Parsing Canonical Form, which covers exactly what
 * determines the bytes (docs and defaults do not). Items stored under another fingerprint must be re-encoded before
 * they are published under this schema. The union is the one the v1 PatientRecord's `items` held, so read models
 * built before the item-level changelog keep their items as they are.
 */
export const RECORD_ITEM_FINGERPRINT: string = RECORD_ITEM_TYPE.fingerprint('sha256').toString('hex');

/** An item event as the read model stores it: its union branch index, then the event. */
export function encodeRecordItem(event: RecordChangeEvent): Buffer {
  return RECORD_ITEM_TYPE.toBuffer(wrapItem(event));
}

/**
 * An item event as the read model stores it, from the Avro payload it arrived in: valid only when that payload was
 * written with this code's schema of the event (EventSerde's payloadAsRead), which is each branch of the union.
 * Saves encoding every event again; the result is what encodeRecordItem gives.
 */
export function recordItemFromPayload(eventType: string, payload: Buffer): Buffer {
  const branch = ITEM_EVENT_TYPES.indexOf(eventType as ItemEventType);
  if (branch < 0)
    throw new Error(`A PatientRecordItem cannot be a ${eventType}: only item events are part of a record`);
  // The union index as Avro writes a long (zigzag varint): one byte for the few branches there are.
  return Buffer.concat([Buffer.from([branch << 1]), payload]);
}

/** Reads a stored item; with a resolver when it was stored under another item schema (see recordItemResolver). */
export function decodeRecordItem(
  bytes: Buffer,
  resolver?: ReturnType<Type['createResolver']>,
): RecordChangeEvent {
  return unwrapItem(RECORD_ITEM_TYPE.fromBuffer(bytes, resolver) as AvroPatientRecordItem['item']);
}

/** How to read items stored under another item schema (an earlier or later version of the events) as this one. */
export function recordItemResolver(storedSchema: string): ReturnType<Type['createResolver']> {
  return RECORD_ITEM_TYPE.createResolver(Type.forSchema(JSON.parse(storedSchema) as Schema));
}

/** An item message's fields before its item. */
export type ItemIdentity = Omit<AvroPatientRecordItem, 'item'>;

/** The Avro PatientRecordItem made of an item's identity and its stored bytes. */
export function assembleItemMessage(identity: ItemIdentity, item: Buffer): Buffer {
  return Buffer.concat([ITEM_IDENTITY_TYPE.toBuffer(identity), item]);
}

/**
 * The stored bytes of the item inside a PatientRecordItem payload written with this code's schema (EventSerde's
 * payloadAsRead): what follows the identity's fields.
 */
export function storedItemOfMessage(payload: Buffer): Buffer {
  const { offset } = ITEM_IDENTITY_TYPE.decode(payload, 0);
  if (offset < 0) throw new Error('the PatientRecordItem payload ends inside its identity fields');
  return payload.subarray(offset);
}
