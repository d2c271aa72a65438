import { nhsNumberProblem, normaliseNhsNumber } from '@crosscare/governance';
import type { Identifier, Reference, Resource } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM } from '../fhir-systems';
import type { IssueLog } from '../validation/issue-log';

/**
 * NHS numbers of the Patient entries of one transaction Bundle, keyed by how other entries may reference them: the
 * entry's fullUrl (`urn:uuid:…`) and `Patient/{id}`. Only valid NHS numbers are indexed.
 */
export type PatientIndex = ReadonlyMap<string, string>;

/**
 * What the app found for literal `Patient/{id}` references to Patient resources the same provider sent before
 * (ingest's ledger): the NHS number, or why it cannot be used. Keyed by `Patient/{id}`.
 */
export type EarlierPatients = ReadonlyMap<
  string,
  { readonly nhsNumber: string } | { readonly unusable: string }
>;

/** Where a resource's patient reference may point, besides an NHS number given as a logical identifier. */
export interface PatientReferenceScope {
  /** Patient entries of the same transaction Bundle. */
  readonly inBundle?: PatientIndex;
  /** Patient resources the provider sent before, as the app looked them up. */
  readonly earlier?: EarlierPatients;
  /** The referring resource's contained resources, for `#id`. */
  readonly contained?: readonly Resource[];
  /** Where the contained resources sit, for issues: `Condition.contained`. */
  readonly containedAt?: string;
}

/** `Patient/{id}`, optionally with `/_history/{version}`: the record id such a reference names. */
const LITERAL_PATIENT = /^Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** The record id (`Patient/{id}`) a relative literal reference names, or null for any other reference. */
export function literalPatientRecord(reference: string): string | null {
  const match = LITERAL_PATIENT.exec(reference);
  return match ? `Patient/${match[1]}` : null;
}

/**
 * The NHS number of the patient a clinical resource is about. Crosscare shares records by NHS number only, so a
 * reference must carry it as a logical identifier, or point at a Patient that has one: an entry of the same
 * transaction, a contained Patient (`#id`), or a Patient resource the same provider sent before (`Patient/{id}`),
 * as a FHIR server resolves a literal reference against what it holds.
 */
export function referencedNhsNumber(
  reference: Reference | undefined,
  location: string,
  issues: IssueLog,
  scope: PatientReferenceScope = {},
): string | null {
  const identifier = reference?.identifier;
  if (identifier?.system === NHS_NUMBER_SYSTEM) {
    return validNhsNumber(identifier, `${location}.identifier.value`, issues);
  }
  const target = reference?.reference;
  if (target === undefined) {
    issues.required(
      location,
      `${location} must identify the patient by NHS number: identifier.system ${NHS_NUMBER_SYSTEM}, or a reference ` +
        'to a Patient that has one (an entry of the same transaction Bundle, a contained Patient, or a Patient this ' +
        'provider sent before)',
    );
    return null;
  }
  const inBundle = scope.inBundle?.get(target);
  if (inBundle !== undefined) return inBundle;
  if (target.startsWith('#')) return containedNhsNumber(target, `${location}.reference`, issues, scope);
  const record = literalPatientRecord(target);
  const earlier = record === null ? undefined : scope.earlier?.get(record);
  if (earlier !== undefined && 'nhsNumber' in earlier) return earlier.nhsNumber;
  const why =
    earlier !== undefined
      ? earlier.unusable
      : record !== null
        ? `no Patient ${record} with an NHS number was sent by this provider before${scope.inBundle ? ' or is in the same transaction Bundle' : ''}`
        : scope.inBundle
          ? 'it is not a Patient entry with an NHS number in the same transaction Bundle'
          : 'only Patient/{id}, a contained #id or a transaction Bundle entry can be resolved';
  issues.required(
    `${location}.reference`,
    `${location}.reference '${target}' cannot be resolved to a patient with an NHS number: ${why}`,
  );
  return null;
}

function containedNhsNumber(
  target: string,
  location: string,
  issues: IssueLog,
  scope: PatientReferenceScope,
): string | null {
  const index = (scope.contained ?? []).findIndex(
    (resource) => resource.resourceType === 'Patient' && `#${resource.id}` === target,
  );
  const patient = scope.contained?.[index];
  if (patient?.resourceType !== 'Patient') {
    issues.required(location, `${location} '${target}' names no contained Patient`);
    return null;
  }
  return ownNhsNumber(patient.identifier, `${scope.containedAt ?? 'contained'}[${index}]`, issues);
}

/** The NHS number a Patient resource identifies itself by. */
export function ownNhsNumber(identifiers: readonly Identifier[] | undefined, at: string, issues: IssueLog) {
  const index = (identifiers ?? []).findIndex((identifier) => identifier.system === NHS_NUMBER_SYSTEM);
  if (index < 0) {
    issues.required(`${at}.identifier`, `${at}.identifier needs an NHS number (system ${NHS_NUMBER_SYSTEM})`);
    return null;
  }
  return validNhsNumber(identifiers?.[index] ?? {}, `${at}.identifier[${index}].value`, issues);
}

/** The NHS number of a Patient resource if it has a valid one, without reporting anything: for indexing. */
export function nhsNumberIfValid(identifiers: readonly Identifier[] | undefined): string | null {
  // Runs before validation (a Bundle's Patients are indexed first), so nothing about the shape can be assumed.
  if (!Array.isArray(identifiers)) return null;
  const list = identifiers as readonly (Partial<Identifier> | null)[];
  const value: unknown = list.find((identifier) => identifier?.system === NHS_NUMBER_SYSTEM)?.value;
  return typeof value === 'string' ? normaliseNhsNumber(value) : null;
}

function validNhsNumber(identifier: Identifier, location: string, issues: IssueLog): string | null {
  if (!identifier.value) {
    issues.required(location, `${location} is missing: the NHS number identifier has no value`);
    return null;
  }
  const nhsNumber = normaliseNhsNumber(identifier.value);
  if (nhsNumber === null) issues.invalid(location, `${location}: ${nhsNumberProblem(identifier.value)}`);
  return nhsNumber;
}
