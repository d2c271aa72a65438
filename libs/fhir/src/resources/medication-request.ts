import type { AnyRecordChangeDraft, MedicationCourseType, PrescriptionStatus } from '@crosscare/events';
import type { MedicationRequest } from '@medplum/fhirtypes';
import { UK_CORE_REPEAT_INFORMATION } from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { codeFrom, eventQuantity, mapCode } from '../mapping/codings';
import { dateOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';
import { dosageTextOf, medicationOf } from '../mapping/medication';

export const PRESCRIPTION_STATUSES: Record<string, PrescriptionStatus> = {
  active: 'ACTIVE',
  'on-hold': 'ON_HOLD',
  completed: 'COMPLETED',
  stopped: 'STOPPED',
  cancelled: 'CANCELLED',
};

/** FHIR course-of-therapy codes plus UK Core's repeat dispensing. */
const COURSE_TYPES: Record<string, MedicationCourseType> = {
  acute: 'ACUTE',
  continuous: 'CONTINUOUS',
  'continuous-repeat-dispensing': 'REPEAT_DISPENSING',
  seasonal: 'SEASONAL',
};

/** MedicationRequest (a prescription or a change to one) → MedicationPrescribed; entered-in-error → RecordRemoved. */
export function mapMedicationRequest(
  request: MedicationRequest,
  context: MappingContext,
): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    request,
    { element: 'subject', reference: request.subject },
    [[request.authoredOn, `${at}.authoredOn`]],
    context,
  );
  if (request.status === ENTERED_IN_ERROR)
    return removedAsEnteredInError(source, 'MedicationPrescribed', context);
  const medication = medicationOf(request, at, issues, context);
  const dosageText = dosageTextOf(request.dosageInstruction);
  if (dosageText === null) {
    issues.required(
      `${at}.dosageInstruction.text`,
      `${at}.dosageInstruction.text is required: the dosage as written`,
    );
  }
  const repeat = request.extension?.find((extension) => extension.url === UK_CORE_REPEAT_INFORMATION);
  // A repeat authority's expiry is the end of the course; a one-off prescription ends when it stops being valid.
  const authorisationExpiry = repeat?.extension?.find((part) => part.url === 'authorisationExpiryDate');
  const courseEndDate = authorisationExpiry?.valueDateTime
    ? dateOf(authorisationExpiry.valueDateTime, `${at}.extension('${UK_CORE_REPEAT_INFORMATION}')`, issues)
    : dateOf(
        request.dispenseRequest?.validityPeriod?.end,
        `${at}.dispenseRequest.validityPeriod.end`,
        issues,
      );
  if (source === null || medication === null || dosageText === null || !issues.isEmpty) return [];
  return [
    draft('MedicationPrescribed', source, {
      medication,
      dosageText,
      quantity: eventQuantity(request.dispenseRequest?.quantity),
      courseType: courseTypeOf(codeFrom(request.courseOfTherapyType), repeat !== undefined),
      status: mapCode(request.status, PRESCRIPTION_STATUSES, 'UNKNOWN'),
      courseEndDate,
    }),
  ];
}

/** GP repeats are `continuous` courses carrying UK Core repeat information; without it a continuous course stays so. */
function courseTypeOf(code: string | undefined, hasRepeatInformation: boolean): MedicationCourseType {
  if (hasRepeatInformation && (code === undefined || code === 'continuous')) return 'REPEAT';
  return mapCode(code, COURSE_TYPES, 'OTHER');
}
