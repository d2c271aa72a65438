import type { CodedValue, SharingObjectionStatus } from '@crosscare/events';
import type { PublishableDraft } from '@crosscare/governance';
import type { CodeableConcept, Consent } from '@medplum/fhirtypes';
import {
  CONSENT_SCOPE,
  CONSENT_SCOPE_PATIENT_PRIVACY,
  LOINC,
  PATIENT_CONSENT_CATEGORY,
  SNOMED_CT,
} from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { codeFrom, firstCoding } from '../mapping/codings';
import { dateOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';
import { isSecondaryUseConsent, mapType1Objection } from './type-1-objection';

/** Consent statuses that say whether the patient's objection stands; draft and proposed say neither. */
const WITHDRAWN_STATUSES: readonly string[] = ['inactive', 'rejected'];

/**
 * A GP practice's type 1 objection to secondary use (coded SNOMED CT 827241000000103 or its withdrawal
 * 827261000000102, or any research Consent) → an opt-out draft: see type-1-objection.ts.
 *
 * A GP practice's record of a patient's objection to sharing (a Consent with scope patient-privacy) →
 * SharingObjectionRecorded. Status active with provision.type deny is an ACTIVE objection; status inactive or
 * rejected, or provision.type permit (the patient now agrees), is the objection WITHDRAWN, as a newer version of the
 * same source record. entered-in-error → RecordRemoved. Anything else is refused rather than guessed: a Consent
 * about something other than sharing, or one not yet in force, would otherwise hide or expose a record wrongly.
 */
export function mapConsent(consent: Consent, context: MappingContext): PublishableDraft[] {
  if (isSecondaryUseConsent(consent)) return mapType1Objection(consent, context);
  const { at, issues } = context;
  const source = clinicalSource(
    consent,
    { element: 'patient', reference: consent.patient },
    [[consent.dateTime, `${at}.dateTime`]],
    context,
  );
  const scope = codeFrom(consent.scope, CONSENT_SCOPE);
  if (scope !== CONSENT_SCOPE_PATIENT_PRIVACY) {
    issues.add(
      'not-supported',
      `${at}.scope`,
      `${at}.scope is ${scope ?? 'not coded'}: Crosscare takes only a patient's objection to sharing, a Consent ` +
        `with scope ${CONSENT_SCOPE_PATIENT_PRIVACY} (${CONSENT_SCOPE}), and a type 1 objection to secondary use ` +
        '(SNOMED CT 827241000000103, or 827261000000102 for its withdrawal)',
    );
  }
  if (consent.status === ENTERED_IN_ERROR)
    return removedAsEnteredInError(source, 'SharingObjectionRecorded', context);
  const status = objectionStatus(consent, context);
  if (consent.dateTime === undefined) {
    issues.required(`${at}.dateTime`, `${at}.dateTime is required: the day the patient stated their wish`);
  }
  const statedOn = dateOf(consent.dateTime, `${at}.dateTime`, issues);
  if (source === null || status === null || statedOn === null || !issues.isEmpty) return [];
  return [
    draft('SharingObjectionRecorded', source, {
      status,
      code: recordedConcept(consent),
      recordedBy: null,
      statedOn,
    }),
  ];
}

function objectionStatus(consent: Consent, { at, issues }: MappingContext): SharingObjectionStatus | null {
  if (consent.status !== undefined && WITHDRAWN_STATUSES.includes(consent.status)) return 'WITHDRAWN';
  if (consent.status !== 'active') {
    issues.invalid(
      `${at}.status`,
      `${at}.status '${consent.status ?? ''}' does not say whether the objection stands: send active (with ` +
        'provision.type deny, or permit once withdrawn), inactive or rejected',
    );
    return null;
  }
  const type = consent.provision?.type;
  if (type === 'permit') return 'WITHDRAWN';
  if (type === 'deny') return 'ACTIVE';
  issues.required(
    `${at}.provision.type`,
    `${at}.provision.type is required on an active Consent: deny (the patient objects to sharing) or permit ` +
      '(the objection is withdrawn)',
  );
  return null;
}

/**
 * The concept the practice coded the objection as: a category other than the generic LOINC Patient Consent
 * (SNOMED CT preferred), else the provision's code; null when only the generic category was sent.
 */
function recordedConcept(consent: Consent): CodedValue | null {
  const specific = (consent.category ?? []).map((concept): CodeableConcept => ({
    coding: (concept.coding ?? []).filter(
      (coding) => !(coding.system === LOINC && coding.code === PATIENT_CONSENT_CATEGORY),
    ),
  }));
  return firstCoding(specific, [SNOMED_CT]) ?? firstCoding(consent.provision?.code, [SNOMED_CT]);
}
