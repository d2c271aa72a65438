import type { CodedValue } from '@crosscare/events';
import type { CodeableConcept, Dosage, Medication, Reference, Resource } from '@medplum/fhirtypes';
import { DM_AND_D, SNOMED_CT } from '../fhir-systems';
import type { IssueLog } from '../validation/issue-log';
import { requiredCoding } from './codings';

interface MedicationSource {
  readonly medicationCodeableConcept?: CodeableConcept;
  readonly medicationReference?: Reference;
  readonly contained?: Resource[];
}

/** dm+d codes are SNOMED CT concepts; UK Core sends them under either system, and dm+d's own system is preferred. */
const MEDICATION_SYSTEMS = [DM_AND_D, SNOMED_CT];

/**
 * Products of Medication resources the provider sent before (ingest keeps them as reference data), keyed by
 * `Medication/{id}`: the product's code.
 */
export type EarlierMedications = ReadonlyMap<string, CodedValue>;

/**
 * The Medication entries of the same Bundle, keyed as other entries reference them: the entry's fullUrl
 * (`urn:uuid:…`) and `Medication/{id}`. Each is the product it keeps, or why it cannot be used (the entry was
 * refused): a reference to a refused entry is refused rather than resolved to an earlier version the sender was
 * replacing.
 */
export type MedicationIndex = ReadonlyMap<
  string,
  { readonly code: CodedValue } | { readonly unusable: string }
>;

/** Where a medicationReference may point besides a contained Medication. */
export interface MedicationReferenceScope {
  /** Medication entries of the same Bundle; they win over what was sent before, being the newer version. */
  readonly medicationsInBundle?: MedicationIndex;
  readonly earlierMedications?: EarlierMedications;
}

/** `Medication/{id}` (optionally `/_history/{v}`): the id such a reference names. */
const LITERAL_MEDICATION = /^Medication\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** The record (`Medication/{id}`) a relative literal reference names, or null for any other reference. */
export function literalMedicationRecord(reference: string): string | null {
  const match = LITERAL_MEDICATION.exec(reference);
  return match ? `Medication/${match[1]}` : null;
}

/**
 * The product of a MedicationRequest, MedicationStatement or MedicationDispense: from medicationCodeableConcept, from
 * a contained Medication (`#id`), from a Medication entry of the same Bundle (its fullUrl or `Medication/{id}`), or
 * from a Medication the provider sent before (`Medication/{id}`, kept by ingest).
 */
export function medicationOf(
  resource: MedicationSource,
  at: string,
  issues: IssueLog,
  scope: MedicationReferenceScope = {},
): CodedValue | null {
  const reference = resource.medicationReference?.reference;
  if (resource.medicationCodeableConcept === undefined && reference !== undefined) {
    const index = (resource.contained ?? []).findIndex(
      (contained) => contained.resourceType === 'Medication' && `#${contained.id}` === reference,
    );
    const medication = resource.contained?.[index];
    if (medication?.resourceType === 'Medication') {
      return requiredCoding(medication.code, `${at}.contained[${index}].code`, issues, {
        accepted: MEDICATION_SYSTEMS,
      });
    }
    const record = literalMedicationRecord(reference);
    const inBundle =
      scope.medicationsInBundle?.get(reference) ??
      (record === null ? undefined : scope.medicationsInBundle?.get(record));
    if (inBundle !== undefined && 'code' in inBundle) return inBundle.code;
    if (inBundle !== undefined) {
      issues.required(
        `${at}.medicationReference.reference`,
        `${at}.medicationReference.reference '${reference}' cannot be resolved: ${inBundle.unusable}`,
      );
      return null;
    }
    const sent = record === null ? undefined : scope.earlierMedications?.get(record);
    if (sent !== undefined) return sent;
    issues.required(
      `${at}.medicationReference.reference`,
      `${at}.medicationReference.reference '${reference}' cannot be resolved: it must be a contained Medication ` +
        '(#id), a Medication entry of the same Bundle or a Medication this provider sent before (Medication/{id}); ' +
        'otherwise send medicationCodeableConcept',
    );
    return null;
  }
  return requiredCoding(resource.medicationCodeableConcept, `${at}.medicationCodeableConcept`, issues, {
    accepted: MEDICATION_SYSTEMS,
  });
}

/**
 * A Medication resource as the reference data ingest keeps: its product code (dm+d or SNOMED CT). Not a record
 * change: a Medication describes a product, not anything about a patient.
 */
export function medicationProduct(medication: Medication, at: string, issues: IssueLog): CodedValue | null {
  if (!medication.id) issues.required(`${at}.id`, `${at}.id is required: later references name it`);
  return requiredCoding(medication.code, `${at}.code`, issues, { accepted: MEDICATION_SYSTEMS });
}

/** Dosage instructions as the label reads, one instruction per line of a multi-part dose. */
export function dosageTextOf(dosages: readonly Dosage[] | undefined): string | null {
  const texts = (dosages ?? []).map((dosage) => dosage.text?.trim()).filter((text): text is string => !!text);
  return texts.length > 0 ? texts.join('; ') : null;
}
