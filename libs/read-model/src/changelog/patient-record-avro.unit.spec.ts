import { testNhsNumber } from '@crosscare/events/synthetic';
import { Type, type Schema } from 'avsc';
import { ITEM_EVENT_TYPES, type PatientRecord } from '@crosscare/projection';
import { testEvents } from '@crosscare/projection/testing';
import {
  assemblePatientRecord,
  decodeRecordItem,
  encodePatientRecordHead,
  encodeRecordItem,
  PATIENT_RECORD_TYPE,
  RECORD_ITEM_FINGERPRINT,
  RECORD_ITEM_SCHEMA,
  recordItemFromPayload,
  recordItemResolver,
} from './patient-record-avro';
import { fromAvroPatientRecord, toAvroPatientRecord, type AvroPatientRecord } from './patient-record-schema';
import { EVENT_SCHEMAS } from '@crosscare/events';

const items = [
  testEvents.PatientRegistered(),
  testEvents.AllergyRecorded(),
  testEvents.MedicationPrescribed({ quantity: null }),
  testEvents.SocialCareInvolvementRecorded({ involvementType: 'SAFEGUARDING', restricted: true }),
];

function recordOf(overrides: Partial<PatientRecord> = {}): PatientRecord {
  return {
    nhsNumber: testNhsNumber(1),
    collaborative: 'CCR',
    sequence: 300,
    updatedAt: Date.UTC(2025, 2, 1, 9, 30),
    mergedInto: null,
    mergedFrom: [testNhsNumber(2), testNhsNumber(3)],
    items,
    ...overrides,
  };
}

const decode = (bytes: Buffer) =>
  fromAvroPatientRecord(PATIENT_RECORD_TYPE.fromBuffer(bytes) as AvroPatientRecord);

describe('assemblePatientRecord', () => {
  it('given a head and stored items, when assembled, then any Avro reader reads the record avsc would encode', () => {
    const record = recordOf();

    const assembled = assemblePatientRecord(encodePatientRecordHead(record), items.map(encodeRecordItem));

    expect(decode(assembled)).toEqual(record);
  });

  it('given a retired number with no items, when assembled, then it reads back with its pointer and no items', () => {
    const record = recordOf({ mergedInto: testNhsNumber(4), mergedFrom: [], items: [] });

    const assembled = assemblePatientRecord(encodePatientRecordHead(record), []);

    expect(assembled).toEqual(PATIENT_RECORD_TYPE.toBuffer(toAvroPatientRecord(record)));
    expect(decode(assembled)).toEqual(record);
  });

  it('given one item, when assembled, then it differs from avsc only in framing the item as a block of one', () => {
    const record = recordOf({ items: [items[1]] });

    const assembled = assemblePatientRecord(encodePatientRecordHead(record), [encodeRecordItem(items[1])]);

    // avsc writes one block of n items; the assembly writes n blocks of one: same value, same length for n = 1.
    expect(assembled).toEqual(PATIENT_RECORD_TYPE.toBuffer(toAvroPatientRecord(record)));
  });
});

describe('encodeRecordItem and decodeRecordItem', () => {
  it('given an item event, when stored and read back, then it is the same event', () => {
    for (const event of items) expect(decodeRecordItem(encodeRecordItem(event))).toEqual(event);
  });

  it('given an item event as its own schema encodes it, when stored from those bytes, then they are what encodeRecordItem gives', () => {
    for (const eventType of ITEM_EVENT_TYPES) {
      const event = testEvents[eventType]();
      const payload = Type.forSchema(EVENT_SCHEMAS[eventType] as Schema).toBuffer(event);

      expect(recordItemFromPayload(eventType, payload)).toEqual(encodeRecordItem(event));
    }
  });

  it('given an event that is not an item, when stored from its bytes, then it is refused by name', () => {
    expect(() => recordItemFromPayload('PatientMerged', Buffer.alloc(1))).toThrow(
      'cannot be a PatientMerged',
    );
  });

  it('given an event that is not an item, when stored, then it is refused by name', () => {
    expect(() => encodeRecordItem(testEvents.PatientMerged())).toThrow('cannot be a PatientMerged');
  });

  it('given an item written under another version of the item schema, when read with its resolver, then it reads as this one', () => {
    const newer = JSON.parse(RECORD_ITEM_SCHEMA) as { name?: string; fields?: object[] }[];
    const allergy = newer.find((branch) => branch.name?.endsWith('AllergyRecorded'))!;
    allergy.fields!.push({ name: 'addedLater', type: 'string' });
    const written = Type.forSchema(newer as Schema).toBuffer({
      'uk.nhs.crosscare.events.AllergyRecorded': { ...items[1], addedLater: 'ignored by this reader' },
    });

    expect(decodeRecordItem(written, recordItemResolver(JSON.stringify(newer)))).toEqual(items[1]);
    expect(
      Type.forSchema(newer as Schema)
        .fingerprint('sha256')
        .toString('hex'),
    ).not.toBe(RECORD_ITEM_FINGERPRINT);
  });
});
