import type {
  AnyRecordChangeDraft,
  ProblemClinicalStatus,
  ProblemSignificance,
  ProblemVerificationStatus,
} from '@crosscare/events';
import type { Condition } from '@medplum/fhirtypes';
import { ICD_10, SNOMED_CT, UK_CORE_PROBLEM_SIGNIFICANCE } from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { codeFrom, mapCode, requiredCoding } from '../mapping/codings';
import { dateOf, firstPresent } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';

const CLINICAL_STATUSES: Record<string, ProblemClinicalStatus> = {
  active: 'ACTIVE',
  recurrence: 'RECURRENCE',
  relapse: 'RELAPSE',
  inactive: 'INACTIVE',
  remission: 'REMISSION',
  resolved: 'RESOLVED',
};
const VERIFICATION_STATUSES: Record<string, ProblemVerificationStatus> = {
  unconfirmed: 'UNCONFIRMED',
  provisional: 'PROVISIONAL',
  differential: 'DIFFERENTIAL',
  confirmed: 'CONFIRMED',
  refuted: 'REFUTED',
};
const SIGNIFICANCES: Record<string, ProblemSignificance> = { major: 'MAJOR', minor: 'MINOR' };

/** Condition (problem list item or encounter diagnosis) → ProblemRecorded; entered-in-error → RecordRemoved. */
export function mapCondition(condition: Condition, context: MappingContext): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    condition,
    { element: 'subject', reference: condition.subject },
    [
      [condition.recordedDate, `${at}.recordedDate`],
      [condition.onsetDateTime, `${at}.onsetDateTime`],
    ],
    context,
  );
  const verification = codeFrom(condition.verificationStatus);
  if (verification === ENTERED_IN_ERROR) return removedAsEnteredInError(source, 'ProblemRecorded', context);
  const code = requiredCoding(condition.code, `${at}.code`, issues, { accepted: [SNOMED_CT, ICD_10] });
  const onsetDate = dateOf(
    ...firstPresent(at, [
      [condition.onsetDateTime, 'onsetDateTime'],
      [condition.onsetPeriod?.start, 'onsetPeriod.start'],
    ]),
    issues,
  );
  const abatementDate = dateOf(
    ...firstPresent(at, [
      [condition.abatementDateTime, 'abatementDateTime'],
      [condition.abatementPeriod?.end, 'abatementPeriod.end'],
    ]),
    issues,
  );
  // GP systems flag problems major or minor; UK Core carried it in an extension that GP feeds still send.
  const significance = condition.extension?.find(
    (extension) => extension.url === UK_CORE_PROBLEM_SIGNIFICANCE,
  );
  if (source === null || code === null || !issues.isEmpty) return [];
  return [
    draft('ProblemRecorded', source, {
      code,
      clinicalStatus: mapCode(codeFrom(condition.clinicalStatus), CLINICAL_STATUSES, 'UNKNOWN'),
      verificationStatus: mapCode(verification, VERIFICATION_STATUSES, 'UNKNOWN'),
      significance: mapCode(significance?.valueCode, SIGNIFICANCES, 'UNKNOWN'),
      onsetDate,
      abatementDate,
    }),
  ];
}
