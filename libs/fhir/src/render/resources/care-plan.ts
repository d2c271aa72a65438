import type { CarePlanRecorded, CarePlanStatus } from '@crosscare/events';
import type { CarePlan, Condition } from '@medplum/fhirtypes';
import {
  codeableConcept,
  datePeriod,
  fhirInstant,
  nonEmpty,
  optional,
  patientReference,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

export const CARE_PLAN_STATUSES: Record<CarePlanStatus, CarePlan['status']> = {
  DRAFT: 'draft',
  ACTIVE: 'active',
  ON_HOLD: 'on-hold',
  REVOKED: 'revoked',
  COMPLETED: 'completed',
  UNKNOWN: 'unknown',
};

/** Conditions the plan addresses are codes in the event; R4 wants Conditions, so each becomes a contained one. */
const addressedId = (index: number): string => `addresses-${index + 1}`;

/** CarePlanRecorded → CarePlan (intent plan). */
export function renderCarePlan(plan: CarePlanRecorded, context: RenderContext): CarePlan {
  return {
    resourceType: 'CarePlan',
    ...itemFrame(plan.header, 'CarePlanRecorded'),
    ...nonEmpty(
      'contained',
      plan.addresses.map((code, i): Condition => ({
        resourceType: 'Condition',
        id: addressedId(i),
        code: codeableConcept(code),
        subject: patientReference(context.nhsNumber),
      })),
    ),
    status: CARE_PLAN_STATUSES[plan.status],
    intent: 'plan',
    category: [codeableConcept(plan.category)],
    title: plan.title,
    ...optional('description', plan.description),
    subject: patientReference(context.nhsNumber),
    ...optional('period', datePeriod(plan.period)),
    created: fhirInstant(plan.header.occurredAt),
    ...nonEmpty(
      'addresses',
      plan.addresses.map((_, i) => ({ reference: `#${addressedId(i)}` })),
    ),
  };
}
