import { EVENT_NAMESPACE, EVENT_SCHEMAS } from '@crosscare/events';
import { Type, type Schema, type types } from 'avsc';
import { ITEM_EVENT_TYPES } from '@crosscare/projection';
import { RECORD_ITEM_FINGERPRINT, RECORD_ITEM_TYPE } from './changelog-avro';
import { PATIENT_RECORD_HEAD_SCHEMA, PATIENT_RECORD_ITEM_SCHEMA } from './changelog-schema';

/*
 * The item events as one union the way the v1 changelog's PatientRecord.items held them: each event's own schema,
 * parsed on its own (so the types the events share need no joining), in ITEM_EVENT_TYPES order. The item-level
 * changelog must store and publish items in this very encoding, so read models keep the items they hold.
 */
const V1_ITEM_UNION = Type.forSchema(
  ITEM_EVENT_TYPES.map((type) => Type.forSchema(EVENT_SCHEMAS[type] as Schema)) as unknown as Schema,
  { wrapUnions: true },
);

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

const headType = Type.forSchema(PATIENT_RECORD_HEAD_SCHEMA) as types.RecordType;
const itemType = Type.forSchema(PATIENT_RECORD_ITEM_SCHEMA) as types.RecordType;

describe('the changelog schemas', () => {
  it('compile with avsc as uk.nhs.crosscare.changelog.PatientRecordHead and .PatientRecordItem', () => {
    expect(headType.name).toBe('uk.nhs.crosscare.changelog.PatientRecordHead');
    expect(itemType.name).toBe('uk.nhs.crosscare.changelog.PatientRecordItem');
  });

  it('define every named type once in the item message, and every type the item events define', () => {
    const defined = definitions(PATIENT_RECORD_ITEM_SCHEMA, '');
    const inEvents = new Set(
      ITEM_EVENT_TYPES.flatMap((eventType) => definitions(EVENT_SCHEMAS[eventType], EVENT_NAMESPACE)),
    );

    expect(defined).toHaveLength(new Set(defined).size);
    expect(new Set(defined)).toEqual(new Set([...inEvents, 'uk.nhs.crosscare.changelog.PatientRecordItem']));
  });

  it('document every field, and key both messages by the same patient fields first', () => {
    for (const schema of [PATIENT_RECORD_HEAD_SCHEMA, PATIENT_RECORD_ITEM_SCHEMA]) {
      const { fields } = schema as { fields: { name: string; doc?: string }[] };
      for (const field of fields) expect(field.doc).toEqual(expect.any(String));
      expect(fields.slice(0, 4).map((f) => f.name)).toEqual([
        'nhsNumber',
        'collaborative',
        'sequence',
        'updatedAt',
      ]);
    }
  });

  it('make each branch of the item union the very schema of its event (equal canonical forms), in event order', () => {
    const branches = (itemType.field('item').type as types.WrappedUnionType).types;

    expect(branches).toHaveLength(ITEM_EVENT_TYPES.length);
    branches.forEach((branch, i) =>
      expect(branch.equals(Type.forSchema(EVENT_SCHEMAS[ITEM_EVENT_TYPES[i]] as Schema))).toBe(true),
    );
  });

  it("keep the item encoding of the whole-record changelog: the union has the v1 items union's fingerprint", () => {
    const v1 = V1_ITEM_UNION;

    expect(RECORD_ITEM_TYPE.equals(v1)).toBe(true);
    expect(RECORD_ITEM_FINGERPRINT).toBe(v1.fingerprint('sha256').toString('hex'));
  });
});
