import { TYPE_1_DISSENT, TYPE_1_DISSENT_WITHDRAWN, type OptOutDraft } from '@crosscare/governance';
import type { CodeableConcept, Consent } from '@medplum/fhirtypes';
import {
  CONSENT_SCOPE,
  CONSENT_SCOPE_PATIENT_PRIVACY,
  CONSENT_SCOPE_RESEARCH,
  SNOMED_CT,
} from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR } from '../mapping/clinical-source';
import { codeFrom } from '../mapping/codings';
import { dateOf } from '../mapping/fhir-time';
import type { MappingContext } from '../mapping/mapping-context';

/*
 * A GP practice's type 1 objection (the patient objects to identifiable data leaving the practice for purposes other
 * than their care) or its withdrawal, as a FHIR R4 Consent. UK Core defines no Consent profile, so the shape is plain
 * R4, as a GP system records a coded dissent:
 *
 *   status    active (or inactive/rejected once the dissent has ended)
 *   scope     patient-privacy or research (consentscope): the objection restricts disclosure for research and
 *             planning; either is accepted, as systems code it both ways
 *   category  SNOMED CT 827241000000103 (dissent) or 827261000000102 (dissent withdrawn); provision.code is read too
 *   patient   the NHS number, as every Crosscare resource names its patient
 *   dateTime  when the patient stated it (statedOn)
 *   provision.type  optional; when present it must agree: deny with the dissent, permit with its withdrawal
 *
 * It becomes an opt-out draft (OptOutChanged, kind TYPE_1), never a record change: the direct-care record does not
 * show a secondary-use objection, so nothing goes to the ICS topic. Only FHIR carries it; HL7 v2 ADT has no segment
 * a practice system would use for it.
 */

type Type1Concept = typeof TYPE_1_DISSENT | typeof TYPE_1_DISSENT_WITHDRAWN;
const TYPE_1_CONCEPTS: readonly Type1Concept[] = [TYPE_1_DISSENT, TYPE_1_DISSENT_WITHDRAWN];
const ENDED_STATUSES: readonly string[] = ['inactive', 'rejected'];

/** The type 1 concepts the Consent is coded with (SNOMED CT, in category or provision.code). */
function type1Concepts(consent: Consent): Type1Concept[] {
  const concepts: CodeableConcept[] = [...(consent.category ?? []), ...(consent.provision?.code ?? [])];
  const codes = new Set(
    concepts.flatMap((c) => (c.coding ?? []).filter((k) => k.system === SNOMED_CT).map((k) => k.code)),
  );
  return TYPE_1_CONCEPTS.filter((concept) => codes.has(concept.code));
}

/**
 * Whether the Consent is about secondary use and so for this mapping: coded as a type 1 objection, or scoped research
 * (Crosscare takes no other research consent, so one without the codes is refused here, naming them).
 */
export function isSecondaryUseConsent(consent: Consent): boolean {
  return (
    type1Concepts(consent).length > 0 || codeFrom(consent.scope, CONSENT_SCOPE) === CONSENT_SCOPE_RESEARCH
  );
}

const named = (concept: Type1Concept) => `SNOMED CT ${concept.code} |${concept.display}|`;

export function mapType1Objection(consent: Consent, context: MappingContext): OptOutDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    consent,
    { element: 'patient', reference: consent.patient },
    [[consent.dateTime, `${at}.dateTime`]],
    context,
  );
  const scope = codeFrom(consent.scope, CONSENT_SCOPE);
  if (scope !== CONSENT_SCOPE_PATIENT_PRIVACY && scope !== CONSENT_SCOPE_RESEARCH)
    issues.add(
      'not-supported',
      `${at}.scope`,
      `${at}.scope is ${scope ?? 'not coded'}: a type 1 objection is a Consent with scope ` +
        `${CONSENT_SCOPE_PATIENT_PRIVACY} or ${CONSENT_SCOPE_RESEARCH} (${CONSENT_SCOPE})`,
    );
  const concepts = type1Concepts(consent);
  if (concepts.length === 0)
    issues.add(
      'code-invalid',
      `${at}.category`,
      `${at}.category has no code Crosscare takes for secondary use: a type 1 objection is coded ` +
        `${named(TYPE_1_DISSENT)}, its withdrawal ${named(TYPE_1_DISSENT_WITHDRAWN)}`,
    );
  if (concepts.length > 1)
    issues.invalid(
      `${at}.category`,
      `${at}.category holds both the dissent and its withdrawal: send one Consent per fact the practice recorded`,
    );
  const status = concepts.length === 1 ? objectionStatus(consent, concepts[0], context) : null;
  if (consent.dateTime === undefined)
    issues.required(`${at}.dateTime`, `${at}.dateTime is required: the day the patient stated their wish`);
  const statedOn = dateOf(consent.dateTime, `${at}.dateTime`, issues);
  if (source === null || status === null || statedOn === null || !issues.isEmpty) return [];
  return [{ type: 'OptOutChanged', source, body: { kind: 'TYPE_1', status, statedOn } }];
}

/**
 * Whether the objection stands. The concept says which fact the practice recorded; the status whether that record is
 * in force; provision.type, when sent, must agree. Anything doubtful is refused rather than guessed: a wrong WITHDRAWN
 * would release the patient's data for research against their wish.
 */
function objectionStatus(
  consent: Consent,
  concept: Type1Concept,
  { at, issues }: MappingContext,
): 'ACTIVE' | 'WITHDRAWN' | null {
  const dissent = concept === TYPE_1_DISSENT;
  if (consent.status === ENTERED_IN_ERROR) {
    issues.add(
      'not-supported',
      `${at}.status`,
      `${at}.status entered-in-error cannot end a type 1 objection: the patient's wish stands until the practice ` +
        `records otherwise. Send the Consent inactive if the dissent no longer stands, or ${named(TYPE_1_DISSENT_WITHDRAWN)}`,
    );
    return null;
  }
  if (consent.status !== undefined && ENDED_STATUSES.includes(consent.status)) {
    if (dissent) return 'WITHDRAWN';
    issues.invalid(
      `${at}.status`,
      `${at}.status ${consent.status} on a withdrawal does not say whether the patient objects again: record the ` +
        `dissent (${TYPE_1_DISSENT.code}) if they do`,
    );
    return null;
  }
  if (consent.status !== 'active') {
    issues.invalid(
      `${at}.status`,
      `${at}.status '${consent.status ?? ''}' does not say whether the objection stands: send active, inactive or ` +
        'rejected',
    );
    return null;
  }
  const type = consent.provision?.type;
  const agreeing = dissent ? 'deny' : 'permit';
  if (type !== undefined && type !== agreeing) {
    issues.invalid(
      `${at}.provision.type`,
      `${at}.provision.type ${type} contradicts ${named(concept)}: send ${agreeing}, or no provision`,
    );
    return null;
  }
  return dissent ? 'ACTIVE' : 'WITHDRAWN';
}
