import type {
  ContactPoint as EventContactPoint,
  SocialCareInvolvementRecorded,
  SocialCareInvolvementType,
  SocialCareRecordKind,
} from '@crosscare/events';
import type { CareTeam, Coding, ContactPoint, EpisodeOfCare, Organization } from '@medplum/fhirtypes';
import { ODS_ORGANISATION_SYSTEM } from '../../fhir-systems';
import {
  CROSSCARE_EXTENSIONS,
  CROSSCARE_SOCIAL_CARE_INVOLVEMENT,
  CROSSCARE_SOCIAL_CARE_RECORD_KIND,
  ONS_LOCAL_AUTHORITY_SYSTEM,
} from '../crosscare-definitions';
import { datePeriod, optional, patientReference } from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

/** The confidentiality label consumers filter on: R (restricted) is shown only to those with a legitimate need. */
export const RESTRICTED_LABEL: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  code: 'R',
  display: 'restricted',
};

const INVOLVEMENT_TYPES: Record<SocialCareInvolvementType, string> = {
  ADULT_SOCIAL_CARE: 'Adult social care',
  CHILDREN_SOCIAL_CARE: "Children's social care",
  SAFEGUARDING: 'Safeguarding',
  CARER_SUPPORT: 'Carer support',
  REABLEMENT: 'Reablement',
  OTHER: 'Other',
};
const RECORD_KINDS: Record<SocialCareRecordKind, string> = {
  ASSESSMENT: 'Assessment',
  SERVICE: 'Service or package of care',
  ALLOCATION: 'Worker allocation',
  SAFEGUARDING: 'Safeguarding flag',
  OTHER: 'Other',
};
const CONTACT_SYSTEMS: Record<EventContactPoint['system'], ContactPoint> = {
  PHONE: { system: 'phone' },
  MOBILE: { system: 'phone', use: 'mobile' },
  EMAIL: { system: 'email' },
  OTHER: { system: 'other' },
};

const COUNCIL_ID = 'council';
const TEAM_ID = 'team';

/**
 * SocialCareInvolvementRecorded → EpisodeOfCare: FHIR R4's resource for an organisation's ongoing responsibility for
 * a patient, which is what the event says (who is involved and how to reach them, not the social care record). The
 * council manages the episode; the allocated team is a contained CareTeam with its contact; the worker is named
 * only, as councils share no practitioner identifiers. Restricted items, and every safeguarding item whatever its
 * flag says (events written before the flag existed read it as false), carry the restricted confidentiality label.
 */
export function renderEpisodeOfCare(
  involvement: SocialCareInvolvementRecorded,
  context: RenderContext,
): EpisodeOfCare {
  const { header, period, allocatedTeam, teamContact } = involvement;
  const restricted = involvement.restricted || involvement.involvementType === 'SAFEGUARDING';
  const council: Organization = {
    resourceType: 'Organization',
    id: COUNCIL_ID,
    identifier: [
      { system: ODS_ORGANISATION_SYSTEM, value: header.providerOdsCode },
      { system: ONS_LOCAL_AUTHORITY_SYSTEM, value: involvement.councilCode },
    ],
    name: involvement.councilName,
  };
  const team: CareTeam | null =
    allocatedTeam === null && teamContact === null
      ? null
      : {
          resourceType: 'CareTeam',
          id: TEAM_ID,
          ...optional('name', allocatedTeam),
          ...optional(
            'telecom',
            teamContact && [{ ...CONTACT_SYSTEMS[teamContact.system], value: teamContact.value }],
          ),
        };
  return {
    resourceType: 'EpisodeOfCare',
    ...itemFrame(header, 'SocialCareInvolvementRecorded', restricted ? [RESTRICTED_LABEL] : undefined),
    contained: team === null ? [council] : [council, team],
    ...optional(
      'extension',
      involvement.service === null
        ? null
        : [{ url: CROSSCARE_EXTENSIONS.socialCareService, valueString: involvement.service }],
    ),
    // Councils send an end date when they close the involvement.
    status: period.end === null ? 'active' : 'finished',
    type: [
      {
        coding: [
          {
            system: CROSSCARE_SOCIAL_CARE_INVOLVEMENT,
            code: involvement.involvementType,
            display: INVOLVEMENT_TYPES[involvement.involvementType],
          },
        ],
      },
      {
        coding: [
          {
            system: CROSSCARE_SOCIAL_CARE_RECORD_KIND,
            code: involvement.recordKind,
            display: RECORD_KINDS[involvement.recordKind],
          },
        ],
      },
    ],
    patient: patientReference(context.nhsNumber),
    managingOrganization: { reference: `#${COUNCIL_ID}`, display: involvement.councilName },
    ...optional('period', datePeriod(period)),
    ...optional(
      'careManager',
      involvement.allocatedWorker === null ? null : { display: involvement.allocatedWorker },
    ),
    ...optional('team', team && [{ reference: `#${TEAM_ID}`, ...optional('display', allocatedTeam) }]),
  };
}
