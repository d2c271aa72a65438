import { EVENT_NAMESPACE, EVENT_SCHEMAS } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { Type, type Schema, type types } from 'avsc';
import type { PatientRecord } from './patient-record';
import {
  PATIENT_RECORD_SCHEMA,
  fromAvroPatientRecord,
  toAvroPatientRecord,
  type AvroPatientRecord,
} from './patient-record-schema';
import { ITEM_EVENT_TYPES } from './record-item';
import { testEvents } from './testing/record-change-factories';

type Json = { readonly [member: string]: unknown };

/** Every named type definition in a schema, by full name, however often each is defined. */
function definitions(node: unknown, namespace: string, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((branch) => definitions(branch, namespace, found));
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return found;
  const { type, name, fields, items, values } = node as Json;
  if (typeof type === 'object') definitions(type, namespace, found);
  if (['record', 'enum', 'fixed'].includes(type as string)) {
    const own = (node as Json).namespace ?? namespace;
    const fullName = (name as string).includes('.') ? (name as string) : `${own as string}.${name as string}`;
    found.push(fullName);
    for (const field of (fields as Json[] | undefined) ?? [])
      definitions(field.type, fullName.slice(0, fullName.lastIndexOf('.')), found);
  }
  if (items !== undefined) definitions(items, namespace, found);
  if (values !== undefined) definitions(values, namespace, found);
  return found;
}

const type = Type.forSchema(PATIENT_RECORD_SCHEMA);

function recordOf(items: PatientRecord['items']): PatientRecord {
  return {
    nhsNumber: testNhsNumber(1),
    collaborative: 'CCR',
    sequence: 42,
    updatedAt: Date.UTC(2025, 2, 1, 9, 30),
    mergedInto: null,
    mergedFrom: [testNhsNumber(2)],
    items,
  };
}

describe('PATIENT_RECORD_SCHEMA', () => {
  it('compiles with avsc as uk.nhs.crosscare.changelog.PatientRecord', () => {
    expect(type.name).toBe('uk.nhs.crosscare.changelog.PatientRecord');
  });

  it('defines every named type once, and every type the event schemas define', () => {
    const defined = definitions(PATIENT_RECORD_SCHEMA, '');
    const inEvents = new Set(
      ITEM_EVENT_TYPES.flatMap((eventType) => definitions(EVENT_SCHEMAS[eventType], EVENT_NAMESPACE)),
    );

    expect(defined).toHaveLength(new Set(defined).size);
    expect(new Set(defined)).toEqual(new Set([...inEvents, 'uk.nhs.crosscare.changelog.PatientRecord']));
  });

  it('lists the 15 item events as the branches of items, and documents every field of its own', () => {
    const schema = PATIENT_RECORD_SCHEMA as { fields: { name: string; doc?: string; type: unknown }[] };
    const items = schema.fields.find((field) => field.name === 'items')!.type as { items: Json[] };

    expect(items.items.map((branch) => `${branch.namespace as string}.${branch.name as string}`)).toEqual(
      ITEM_EVENT_TYPES.map((eventType) => `${EVENT_NAMESPACE}.${eventType}`),
    );
    for (const field of schema.fields) expect(field.doc).toEqual(expect.any(String));
  });

  it('makes each branch of items the very schema of its event (equal canonical forms)', () => {
    const items = (type as types.RecordType).field('items').type as types.ArrayType;
    const branches = (items.itemsType as types.WrappedUnionType).types;

    expect(branches).toHaveLength(ITEM_EVENT_TYPES.length);
    branches.forEach((branch, i) =>
      expect(branch.equals(Type.forSchema(EVENT_SCHEMAS[ITEM_EVENT_TYPES[i]] as Schema))).toBe(true),
    );
  });
});

describe('toAvroPatientRecord and fromAvroPatientRecord', () => {
  it('given a record with an item of every type, when encoded and decoded with avsc, then it is the same record', () => {
    const record = recordOf([
      testEvents.PatientRegistered(),
      testEvents.PatientDetailsChanged({ address: null, telecom: [] }),
      testEvents.PatientDied({ notificationStatus: 'FORMAL', timeOfDeath: null }),
      testEvents.ProblemRecorded(),
      testEvents.AllergyRecorded(),
      testEvents.MedicationPrescribed({ quantity: null }),
      testEvents.MedicationDispensed(),
      testEvents.EncounterStarted(),
      testEvents.EncounterEnded(),
      testEvents.ObservationRecorded(),
      testEvents.ObservationRecorded({
        valueQuantity: null,
        valueCoded: { system: 'http://snomed.info/sct', code: '8517006', display: 'Ex-smoker' },
        header: { sourceRecordId: 'observation-2' },
      }),
      testEvents.ImmunisationRecorded(),
      testEvents.CarePlanRecorded(),
      testEvents.ReferralMade(),
      testEvents.SocialCareInvolvementRecorded({ involvementType: 'SAFEGUARDING', restricted: true }),
      testEvents.EndOfLifePreferencesRecorded(),
    ]);
    expect(new Set(record.items.map((event) => event.header.eventType))).toEqual(new Set(ITEM_EVENT_TYPES));

    const buffer = type.toBuffer(toAvroPatientRecord(record));
    const decoded = fromAvroPatientRecord(type.fromBuffer(buffer) as AvroPatientRecord);

    expect(decoded).toEqual(record);
  });

  it('given a record, when converted, then each item is wrapped under its full record name', () => {
    const allergy = testEvents.AllergyRecorded();

    expect(toAvroPatientRecord(recordOf([allergy])).items).toEqual([
      { 'uk.nhs.crosscare.events.AllergyRecorded': allergy },
    ]);
  });

  it('given an item that is not an item event, when converted, then it is refused by name', () => {
    const record = recordOf([testEvents.RecordRemoved()]);

    expect(() => toAvroPatientRecord(record)).toThrow('A PatientRecord item cannot be a RecordRemoved');
  });
});
