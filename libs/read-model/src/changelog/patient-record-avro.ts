import type { RecordChangeEvent } from '@crosscare/events';
import { Type, type Schema, type types } from 'avsc';
import { ITEM_EVENT_TYPES, type ItemEventType, type PatientRecord } from '@crosscare/projection';
import {
  fromAvroPatientRecord,
  PATIENT_RECORD_SCHEMA,
  toAvroPatientRecord,
  type AvroPatientRecord,
} from './patient-record-schema';

/*
 * A patient's changelog record is mostly its items, and an item changes far less often than its record is
 * republished (any change to any item republishes the whole record). So the read model keeps every item already
 * Avro-encoded, as a value of the record's `items` union, and a record is assembled from those bytes: the fields
 * before `items`, then each item as an array block of one, then the array's end. Avro allows an array in any number
 * of blocks, so the result is an ordinary PatientRecord to every reader; nothing is decoded and encoded again per
 * record.
 */

export const PATIENT_RECORD_TYPE = Type.forSchema(PATIENT_RECORD_SCHEMA) as types.RecordType;

const itemsField = PATIENT_RECORD_TYPE.fields.at(-1);
// The assembly appends items after everything else: it depends on `items` being the last field.
if (itemsField?.name !== 'items') throw new Error('PatientRecord must end with its items field');

/** The union of item events, as `items` holds it (avsc wraps each value in an object keyed by its full name). */
export const RECORD_ITEM_TYPE = (itemsField.type as types.ArrayType).itemsType;
// One byte of union index (recordItemFromPayload) holds branches 0 to 63.
if (ITEM_EVENT_TYPES.length > 64) throw new Error('the item union has outgrown one byte of branch index');

/** The item union's schema, self-contained: what a read model records beside its items, to read them back. */
export const RECORD_ITEM_SCHEMA: string = JSON.stringify(RECORD_ITEM_TYPE.schema());

/**
 * Identifies the items' encoding: the SHA-256 of the union's Parsing Canonical Form, which covers exactly what
 * determines the bytes (docs and defaults do not). Items stored under another fingerprint must be re-encoded before
 * they are assembled into records registered under this schema.
 */
export const RECORD_ITEM_FINGERPRINT: string = RECORD_ITEM_TYPE.fingerprint('sha256').toString('hex');

/** An item event as the read model stores it: its union branch index, then the event. */
export function encodeRecordItem(event: RecordChangeEvent): Buffer {
  const [wrapped] = toAvroPatientRecord({ ...EMPTY_RECORD, items: [event] }).items;
  return RECORD_ITEM_TYPE.toBuffer(wrapped);
}

/**
 * An item event as the read model stores it, from the Avro payload it arrived in: valid only when that payload was
 * written with this code's schema of the event (EventSerde's payloadAsRead), which is each branch of the union.
 * Saves encoding every event again; the result is what encodeRecordItem gives.
 */
export function recordItemFromPayload(eventType: string, payload: Buffer): Buffer {
  const branch = ITEM_EVENT_TYPES.indexOf(eventType as ItemEventType);
  if (branch < 0)
    throw new Error(`A PatientRecord item cannot be a ${eventType}: only item events are part of a record`);
  // The union index as Avro writes a long (zigzag varint): one byte for the few branches there are.
  return Buffer.concat([Buffer.from([branch << 1]), payload]);
}

/** Reads a stored item; with a resolver when it was stored under another item schema (see recordItemResolver). */
export function decodeRecordItem(
  bytes: Buffer,
  resolver?: ReturnType<Type['createResolver']>,
): RecordChangeEvent {
  const wrapped = RECORD_ITEM_TYPE.fromBuffer(bytes, resolver) as AvroPatientRecord['items'][number];
  return fromAvroPatientRecord({ ...EMPTY_RECORD, items: [wrapped] }).items[0];
}

/** How to read items stored under another item schema (an earlier or later version of the events) as this one. */
export function recordItemResolver(storedSchema: string): ReturnType<Type['createResolver']> {
  return RECORD_ITEM_TYPE.createResolver(Type.forSchema(JSON.parse(storedSchema) as Schema));
}

/** Zigzag varint 1: the count of a block holding one item. */
export const ITEM_BLOCK_START = Buffer.from([0x02]);
/** A block count of zero ends an array. */
export const ITEMS_END = Buffer.from([0x00]);

/** A record's fields before its items, encoded: the start of the record the items are appended to. */
export function encodePatientRecordHead(record: Omit<PatientRecord, 'items'>): Buffer {
  const whole = PATIENT_RECORD_TYPE.toBuffer(toAvroPatientRecord({ ...record, items: [] }));
  // An empty array is its end marker alone; drop it, the assembly writes it after the items.
  return whole.subarray(0, whole.length - ITEMS_END.length);
}

/** The Avro PatientRecord made of a head and stored items, in record order. */
export function assemblePatientRecord(head: Buffer, items: readonly Buffer[]): Buffer {
  return Buffer.concat([head, ...items.flatMap((item) => [ITEM_BLOCK_START, item]), ITEMS_END]);
}

const EMPTY_RECORD: PatientRecord = {
  nhsNumber: '',
  collaborative: '',
  sequence: 0,
  updatedAt: 0,
  mergedInto: null,
  mergedFrom: [],
  items: [],
};
