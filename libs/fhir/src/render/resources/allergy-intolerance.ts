import type {
  AllergyCategory,
  AllergyClinicalStatus,
  AllergyCriticality,
  AllergyReaction,
  AllergyRecorded,
  ReactionSeverity,
} from '@crosscare/events';
import type { AllergyIntolerance, AllergyIntoleranceReaction, CodeableConcept } from '@medplum/fhirtypes';
import {
  codeableConcept,
  conceptFrom,
  fhirDate,
  fhirInstant,
  nonEmpty,
  optional,
  patientReference,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

const CATEGORIES: Record<AllergyCategory, AllergyIntolerance['category']> = {
  FOOD: ['food'],
  MEDICATION: ['medication'],
  ENVIRONMENT: ['environment'],
  BIOLOGIC: ['biologic'],
  OTHER: undefined,
};
export const ALLERGY_INTOLERANCE_CLINICAL_STATUSES: Record<AllergyClinicalStatus, string | undefined> = {
  ACTIVE: 'active',
  INACTIVE: 'inactive',
  RESOLVED: 'resolved',
  UNKNOWN: undefined,
};
const CRITICALITIES: Record<AllergyCriticality, AllergyIntolerance['criticality']> = {
  LOW: 'low',
  HIGH: 'high',
  UNABLE_TO_ASSESS: 'unable-to-assess',
  UNKNOWN: undefined,
};
const SEVERITIES: Record<ReactionSeverity, AllergyIntoleranceReaction['severity']> = {
  MILD: 'mild',
  MODERATE: 'moderate',
  SEVERE: 'severe',
  UNKNOWN: undefined,
};

/**
 * R4 (ait-1) requires a clinical status on every allergy not entered in error, and the code system has no
 * "unknown": an unknown status is said with the data-absent-reason extension instead of a guessed code.
 */
const UNKNOWN_CLINICAL_STATUS: CodeableConcept = {
  extension: [{ url: DATA_ABSENT_REASON, valueCode: 'unknown' }],
};

/** AllergyRecorded → AllergyIntolerance, reactions included. */
export function renderAllergyIntolerance(
  allergy: AllergyRecorded,
  context: RenderContext,
): AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    ...itemFrame(allergy.header, 'AllergyRecorded'),
    clinicalStatus:
      conceptFrom(ALLERGY_CLINICAL, ALLERGY_INTOLERANCE_CLINICAL_STATUSES[allergy.clinicalStatus]) ??
      UNKNOWN_CLINICAL_STATUS,
    ...optional('category', CATEGORIES[allergy.category]),
    ...optional('criticality', CRITICALITIES[allergy.criticality]),
    code: codeableConcept(allergy.substance),
    patient: patientReference(context.nhsNumber),
    ...optional('onsetDateTime', fhirDate(allergy.onsetDate)),
    recordedDate: fhirInstant(allergy.header.occurredAt),
    ...nonEmpty('reaction', allergy.reactions.map(reaction)),
  };
}

function reaction(event: AllergyReaction): AllergyIntoleranceReaction {
  return {
    manifestation: [codeableConcept(event.manifestation)],
    ...optional('severity', SEVERITIES[event.severity]),
    ...optional('onset', fhirInstant(event.onsetAt)),
  };
}
