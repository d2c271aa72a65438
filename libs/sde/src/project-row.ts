import type { EventType, RecordChangeEvent } from '@crosscare/events';
import { generaliseDate, generalisePostcode, generaliseTime } from './generalise';
import { kindField } from './project-row-schema';
import type { Pseudonymiser } from './pseudonymiser';
import type { ReleasableField } from './release-catalogue';
import type { SdeProject } from './sde-project';

/** A row as the project's schema (projectRowSchema) describes it. */
export type ProjectRow = Record<string, unknown> & {
  readonly pseudonym: string;
  readonly rowId: string;
  readonly recordId: string;
  readonly eventType: string;
};

/** What a project gets of an event: a row, or nothing and why (for the publisher's counts). */
export type Minimised =
  | { readonly released: true; readonly row: ProjectRow }
  | { readonly released: false; readonly reason: 'not-approved' | 'restricted' };

/** Looks a provider's type up in the directory; undefined for a provider it does not know. */
export type ProviderTypeOf = (odsCode: string) => string | undefined;

/**
 * One event as one project may receive it. Pure: built only from the event, the project's approval and its key.
 *
 * Only the approved fields are read from the event; everything else is never copied, so there is nothing to mask.
 * Restricted social care (safeguarding) is never released, whatever the approval: it is restricted within direct
 * care itself.
 */
export function minimise(
  event: RecordChangeEvent,
  project: SdeProject,
  pseudonyms: Pseudonymiser,
  providerTypeOf: ProviderTypeOf,
): Minimised {
  const kind = event.header.eventType as EventType;
  const approved = project.events.get(kind);
  if (!approved) return { released: false, reason: 'not-approved' };
  if (kind === 'SocialCareInvolvementRecorded' && isRestricted(event)) {
    return { released: false, reason: 'restricted' };
  }
  const { header } = event;
  const row: Record<string, unknown> = {
    pseudonym: pseudonyms.patient(header.nhsNumber),
    rowId: pseudonyms.event(header.eventId),
    recordId: pseudonyms.record(header.providerOdsCode, header.sourceRecordId),
    eventType: kind,
    operation: header.operation,
    occurred: generaliseTime(header.occurredAt, project.precision.eventDate),
  };
  for (const field of project.context) {
    row[field] =
      field === 'ics'
        ? header.ics
        : field === 'collaborative'
          ? header.collaborative
          : field === 'providerOdsCode'
            ? header.providerOdsCode
            : (providerTypeOf(header.providerOdsCode) ?? null);
  }
  for (const [other] of project.events) row[kindField(other)] = null;
  row[kindField(kind)] = Object.fromEntries(
    approved.map((field) => [
      field.name,
      release(read(event, field.from), field, project, pseudonyms, header.providerOdsCode),
    ]),
  );
  return { released: true, row: row as ProjectRow };
}

/**
 * As the contract says: SAFEGUARDING is restricted whatever the flag, for events written before it existed. A
 * safeguarding record kind counts too: ingest flags it, but a writer that did not would otherwise release it.
 */
function isRestricted(event: RecordChangeEvent): boolean {
  const involvement = event as { restricted?: boolean; involvementType?: string; recordKind?: string };
  return (
    involvement.restricted === true ||
    involvement.involvementType === 'SAFEGUARDING' ||
    involvement.recordKind === 'SAFEGUARDING'
  );
}

function read(event: unknown, from: string): unknown {
  let node: unknown = event;
  for (const key of from.split('.')) {
    if (node === null || node === undefined || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  return node ?? null;
}

type Coded = { system: string; code: string };
type Measured = { value: number; unit: string; ucumCode: string | null };
type ReportResult = {
  code: Coded;
  status: string;
  valueQuantity: Measured | null;
  valueCoded: Coded | null;
  interpretation: string | null;
};

const quantityOf = (q: Measured): Measured => ({
  value: q.value,
  unit: q.unit,
  ucumCode: q.ucumCode ?? null,
});

function release(
  value: unknown,
  field: ReleasableField,
  project: SdeProject,
  pseudonyms: Pseudonymiser,
  providerOdsCode: string,
): unknown {
  if (value === null || value === undefined) return null;
  const { precision } = project;
  switch (field.treatment) {
    case 'coded':
      return coded(value as Coded);
    case 'coded-list':
      return (value as Coded[]).map(coded);
    case 'symbol':
    case 'event-type':
    case 'organisation':
      // Enum symbols and ODS codes are strings in the event already.
      return value;
    case 'symbol-list':
      return (value as unknown[]).map(String);
    case 'event-date':
      return generaliseDate(value as number, precision.eventDate);
    case 'event-time':
      return generaliseTime(value as number, precision.eventDate);
    case 'birth-date':
      return generaliseDate(value as number, precision.birthDate);
    case 'period': {
      const period = value as { start: number | null; end: number | null };
      const at = (d: number | null) => (d === null ? null : generaliseDate(d, precision.eventDate));
      return { start: at(period.start), end: at(period.end) };
    }
    case 'quantity':
      return quantityOf(value as Measured);
    case 'result-list':
      return (value as ReportResult[]).map((result) => ({
        code: coded(result.code),
        status: result.status,
        valueQuantity: result.valueQuantity === null ? null : quantityOf(result.valueQuantity),
        valueCoded: result.valueCoded === null ? null : coded(result.valueCoded),
        interpretation: result.interpretation,
      }));
    case 'int':
    case 'boolean':
      return value;
    case 'postcode':
      return generalisePostcode(value as string, precision.geography);
    case 'patient-pseudonym':
      return pseudonyms.patient(value as string);
    case 'record-pseudonym':
      return pseudonyms.record(providerOdsCode, value as string);
  }
}

/** System and code only: a CodedValue's display is the sender's text. */
const coded = (value: Coded): Coded => ({ system: value.system, code: value.code });
