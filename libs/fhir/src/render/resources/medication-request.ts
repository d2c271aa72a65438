import type { MedicationCourseType, MedicationPrescribed, PrescriptionStatus } from '@crosscare/events';
import type { CodeableConcept, Extension, MedicationRequest } from '@medplum/fhirtypes';
import { UK_CORE_REPEAT_INFORMATION } from '../../fhir-systems';
import {
  codeableConcept,
  conceptFrom,
  fhirDate,
  fhirInstant,
  optional,
  organisationReference,
  patientReference,
  quantity,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

const COURSE_OF_THERAPY = 'http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy';
const UK_CORE_COURSE_OF_THERAPY =
  'https://fhir.hl7.org.uk/CodeSystem/UKCore-MedicationRequestCourseOfTherapy';

export const MEDICATION_REQUEST_STATUSES: Record<PrescriptionStatus, MedicationRequest['status']> = {
  ACTIVE: 'active',
  ON_HOLD: 'on-hold',
  COMPLETED: 'completed',
  STOPPED: 'stopped',
  CANCELLED: 'cancelled',
  UNKNOWN: 'unknown',
};

/** A GP repeat is a continuous course that carries UK Core repeat information (see renderMedicationRequest). */
const COURSES_OF_THERAPY: Record<MedicationCourseType, CodeableConcept | undefined> = {
  ACUTE: conceptFrom(COURSE_OF_THERAPY, 'acute', 'Short course (acute) therapy'),
  CONTINUOUS: conceptFrom(COURSE_OF_THERAPY, 'continuous', 'Continuous long term therapy'),
  REPEAT: conceptFrom(COURSE_OF_THERAPY, 'continuous', 'Continuous long term therapy'),
  REPEAT_DISPENSING: conceptFrom(
    UK_CORE_COURSE_OF_THERAPY,
    'continuous-repeat-dispensing',
    'Continuous long term (repeat dispensing)',
  ),
  SEASONAL: conceptFrom(COURSE_OF_THERAPY, 'seasonal', 'Seasonal'),
  OTHER: undefined,
};

/**
 * MedicationPrescribed → MedicationRequest (an order). A repeat's course end is the expiry of its authority, in the
 * UK Core repeat information extension; any other course ends when the prescription stops being valid.
 */
export function renderMedicationRequest(
  prescription: MedicationPrescribed,
  context: RenderContext,
): MedicationRequest {
  const { header, courseEndDate } = prescription;
  const repeat = prescription.courseType === 'REPEAT';
  // The extension needs at least one part, and the authority's expiry is the only part the event carries: a repeat
  // without one can only be shown as a continuous course.
  const repeatInformation: Extension | null =
    repeat && courseEndDate !== null
      ? {
          url: UK_CORE_REPEAT_INFORMATION,
          extension: [{ url: 'authorisationExpiryDate', valueDateTime: fhirDate(courseEndDate) }],
        }
      : null;
  const validityEnd = repeat ? null : fhirDate(courseEndDate);
  return {
    resourceType: 'MedicationRequest',
    ...itemFrame(header, 'MedicationPrescribed'),
    ...optional('extension', repeatInformation && [repeatInformation]),
    status: MEDICATION_REQUEST_STATUSES[prescription.status],
    intent: 'order',
    medicationCodeableConcept: codeableConcept(prescription.medication),
    subject: patientReference(context.nhsNumber),
    authoredOn: fhirInstant(header.occurredAt),
    requester: organisationReference(header.providerOdsCode, context.providerName(header.providerOdsCode)),
    ...optional('courseOfTherapyType', COURSES_OF_THERAPY[prescription.courseType]),
    dosageInstruction: [{ text: prescription.dosageText }],
    ...(validityEnd === null && prescription.quantity === null
      ? {}
      : {
          dispenseRequest: {
            ...optional('validityPeriod', validityEnd === null ? null : { end: validityEnd }),
            ...optional('quantity', prescription.quantity && quantity(prescription.quantity)),
          },
        }),
  };
}
