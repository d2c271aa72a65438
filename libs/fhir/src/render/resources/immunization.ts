import type { ImmunisationRecorded, ImmunisationStatus } from '@crosscare/events';
import type { Immunization } from '@medplum/fhirtypes';
import { codeableConcept, fhirInstant, optional, patientReference } from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/** Undefined for UNKNOWN: the code system has no "unknown" (see withUnknownStatus). */
export const IMMUNIZATION_STATUSES: Record<ImmunisationStatus, Immunization['status'] | undefined> = {
  COMPLETED: 'completed',
  NOT_DONE: 'not-done',
  UNKNOWN: undefined,
};

/** ImmunisationRecorded → Immunization. */
export function renderImmunization(immunisation: ImmunisationRecorded, context: RenderContext): Immunization {
  const { doseNumber } = immunisation;
  const rendered: Omit<Immunization, 'status'> = {
    resourceType: 'Immunization',
    ...itemFrame(immunisation.header, 'ImmunisationRecorded'),
    vaccineCode: codeableConcept(immunisation.vaccine),
    patient: patientReference(context.nhsNumber),
    occurrenceDateTime: fhirInstant(immunisation.administeredAt),
    ...optional('lotNumber', immunisation.batchNumber),
    ...optional('site', immunisation.site && codeableConcept(immunisation.site)),
    // positiveInt starts at 1; a dose numbered otherwise is kept as the source wrote it.
    ...optional(
      'protocolApplied',
      doseNumber === null
        ? null
        : [
            doseNumber >= 1
              ? { doseNumberPositiveInt: doseNumber }
              : { doseNumberString: String(doseNumber) },
          ],
    ),
  };
  const status = IMMUNIZATION_STATUSES[immunisation.status];
  return status === undefined ? withUnknownStatus(rendered) : { ...rendered, status };
}

/**
 * Immunization.status is required and its code system has no "unknown"; FHIR's way to say a required value is not
 * known is the data-absent-reason extension on the element, rather than guessing given or not given.
 */
function withUnknownStatus(rendered: Omit<Immunization, 'status'>): Immunization {
  const unknownStatus = { _status: { extension: [{ url: DATA_ABSENT_REASON, valueCode: 'unknown' }] } };
  // @medplum/fhirtypes does not model primitive extensions (_status), so the type cannot say this.
  return { ...rendered, ...unknownStatus } as unknown as Immunization;
}
