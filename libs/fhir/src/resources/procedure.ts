import type { AnyRecordChangeDraft, ProcedureStatus } from '@crosscare/events';
import type { Procedure } from '@medplum/fhirtypes';
import { ODS_ORGANISATION_SYSTEM, SNOMED_CT } from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { firstCoding, mapCode, odsCodeOf, pickCoding, requiredCoding } from '../mapping/codings';
import { instantOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';

const STATUSES: Record<string, ProcedureStatus> = {
  preparation: 'PREPARATION',
  'in-progress': 'IN_PROGRESS',
  'not-done': 'NOT_DONE',
  'on-hold': 'ON_HOLD',
  stopped: 'STOPPED',
  completed: 'COMPLETED',
};

/**
 * Procedure (an operation, an intervention) → ProcedureRecorded; entered-in-error → RecordRemoved. performed[x] is
 * optional, as in R4: a procedure not done has no time, and its record's own time (meta.lastUpdated) dates it.
 * A performer organisation other than the sender (work done elsewhere) is kept as the performer's ODS code.
 */
export function mapProcedure(procedure: Procedure, context: MappingContext): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    procedure,
    { element: 'subject', reference: procedure.subject },
    [
      [procedure.performedDateTime, `${at}.performedDateTime`],
      [procedure.performedPeriod?.start, `${at}.performedPeriod.start`],
    ],
    context,
  );
  if (procedure.status === ENTERED_IN_ERROR)
    return removedAsEnteredInError(source, 'ProcedureRecorded', context);
  const code = requiredCoding(procedure.code, `${at}.code`, issues, { preferred: [SNOMED_CT] });
  const performedAt =
    instantOf(procedure.performedDateTime, `${at}.performedDateTime`, issues) ??
    instantOf(procedure.performedPeriod?.start, `${at}.performedPeriod.start`, issues);
  const performedEndAt = instantOf(procedure.performedPeriod?.end, `${at}.performedPeriod.end`, issues);
  if (source === null || code === null || !issues.isEmpty) return [];
  const performers = (procedure.performer ?? []).flatMap((performer) => [
    performer.onBehalfOf,
    performer.actor,
  ]);
  return [
    draft('ProcedureRecorded', source, {
      code,
      status: mapCode(procedure.status, STATUSES, 'UNKNOWN'),
      performedAt,
      performedEndAt,
      bodySite: firstCoding(procedure.bodySite, [SNOMED_CT]),
      reason: firstCoding(procedure.reasonCode, [SNOMED_CT]),
      outcome: pickCoding(procedure.outcome, [SNOMED_CT]),
      performerOdsCode: odsCodeOf(performers, ODS_ORGANISATION_SYSTEM),
    }),
  ];
}
