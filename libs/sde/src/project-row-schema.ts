import type { EventType } from '@crosscare/events';
import type { ReleasableField, Treatment } from './release-catalogue';
import type { SdeProject } from './sde-project';

/** Every project's rows live in a namespace of their own, at their output version: one registry subject each. */
export function projectNamespace(project: Pick<SdeProject, 'id' | 'output'>): string {
  return `uk.nhs.crosscare.sde.${project.id.replace(/-/g, '_')}.v${project.output.version}`;
}

export const PROJECT_ROW_NAME = 'ProjectRow';

/** The registry subject of a project's rows (record-name strategy, as every Crosscare schema). */
export function projectRowSubject(project: Pick<SdeProject, 'id' | 'output'>): string {
  return `${projectNamespace(project)}.${PROJECT_ROW_NAME}`;
}

/** `ObservationRecorded` → `observationRecorded`: the row's field holding that kind's approved fields. */
export function kindField(kind: EventType): string {
  return kind.charAt(0).toLowerCase() + kind.slice(1);
}

type AvroType = string | object | (string | object)[];

const nullable = (type: AvroType, doc: string) => ({ type: ['null', type], default: null, doc });

/**
 * The Avro schema of a project's rows, derived from what it is approved to receive and nothing else: a field the
 * agreement does not name is absent from the schema, not present and empty. Every field but the row's identity is
 * nullable with a null default, so a project that is approved for more later evolves compatibly.
 */
export function projectRowSchema(project: SdeProject): object {
  const defined = new Set<string>();
  /** A named type is defined where first used and referred to by name afterwards, as Avro requires. */
  const named = (name: string, make: () => object): AvroType => {
    if (defined.has(name)) return name;
    defined.add(name);
    return make();
  };
  const code = () =>
    named('Code', () => ({
      type: 'record',
      name: 'Code',
      doc: 'A coded value as sent: the code system and the code. The display text is never released.',
      fields: [
        { name: 'system', type: 'string', doc: 'The code system, e.g. http://snomed.info/sct.' },
        { name: 'code', type: 'string', doc: 'The code.' },
      ],
    }));
  const quantity = () =>
    named('Quantity', () => ({
      type: 'record',
      name: 'Quantity',
      doc: 'A measured amount.',
      fields: [
        { name: 'value', type: 'double', doc: 'The value.' },
        { name: 'unit', type: 'string', doc: 'The unit as sent.' },
        { name: 'ucumCode', ...nullable('string', 'The UCUM code, when sent.') },
      ],
    }));
  const precision = project.precision;
  const typeOf = (field: ReleasableField): { type: AvroType; doc: string } => {
    const t: Treatment = field.treatment;
    switch (t) {
      case 'coded':
        return { type: code(), doc: 'System and code.' };
      case 'coded-list':
        return { type: { type: 'array', items: code() }, doc: 'Systems and codes.' };
      case 'symbol':
      case 'event-type':
        return { type: 'string', doc: 'As recorded (a symbol of the contract).' };
      case 'symbol-list':
        return { type: { type: 'array', items: 'string' }, doc: 'As recorded (symbols of the contract).' };
      case 'event-date':
      case 'event-time':
        return { type: 'string', doc: `A date at ${precision.eventDate} precision.` };
      case 'birth-date':
        return { type: 'string', doc: `Date of birth at ${precision.birthDate} precision.` };
      case 'period':
        return {
          type: named('DatePeriod', () => ({
            type: 'record',
            name: 'DatePeriod',
            doc: `Start and end dates at ${precision.eventDate} precision.`,
            fields: [
              { name: 'start', ...nullable('string', 'Start, or null when open.') },
              { name: 'end', ...nullable('string', 'End, or null when open.') },
            ],
          })),
          doc: 'A period.',
        };
      case 'quantity':
        return { type: quantity(), doc: 'A quantity.' };
      case 'result-list':
        return {
          type: {
            type: 'array',
            items: named('Result', () => ({
              type: 'record',
              name: 'Result',
              doc: 'One result of a diagnostic report: never its text value or reference range.',
              fields: [
                { name: 'code', type: code(), doc: 'What was measured: system and code.' },
                { name: 'status', type: 'string', doc: 'As recorded (a symbol of the contract).' },
                { name: 'valueQuantity', ...nullable(quantity(), 'The numeric value, when it is one.') },
                { name: 'valueCoded', ...nullable(code(), 'The coded value, when it is one.') },
                { name: 'interpretation', ...nullable('string', 'The abnormal flag, when sent.') },
              ],
            })),
          },
          doc: 'The results of the report.',
        };
      case 'int':
        return { type: 'int', doc: 'As recorded.' };
      case 'boolean':
        return { type: 'boolean', doc: 'As recorded.' };
      case 'organisation':
        return { type: 'string', doc: "An organisation's ODS code." };
      case 'postcode':
        return { type: 'string', doc: `Postcode ${precision.geography} (never the full postcode).` };
      case 'patient-pseudonym':
        return { type: 'string', doc: "A patient's pseudonym within this project." };
      case 'record-pseudonym':
        return { type: 'string', doc: "A source record's pseudonym within this project." };
    }
  };
  const kinds = [...project.events.entries()].map(([kind, fields]) => ({
    name: kindField(kind),
    ...nullable(
      {
        type: 'record',
        name: kind,
        doc: `The approved fields of a ${kind} event.`,
        fields: fields.map((field) => {
          const { type, doc } = typeOf(field);
          return { name: field.name, ...nullable(type, doc) };
        }),
      },
      `Set when eventType is ${kind}.`,
    ),
  }));
  const context = project.context.map((name) => ({
    name,
    ...nullable('string', CONTEXT_DOCS[name]),
  }));
  return {
    type: 'record',
    name: PROJECT_ROW_NAME,
    namespace: projectNamespace(project),
    doc: `One record-change event as project ${project.id} (${project.agreement}) may receive it: pseudonymised and minimised.`,
    fields: [
      {
        name: 'pseudonym',
        type: 'string',
        doc: "The patient's pseudonym within this project (HMAC-SHA256, keyed).",
      },
      {
        name: 'rowId',
        type: 'string',
        doc: "The event's pseudonym: unique per row, stable across redeliveries.",
      },
      {
        name: 'recordId',
        type: 'string',
        doc: "The source record's pseudonym: rows of one record share it.",
      },
      { name: 'eventType', type: 'string', doc: 'The record-change event, e.g. ObservationRecorded.' },
      { name: 'operation', type: 'string', doc: 'CREATE, UPDATE or DELETE of the source record.' },
      {
        name: 'occurred',
        type: 'string',
        doc: `When the change happened clinically, at ${precision.eventDate} precision.`,
      },
      ...context,
      ...kinds,
    ],
  };
}

const CONTEXT_DOCS: Record<string, string> = {
  ics: 'The ODS code of the ICS of the provider that recorded the event.',
  collaborative: 'The shared care record collaborative (CCR or OHC).',
  providerType: 'The type of the provider that recorded the event (gp-practice, acute-trust, ...).',
  providerOdsCode: 'The ODS code of the provider that recorded the event.',
};
