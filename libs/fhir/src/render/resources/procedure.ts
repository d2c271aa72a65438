import type { ProcedureRecorded, ProcedureStatus } from '@crosscare/events';
import type { Procedure } from '@medplum/fhirtypes';
import {
  codeableConcept,
  fhirInstant,
  optional,
  organisationReference,
  patientReference,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

export const PROCEDURE_STATUSES: Record<ProcedureStatus, Procedure['status']> = {
  PREPARATION: 'preparation',
  IN_PROGRESS: 'in-progress',
  NOT_DONE: 'not-done',
  ON_HOLD: 'on-hold',
  STOPPED: 'stopped',
  COMPLETED: 'completed',
  UNKNOWN: 'unknown',
};

/**
 * ProcedureRecorded → Procedure as UK Core shapes it: performedDateTime, or performedPeriod once it has an end; the
 * organisation that performed it when it was not the provider that recorded it.
 */
export function renderProcedure(procedure: ProcedureRecorded, context: RenderContext): Procedure {
  const { performedAt, performedEndAt, performerOdsCode } = procedure;
  const performed =
    performedEndAt === null
      ? optional('performedDateTime', fhirInstant(performedAt))
      : {
          performedPeriod: {
            ...optional('start', fhirInstant(performedAt)),
            end: fhirInstant(performedEndAt),
          },
        };
  return {
    resourceType: 'Procedure',
    ...itemFrame(procedure.header, 'ProcedureRecorded'),
    status: PROCEDURE_STATUSES[procedure.status],
    code: codeableConcept(procedure.code),
    subject: patientReference(context.nhsNumber),
    ...performed,
    ...optional(
      'performer',
      performerOdsCode === null
        ? null
        : [{ actor: organisationReference(performerOdsCode, context.providerName(performerOdsCode)) }],
    ),
    ...optional('reasonCode', procedure.reason && [codeableConcept(procedure.reason)]),
    ...optional('bodySite', procedure.bodySite && [codeableConcept(procedure.bodySite)]),
    ...optional('outcome', procedure.outcome && codeableConcept(procedure.outcome)),
  };
}
