import { EVENT_NAMESPACE, EVENT_SCHEMAS } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { Type, type Schema, type types } from 'avsc';
import { ITEM_EVENT_TYPES, type PatientRecord } from '@crosscare/projection';
import { testEvents } from '@crosscare/projection/testing';
import {
  PATIENT_RECORD_SCHEMA,
  fromAvroPatientRecord,
  toAvroPatientRecord,
  type AvroPatientRecord,
} from './patient-record-schema';

/*
 * PATIENT_RECORD_SCHEMA as libs/projection built it in code before it moved to schemas/changelog/PatientRecord.avsc,
 * copied unchanged (only the names of the result and of the namespace constant differ): its top level written out,
 * its items the item events joined by this NamedTypeInliner. Kept here to prove the move changed no byte of the
 * schema the projector registers and writes with, for the event schemas of today and of any later commit.
 */
const PRIMITIVE_TYPES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED_TYPES = new Set(['record', 'error', 'enum', 'fixed']);

type SchemaNode = string | SchemaNode[] | { readonly [member: string]: unknown };

/**
 * Joins self-contained schemas into one. Each event schema defines the shared types (RecordChangeHeader, CodedValue,
 * Period, ...) again, and Avro allows one definition per full name, so the first occurrence, in the order a parser
 * reads (depth first, fields and branches in order), is kept in full and every later one becomes a reference.
 * Every definition and reference is written with its full name, so nothing depends on the namespace it is moved into.
 */
class NamedTypeInliner {
  private readonly defined = new Set<string>();

  inline(node: SchemaNode, enclosingNamespace: string): SchemaNode {
    if (typeof node === 'string')
      return PRIMITIVE_TYPES.has(node) ? node : fullName(node, enclosingNamespace);
    if (Array.isArray(node)) return node.map((branch) => this.inline(branch, enclosingNamespace));
    const type = node.type as SchemaNode;
    if (typeof type === 'string' && NAMED_TYPES.has(type)) return this.inlineNamed(node, enclosingNamespace);
    if (type === 'array')
      return { ...node, items: this.inline(node.items as SchemaNode, enclosingNamespace) };
    if (type === 'map')
      return { ...node, values: this.inline(node.values as SchemaNode, enclosingNamespace) };
    return { ...node, type: this.inline(type, enclosingNamespace) };
  }

  private inlineNamed(node: { readonly [member: string]: unknown }, enclosingNamespace: string): SchemaNode {
    const name = fullName(node.name as string, (node.namespace as string | undefined) ?? enclosingNamespace);
    if (this.defined.has(name)) return name;
    this.defined.add(name);
    const namespace = name.slice(0, name.lastIndexOf('.'));
    const definition: { [member: string]: unknown } = {
      ...node,
      name: name.slice(namespace.length + 1),
      namespace,
    };
    if (Array.isArray(node.fields))
      definition.fields = (node.fields as { readonly type: SchemaNode }[]).map((field) => ({
        ...field,
        type: this.inline(field.type, namespace),
      }));
    return definition;
  }
}

function fullName(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

const inliner = new NamedTypeInliner();
const itemEventSchemas = ITEM_EVENT_TYPES.map((type) =>
  inliner.inline(EVENT_SCHEMAS[type] as SchemaNode, EVENT_NAMESPACE),
);

/**
 * The Avro schema of the changelog topics' values, registered under uk.nhs.crosscare.changelog.PatientRecord.
 * Self-contained like the event schemas, so any Confluent client reads the changelog without schema references.
 * Read it with avsc's default union handling: `items` is a union of records, which avsc wraps (see
 * `toAvroPatientRecord`).
 */
const SCHEMA_AS_IT_WAS: Schema = {
  type: 'record',
  name: 'PatientRecord',
  namespace: 'uk.nhs.crosscare.changelog',
  doc: "One patient's whole shared care record as one collaborative's projector holds it, keyed by NHS number on a compacted changelog topic: the latest message per key is the current record.",
  fields: [
    {
      name: 'nhsNumber',
      type: 'string',
      doc: 'NHS number of the patient: 10 digits, no spaces, valid modulus-11 check digit. Equals the message key.',
    },
    {
      name: 'collaborative',
      type: 'string',
      doc: 'The shared care record collaborative whose projector built this record: CCR or OHC.',
    },
    {
      name: 'sequence',
      type: 'long',
      doc: 'Increases with every record the projector publishes for this patient; a consumer ignores a record whose sequence is not above the last it applied.',
    },
    {
      name: 'updatedAt',
      type: { type: 'long', logicalType: 'timestamp-millis' },
      doc: 'When the projector built this record.',
    },
    {
      name: 'mergedInto',
      type: ['null', 'string'],
      default: null,
      doc: 'The surviving NHS number when this one was retired by a merge (its items are then in the surviving record); null otherwise.',
    },
    {
      name: 'mergedFrom',
      type: { type: 'array', items: 'string' },
      doc: 'NHS numbers retired by merges into this one, sorted.',
    },
    {
      name: 'items',
      type: { type: 'array', items: itemEventSchemas },
      doc: 'The latest event of every current item of the record (removed items left out), ordered by kind, provider, source record id and part.',
    },
  ],
} as Schema;

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

describe('PATIENT_RECORD_SCHEMA from schemas/changelog/PatientRecord.avsc', () => {
  it('is, byte for byte, the schema the projection built in code before (same JSON sent to the registry)', () => {
    expect(JSON.stringify(PATIENT_RECORD_SCHEMA)).toBe(JSON.stringify(SCHEMA_AS_IT_WAS));
  });

  it('has the same canonical form and fingerprint, so the registered id and the wire format are unchanged', () => {
    const before = Type.forSchema(SCHEMA_AS_IT_WAS);
    expect(type.equals(before)).toBe(true);
    expect(type.fingerprint('sha256').toString('hex')).toBe(before.fingerprint('sha256').toString('hex'));
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
