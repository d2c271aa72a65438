import { nhsNumberProblem, normaliseNhsNumber } from '@crosscare/governance';
import type { Identifier, Reference } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM } from '../fhir-systems';
import type { IssueLog } from '../validation/issue-log';

/**
 * NHS numbers of the Patient entries of one transaction Bundle, keyed by how other entries may reference them: the
 * entry's fullUrl (`urn:uuid:…`) and `Patient/{id}`. Only valid NHS numbers are indexed.
 */
export type PatientIndex = ReadonlyMap<string, string>;

/**
 * The NHS number of the patient a clinical resource is about. Crosscare shares records by NHS number only, so a
 * reference must carry it as a logical identifier or point at a Patient entry of the same transaction that does.
 */
export function referencedNhsNumber(
  reference: Reference | undefined,
  location: string,
  issues: IssueLog,
  patients?: PatientIndex,
): string | null {
  const identifier = reference?.identifier;
  if (identifier?.system === NHS_NUMBER_SYSTEM) {
    return validNhsNumber(identifier, `${location}.identifier.value`, issues);
  }
  const target = reference?.reference;
  if (target !== undefined && patients?.has(target)) return patients.get(target) ?? null;
  const why =
    target === undefined
      ? ''
      : ` ('${target}' is not a Patient entry with an NHS number in the same transaction Bundle)`;
  issues.required(
    location,
    `${location} must identify the patient by NHS number: identifier.system ${NHS_NUMBER_SYSTEM}, or a reference to ` +
      `a Patient entry of the same transaction Bundle that has one${why}`,
  );
  return null;
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
