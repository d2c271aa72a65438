import type { ReferralMade, ReferralPriority, ReferralStatus } from '@crosscare/events';
import type { ServiceRequest } from '@medplum/fhirtypes';
import { UBRN_SYSTEM } from '../../fhir-systems';
import {
  codeableConcept,
  fhirInstant,
  optional,
  organisationReference,
  patientReference,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

/** FHIR request priorities as e-RS reads them: `asap` is the two week wait (suspected cancer) pathway. */
const PRIORITIES: Record<ReferralPriority, ServiceRequest['priority']> = {
  ROUTINE: 'routine',
  URGENT: 'urgent',
  TWO_WEEK_WAIT: 'asap',
  EMERGENCY: 'stat',
  UNKNOWN: undefined,
};
export const SERVICE_REQUEST_STATUSES: Record<ReferralStatus, ServiceRequest['status']> = {
  ACTIVE: 'active',
  ON_HOLD: 'on-hold',
  REVOKED: 'revoked',
  COMPLETED: 'completed',
  UNKNOWN: 'unknown',
};

/** ReferralMade → ServiceRequest (an order) from the referring provider to the recipient, with its e-RS UBRN. */
export function renderServiceRequest(referral: ReferralMade, context: RenderContext): ServiceRequest {
  const { header, recipientOdsCode, ubrn } = referral;
  const frame = itemFrame(header, 'ReferralMade');
  return {
    resourceType: 'ServiceRequest',
    ...frame,
    identifier: [...frame.identifier, ...(ubrn === null ? [] : [{ system: UBRN_SYSTEM, value: ubrn }])],
    status: SERVICE_REQUEST_STATUSES[referral.status],
    intent: 'order',
    ...optional('priority', PRIORITIES[referral.priority]),
    code: codeableConcept(referral.service),
    subject: patientReference(context.nhsNumber),
    authoredOn: fhirInstant(header.occurredAt),
    requester: organisationReference(header.providerOdsCode, context.providerName(header.providerOdsCode)),
    ...optional(
      'performer',
      recipientOdsCode === null
        ? null
        : [organisationReference(recipientOdsCode, context.providerName(recipientOdsCode))],
    ),
    ...optional('reasonCode', referral.reason && [codeableConcept(referral.reason)]),
  };
}
