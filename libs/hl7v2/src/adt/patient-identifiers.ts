import { normaliseNhsNumber, nhsNumberProblem } from '@crosscare/governance';
import type { Er7Repetition, SegmentReader } from '../er7/segment-reader';
import { requiredIssue, valueIssue, type IssueList } from './issues';

/** OID of the NHS number in England and Wales, which some senders put in CX-4.2 instead of the namespace NHS. */
const NHS_NUMBER_OID = '2.16.840.1.113883.2.1.4.1';
/** CX-5 identifier types of a provider's own patient number: patient internal identifier, medical record number. */
const LOCAL_IDENTIFIER_TYPES = ['PI', 'MR'];

/** Who a patient identifier list (PID-3, MRG-1) names. */
export interface PatientIdentifiers {
  /** Validated and normalised: 10 digits with a valid check digit. */
  readonly nhsNumber: string;
  /** The provider's own patient number (CX-5 PI or MR), or null when it sent none. */
  readonly localId: string | null;
  /** sourceRecordId of the patient's record: `Patient/<local id>`, or `Patient/<NHS number>` without one. */
  readonly recordId: string;
}

/**
 * Reads the NHS number and local patient number from a CX list. UK PAS convention: the NHS number is the repetition
 * with identifier type NH and/or assigning authority NHS, e.g. `9990000018^^^NHS^NH~1234567^^^RRK^MR`.
 */
export function readPatientIdentifiers(
  segment: SegmentReader,
  field: number,
  location: string,
  issues: IssueList,
): PatientIdentifiers | null {
  const repetitions = segment.repetitions(field);
  const nhsRepetitions = repetitions.filter(isNhsNumberIdentifier);
  if (nhsRepetitions.length === 0) {
    issues.push(
      requiredIssue(
        location,
        `${location} must carry the NHS number in a repetition with identifier type NH (CX-5) and/or ` +
          `assigning authority NHS (CX-4)`,
      ),
    );
    return null;
  }

  const nhsNumbers = new Set<string>();
  let allValid = true;
  for (const repetition of nhsRepetitions) {
    const value = repetition.text(1);
    const nhsNumber = normaliseNhsNumber(value);
    if (nhsNumber) {
      nhsNumbers.add(nhsNumber);
      continue;
    }
    allValid = false;
    issues.push(
      value
        ? valueIssue(location, `${location} "${value}" is not a valid NHS number: ${nhsNumberProblem(value)}`)
        : requiredIssue(location, `${location} has an NHS number repetition without a number`),
    );
  }
  if (nhsNumbers.size > 1) {
    issues.push(
      valueIssue(location, `${location} carries ${nhsNumbers.size} different NHS numbers; send one`),
    );
    return null;
  }
  const [nhsNumber] = nhsNumbers;
  if (!allValid || nhsNumber === undefined) return null;

  const local = repetitions.find(
    (repetition) =>
      !isNhsNumberIdentifier(repetition) &&
      LOCAL_IDENTIFIER_TYPES.includes(repetition.text(5).toUpperCase()) &&
      repetition.text(1) !== '',
  );
  const localId = local?.text(1) ?? null;
  return { nhsNumber, localId, recordId: `Patient/${localId ?? nhsNumber}` };
}

function isNhsNumberIdentifier(repetition: Er7Repetition): boolean {
  return (
    repetition.text(5).toUpperCase() === 'NH' ||
    repetition.subcomponent(4, 1).toUpperCase() === 'NHS' ||
    repetition.subcomponent(4, 2) === NHS_NUMBER_OID
  );
}
