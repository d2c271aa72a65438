import type { SharingObjectionRecorded, SharingObjectionStatus } from '@crosscare/events';
import type { Consent } from '@medplum/fhirtypes';
import {
  CONSENT_SCOPE,
  CONSENT_SCOPE_PATIENT_PRIVACY,
  LOINC,
  PATIENT_CONSENT_CATEGORY,
  V3_ACT_CODE,
} from '../../fhir-systems';
import { codeableConcept, fhirDate, patientReference } from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

const STATUSES: Record<SharingObjectionStatus, Consent['status']> = {
  ACTIVE: 'active',
  WITHDRAWN: 'inactive',
  // A status newer than this build is honoured as an objection, as the record API reads it.
  UNKNOWN: 'active',
};

/**
 * SharingObjectionRecorded → the Consent the forward mapper reads: scope patient-privacy, provision deny (what the
 * patient objected to), status active while it stands and inactive once withdrawn. Category: LOINC 59284-0
 * |Patient Consent| always, since R4 requires a category and a reader of any system knows it, then the concept the
 * GP coded (usually SNOMED CT) when there was one; it is that second category the forward mapper carries as `code`.
 * The policy rule is v3 ActCode OPTOUT, R4 requiring a policy or a rule. The IG team's case reference (recordedBy)
 * is internal to the collaborative and is not rendered.
 */
export function renderConsent(objection: SharingObjectionRecorded, context: RenderContext): Consent {
  return {
    resourceType: 'Consent',
    ...itemFrame(objection.header, 'SharingObjectionRecorded'),
    status: STATUSES[objection.status],
    scope: {
      coding: [{ system: CONSENT_SCOPE, code: CONSENT_SCOPE_PATIENT_PRIVACY, display: 'Privacy Consent' }],
    },
    category: [
      { coding: [{ system: LOINC, code: PATIENT_CONSENT_CATEGORY, display: 'Patient Consent' }] },
      ...(objection.code === null ? [] : [codeableConcept(objection.code)]),
    ],
    patient: patientReference(context.nhsNumber),
    dateTime: fhirDate(objection.statedOn),
    policyRule: { coding: [{ system: V3_ACT_CODE, code: 'OPTOUT', display: 'opt-out' }] },
    provision: { type: 'deny' },
  };
}
