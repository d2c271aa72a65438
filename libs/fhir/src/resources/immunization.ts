import type { AnyRecordChangeDraft, ImmunisationStatus } from '@crosscare/events';
import type { Immunization } from '@medplum/fhirtypes';
import { DM_AND_D, SNOMED_CT } from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { mapCode, pickCoding, requiredCoding } from '../mapping/codings';
import { instantOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';

const STATUSES: Record<string, ImmunisationStatus> = { completed: 'COMPLETED', 'not-done': 'NOT_DONE' };

/** Immunization → ImmunisationRecorded; entered-in-error → RecordRemoved. */
export function mapImmunization(immunization: Immunization, context: MappingContext): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    immunization,
    { element: 'patient', reference: immunization.patient },
    [
      [immunization.occurrenceDateTime, `${at}.occurrenceDateTime`],
      [immunization.recorded, `${at}.recorded`],
    ],
    context,
  );
  if (immunization.status === ENTERED_IN_ERROR) {
    return removedAsEnteredInError(source, 'ImmunisationRecorded', context);
  }
  const vaccine = requiredCoding(immunization.vaccineCode, `${at}.vaccineCode`, issues, {
    accepted: [DM_AND_D, SNOMED_CT],
  });
  if (immunization.occurrenceDateTime === undefined) {
    issues.required(
      `${at}.occurrenceDateTime`,
      `${at}.occurrenceDateTime is required: when the vaccine was given (occurrenceString cannot be dated)`,
    );
  }
  const administeredAt = instantOf(immunization.occurrenceDateTime, `${at}.occurrenceDateTime`, issues);
  if (source === null || vaccine === null || administeredAt === null || !issues.isEmpty) return [];
  return [
    draft('ImmunisationRecorded', source, {
      vaccine,
      status: mapCode(immunization.status, STATUSES, 'UNKNOWN'),
      administeredAt,
      doseNumber: doseNumberOf(immunization),
      batchNumber: immunization.lotNumber ?? null,
      site: pickCoding(immunization.site, [SNOMED_CT]),
    }),
  ];
}

/** doseNumberString is free text ("booster"); only a plain number is a dose number. */
function doseNumberOf(immunization: Immunization): number | null {
  const applied = immunization.protocolApplied?.[0];
  if (applied?.doseNumberPositiveInt !== undefined) return applied.doseNumberPositiveInt;
  const text = applied?.doseNumberString?.trim();
  return text !== undefined && /^\d{1,4}$/.test(text) ? Number(text) : null;
}
