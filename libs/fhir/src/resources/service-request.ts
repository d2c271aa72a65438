import type { AnyRecordChangeDraft, ReferralPriority, ReferralStatus } from '@crosscare/events';
import type { ServiceRequest } from '@medplum/fhirtypes';
import { ODS_ORGANISATION_SYSTEM, SNOMED_CT, UBRN_SYSTEM } from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { firstCoding, identifierValue, mapCode, odsCodeOf, requiredCoding } from '../mapping/codings';
import { draft, type MappingContext } from '../mapping/mapping-context';

/** FHIR request priorities, read as e-RS does: `asap` is the two week wait (suspected cancer) pathway. */
const PRIORITIES: Record<string, ReferralPriority> = {
  routine: 'ROUTINE',
  urgent: 'URGENT',
  asap: 'TWO_WEEK_WAIT',
  stat: 'EMERGENCY',
};
const STATUSES: Record<string, ReferralStatus> = {
  active: 'ACTIVE',
  'on-hold': 'ON_HOLD',
  revoked: 'REVOKED',
  completed: 'COMPLETED',
};

/** ServiceRequest (a referral) → ReferralMade; entered-in-error → RecordRemoved. */
export function mapServiceRequest(request: ServiceRequest, context: MappingContext): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    request,
    { element: 'subject', reference: request.subject },
    [[request.authoredOn, `${at}.authoredOn`]],
    context,
  );
  if (request.status === ENTERED_IN_ERROR) return removedAsEnteredInError(source, 'ReferralMade', context);
  const service = requiredCoding(request.code, `${at}.code`, issues, { preferred: [SNOMED_CT] });
  if (source === null || service === null || !issues.isEmpty) return [];
  return [
    draft('ReferralMade', source, {
      service,
      recipientOdsCode: odsCodeOf(request.performer ?? [], ODS_ORGANISATION_SYSTEM),
      priority: mapCode(request.priority, PRIORITIES, 'UNKNOWN'),
      status: mapCode(request.status, STATUSES, 'UNKNOWN'),
      reason: firstCoding(request.reasonCode, [SNOMED_CT]),
      ubrn: identifierValue(request.identifier, UBRN_SYSTEM),
    }),
  ];
}
