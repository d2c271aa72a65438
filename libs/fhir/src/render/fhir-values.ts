import {
  type CodedValue,
  MILLIS_PER_DAY,
  type Period as EventPeriod,
  type Quantity as EventQuantity,
} from '@crosscare/events';
import type {
  CodeableConcept,
  Coding,
  Organization,
  Patient,
  Period,
  Quantity,
  Reference,
} from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM, ODS_ORGANISATION_SYSTEM, UCUM } from '../fhir-systems';
import { patientResourceId, uuidReference } from './resource-ids';

/** FHIR date (YYYY-MM-DD) of an Avro date; null stays null. */
export function fhirDate(days: number): string;
export function fhirDate(days: number | null): string | null;
export function fhirDate(days: number | null): string | null {
  return days === null ? null : new Date(days * MILLIS_PER_DAY).toISOString().slice(0, 10);
}

/** FHIR instant / dateTime (UTC) of epoch milliseconds; null stays null. */
export function fhirInstant(millis: number): string;
export function fhirInstant(millis: number | null): string | null;
export function fhirInstant(millis: number | null): string | null {
  return millis === null ? null : new Date(millis).toISOString();
}

function coding(value: CodedValue): Coding {
  return { system: value.system, code: value.code, ...optional('display', value.display) };
}

export const codeableConcept = (value: CodedValue): CodeableConcept => ({ coding: [coding(value)] });

/** An event quantity as FHIR: the UCUM code only when the source gave one, and no empty unit (FHIR forbids ""). */
export function quantity(value: EventQuantity): Quantity {
  return {
    value: value.value,
    ...optional('unit', value.unit === '' ? null : value.unit),
    ...(value.ucumCode === null ? {} : { system: UCUM, code: value.ucumCode }),
  };
}

/**
 * Whose record an item is in: the Patient entry of the Bundle, and the NHS number as a logical identifier too, so the
 * resource still names the patient when read on its own (and the forward mapper reads it back).
 */
export const patientReference = (nhsNumber: string): Reference<Patient> => ({
  reference: uuidReference(patientResourceId(nhsNumber)),
  type: 'Patient',
  identifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber },
});

/** An organisation by ODS code, as UK Core references organisations, named when the directory knows it. */
export function organisationReference(odsCode: string, name: string | undefined): Reference<Organization> {
  return {
    type: 'Organization',
    identifier: { system: ODS_ORGANISATION_SYSTEM, value: odsCode },
    ...optional('display', name),
  };
}

/** The FHIR code of an event symbol, from a table keyed by FHIR code (the forward mapper's tables). */
export function fhirCodeOf<T extends string>(
  table: Readonly<Record<string, T>>,
  symbol: T,
): string | undefined {
  return Object.keys(table).find((code) => table[code] === symbol);
}

/** `{ [key]: value }`, or nothing for null or undefined: FHIR JSON leaves absent elements out rather than null. */
export function optional<K extends string, V>(key: K, value: V | null | undefined): Partial<Record<K, V>> {
  return value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** `{ [key]: list }`, or nothing for an empty list: FHIR forbids empty arrays. */
export function nonEmpty<K extends string, V>(key: K, list: readonly V[]): Partial<Record<K, V[]>> {
  return list.length === 0 ? {} : ({ [key]: [...list] } as Record<K, V[]>);
}

/** One code of a code system as a CodeableConcept; undefined for a symbol FHIR has no code for (e.g. UNKNOWN). */
export function conceptFrom(
  system: string,
  code: string | undefined,
  display?: string,
): CodeableConcept | undefined {
  return code === undefined ? undefined : { coding: [{ system, code, ...optional('display', display) }] };
}

/** A span of days as a FHIR Period; null when neither end is known (FHIR forbids an empty element). */
export function datePeriod(period: EventPeriod): Period | null {
  if (period.start === null && period.end === null) return null;
  return { ...optional('start', fhirDate(period.start)), ...optional('end', fhirDate(period.end)) };
}
