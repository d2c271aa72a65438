import { testNhsNumber } from '@crosscare/events/synthetic';
import { Type, type Schema } from 'avsc';
import { ITEM_EVENT_TYPES } from '@crosscare/projection';
import { testEvents } from '@crosscare/projection/testing';
import {
  assembleItemMessage,
  decodeRecordItem,
  encodeRecordItem,
  PATIENT_RECORD_ITEM_TYPE,
  RECORD_ITEM_FINGERPRINT,
  RECORD_ITEM_SCHEMA,
  recordItemFromPayload,
  recordItemResolver,
  storedItemOfMessage,
  type ItemIdentity,
} from './changelog-avro';
import { unwrapItem, wrapItem, type AvroPatientRecordItem } from './changelog-schema';
import { EVENT_SCHEMAS } from '@crosscare/events';

const items = [
  testEvents.PatientRegistered(),
  testEvents.AllergyRecorded(),
  testEvents.MedicationPrescribed({ quantity: null }),
  testEvents.SocialCareInvolvementRecorded({ involvementType: 'SAFEGUARDING', restricted: true }),
];

function identityOf(overrides: Partial<ItemIdentity> = {}): ItemIdentity {
  return {
    nhsNumber: testNhsNumber(1),
    collaborative: 'CCR',
    sequence: 300,
    updatedAt: Date.UTC(2025, 2, 1, 9, 30),
    providerOdsCode: 'M85001',
    sourceRecordId: 'AllergyIntolerance/a|1',
    part: 'AllergyRecorded',
    kind: 'allergy',
    ...overrides,
  };
}

describe('assembleItemMessage', () => {
  it('given an identity and a stored item, when assembled, then it is what avsc encodes for the whole item message', () => {
    for (const event of items) {
      const message: AvroPatientRecordItem = { ...identityOf(), item: wrapItem(event) };

      const assembled = assembleItemMessage(identityOf(), encodeRecordItem(event));

      expect(assembled).toEqual(PATIENT_RECORD_ITEM_TYPE.toBuffer(message));
      const decoded = PATIENT_RECORD_ITEM_TYPE.fromBuffer(assembled) as AvroPatientRecordItem;
      expect(unwrapItem(decoded.item)).toEqual(event);
    }
  });

  it('given an assembled message, when its stored item is taken back out, then it is the bytes put in', () => {
    const stored = encodeRecordItem(items[1]);

    expect(storedItemOfMessage(assembleItemMessage(identityOf({ sequence: 2 ** 40 }), stored))).toEqual(
      stored,
    );
  });

  it('given a payload cut inside its identity, when its stored item is taken out, then it is refused', () => {
    const assembled = assembleItemMessage(identityOf(), encodeRecordItem(items[0]));

    expect(() => storedItemOfMessage(assembled.subarray(0, 12))).toThrow();
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
