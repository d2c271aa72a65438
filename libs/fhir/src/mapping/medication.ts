import type { CodedValue } from '@crosscare/events';
import type { CodeableConcept, Dosage, Reference, Resource } from '@medplum/fhirtypes';
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
 * The product of a MedicationRequest, MedicationStatement or MedicationDispense: from medicationCodeableConcept, or
 * from a contained Medication (UK Core allows either). A Medication elsewhere cannot be read in a single request.
 */
export function medicationOf(resource: MedicationSource, at: string, issues: IssueLog): CodedValue | null {
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
    issues.required(
      `${at}.medicationReference`,
      `${at}.medicationReference must point at a contained Medication (#id); otherwise send medicationCodeableConcept`,
    );
    return null;
  }
  return requiredCoding(resource.medicationCodeableConcept, `${at}.medicationCodeableConcept`, issues, {
    accepted: MEDICATION_SYSTEMS,
  });
}

/** Dosage instructions as the label reads, one instruction per line of a multi-part dose. */
export function dosageTextOf(dosages: readonly Dosage[] | undefined): string | null {
  const texts = (dosages ?? []).map((dosage) => dosage.text?.trim()).filter((text): text is string => !!text);
  return texts.length > 0 ? texts.join('; ') : null;
}
