import { EVENT_NAMESPACE, EVENT_SCHEMAS } from '@crosscare/events';
import { Type, type Schema, type types } from 'avsc';
import { ITEM_EVENT_TYPES } from '@crosscare/projection';
import { RECORD_ITEM_FINGERPRINT, RECORD_ITEM_TYPE } from './changelog-avro';
import { PATIENT_RECORD_HEAD_SCHEMA, PATIENT_RECORD_ITEM_SCHEMA } from './changelog-schema';

/*
 * The item events joined into one union as the v1 changelog's PatientRecord.items held them (this NamedTypeInliner,
 * copied unchanged from when libs/projection built that schema in code). Kept to prove the item-level changelog
 * stores and publishes items in the very encoding read models already hold: their items need no re-encoding.
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

const V1_ITEM_UNION = itemEventSchemas as Schema;

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
    const v1 = Type.forSchema(V1_ITEM_UNION);

    expect(RECORD_ITEM_TYPE.equals(v1)).toBe(true);
    expect(RECORD_ITEM_FINGERPRINT).toBe(v1.fingerprint('sha256').toString('hex'));
  });
});
