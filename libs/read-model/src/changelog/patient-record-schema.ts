import { EVENT_NAMESPACE, EVENT_SCHEMAS, type RecordChangeEvent } from '@crosscare/events';
import type { Schema } from 'avsc';
import { ITEM_EVENT_TYPES, isItemEventType, type PatientRecord } from '@crosscare/projection';

/** Namespace of the changelog topics' records. */
export const CHANGELOG_NAMESPACE = 'uk.nhs.crosscare.changelog';

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
export const PATIENT_RECORD_SCHEMA: Schema = {
  type: 'record',
  name: 'PatientRecord',
  namespace: CHANGELOG_NAMESPACE,
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

/** A PatientRecord as avsc reads and writes it: each item wrapped in an object keyed by its record's full name. */
export interface AvroPatientRecord extends Omit<PatientRecord, 'items'> {
  readonly items: { readonly [fullName: string]: RecordChangeEvent }[];
}

/** Wraps each item in its union branch, by header.eventType, for avsc to encode. */
export function toAvroPatientRecord(record: PatientRecord): AvroPatientRecord {
  return {
    ...record,
    items: record.items.map((event) => {
      const { eventType } = event.header;
      if (!isItemEventType(eventType))
        throw new Error(
          `A PatientRecord item cannot be a ${eventType}: only item events are part of a record`,
        );
      return { [`${EVENT_NAMESPACE}.${eventType}`]: event };
    }),
  };
}

/** Unwraps the items of a record avsc decoded. */
export function fromAvroPatientRecord(value: AvroPatientRecord): PatientRecord {
  return {
    nhsNumber: value.nhsNumber,
    collaborative: value.collaborative,
    sequence: value.sequence,
    updatedAt: value.updatedAt,
    mergedInto: value.mergedInto,
    mergedFrom: value.mergedFrom,
    items: value.items.map((wrapped) => {
      const branches = Object.values(wrapped);
      if (branches.length !== 1)
        throw new Error(`A PatientRecord item must be one wrapped union branch, found ${branches.length}`);
      return branches[0];
    }),
  };
}
