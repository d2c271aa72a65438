import type { AnyRecordChangeDraft, PrescriptionStatus } from '@crosscare/events';
import type { MedicationStatement } from '@medplum/fhirtypes';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { mapCode } from '../mapping/codings';
import { dateOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';
import { dosageTextOf, medicationOf } from '../mapping/medication';

const STATEMENT_STATUSES: Record<string, PrescriptionStatus> = {
  active: 'ACTIVE',
  intended: 'ACTIVE',
  'on-hold': 'ON_HOLD',
  completed: 'COMPLETED',
  stopped: 'STOPPED',
  'not-taken': 'STOPPED',
};

/**
 * MedicationStatement → MedicationPrescribed. A statement says what the patient is taking (a hospital's medicines
 * reconciliation, a care home's medication record); for a clinician reading the shared record that is the same fact
 * as a prescription, so it travels as one. It has no course type or supply quantity (OTHER, null), and its dosage
 * may be unstated (empty text).
 */
export function mapMedicationStatement(
  statement: MedicationStatement,
  context: MappingContext,
): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    statement,
    { element: 'subject', reference: statement.subject },
    [
      [statement.effectiveDateTime, `${at}.effectiveDateTime`],
      [statement.effectivePeriod?.start, `${at}.effectivePeriod.start`],
      [statement.dateAsserted, `${at}.dateAsserted`],
    ],
    context,
  );
  if (statement.status === ENTERED_IN_ERROR) {
    return removedAsEnteredInError(source, 'MedicationPrescribed', context);
  }
  const medication = medicationOf(statement, at, issues, context);
  const courseEndDate = dateOf(statement.effectivePeriod?.end, `${at}.effectivePeriod.end`, issues);
  if (source === null || medication === null || !issues.isEmpty) return [];
  return [
    draft('MedicationPrescribed', source, {
      medication,
      dosageText: dosageTextOf(statement.dosage) ?? '',
      quantity: null,
      courseType: 'OTHER',
      status: mapCode(statement.status, STATEMENT_STATUSES, 'UNKNOWN'),
      courseEndDate,
    }),
  ];
}
