import type {
  ProblemClinicalStatus,
  ProblemRecorded,
  ProblemSignificance,
  ProblemVerificationStatus,
} from '@crosscare/events';
import type { Condition } from '@medplum/fhirtypes';
import { UK_CORE_PROBLEM_SIGNIFICANCE } from '../../fhir-systems';
import {
  codeableConcept,
  conceptFrom,
  fhirDate,
  fhirInstant,
  optional,
  patientReference,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';

export const CONDITION_CLINICAL_STATUSES: Record<ProblemClinicalStatus, string | undefined> = {
  ACTIVE: 'active',
  RECURRENCE: 'recurrence',
  RELAPSE: 'relapse',
  INACTIVE: 'inactive',
  REMISSION: 'remission',
  RESOLVED: 'resolved',
  UNKNOWN: undefined,
};
const VERIFICATION_STATUSES: Record<ProblemVerificationStatus, string | undefined> = {
  UNCONFIRMED: 'unconfirmed',
  PROVISIONAL: 'provisional',
  DIFFERENTIAL: 'differential',
  CONFIRMED: 'confirmed',
  REFUTED: 'refuted',
  UNKNOWN: undefined,
};
const SIGNIFICANCES: Record<ProblemSignificance, string | undefined> = {
  MAJOR: 'major',
  MINOR: 'minor',
  UNKNOWN: undefined,
};

/** R4 (con-4) lets only a problem that is no longer current carry an abatement. */
const ABATED_STATUSES: readonly ProblemClinicalStatus[] = ['INACTIVE', 'REMISSION', 'RESOLVED'];

/** ProblemRecorded → a problem-list-item Condition, with the significance in the UK Core extension GP feeds use. */
export function renderCondition(problem: ProblemRecorded, context: RenderContext): Condition {
  const significance = SIGNIFICANCES[problem.significance];
  // A recurrence or relapse is current again, and an unknown status cannot be said to be over: R4 forbids an
  // abatement on either, so the record shows the problem as current and leaves the earlier abatement out.
  const abated = ABATED_STATUSES.includes(problem.clinicalStatus) ? problem.abatementDate : null;
  return {
    resourceType: 'Condition',
    ...itemFrame(problem.header, 'ProblemRecorded'),
    ...optional(
      'extension',
      significance === undefined ? null : [{ url: UK_CORE_PROBLEM_SIGNIFICANCE, valueCode: significance }],
    ),
    ...optional(
      'clinicalStatus',
      conceptFrom(CONDITION_CLINICAL, CONDITION_CLINICAL_STATUSES[problem.clinicalStatus]),
    ),
    ...optional(
      'verificationStatus',
      conceptFrom(CONDITION_VERIFICATION, VERIFICATION_STATUSES[problem.verificationStatus]),
    ),
    category: [
      { coding: [{ system: CONDITION_CATEGORY, code: 'problem-list-item', display: 'Problem List Item' }] },
    ],
    code: codeableConcept(problem.code),
    subject: patientReference(context.nhsNumber),
    ...optional('onsetDateTime', fhirDate(problem.onsetDate)),
    ...optional('abatementDateTime', fhirDate(abated)),
    recordedDate: fhirInstant(problem.header.occurredAt),
  };
}
