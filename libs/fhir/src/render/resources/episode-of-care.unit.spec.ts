import type { EpisodeOfCare } from '@medplum/fhirtypes';
import { days, PROVIDERS, socialCareInvolvementRecorded, structuralIssues } from '../record-events.spec';
import { renderRecordItem } from '../render-record-item';

const RESTRICTED = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  code: 'R',
  display: 'restricted',
};

const renderEpisode = (...args: Parameters<typeof renderRecordItem>) =>
  renderRecordItem(...args) as EpisodeOfCare;

describe('EpisodeOfCare (social care involvement)', () => {
  it('given an allocation, shows the council managing it, the team to contact and the worker', () => {
    const episode = renderEpisode(socialCareInvolvementRecorded(), {});

    expect(structuralIssues(episode)).toEqual([]);
    expect(episode).toMatchObject({
      status: 'active',
      type: [
        {
          coding: [
            {
              system: 'https://fhir.crosscare.nhs.uk/CodeSystem/social-care-involvement-type',
              code: 'ADULT_SOCIAL_CARE',
            },
          ],
        },
        {
          coding: [
            {
              system: 'https://fhir.crosscare.nhs.uk/CodeSystem/social-care-record-kind',
              code: 'ALLOCATION',
            },
          ],
        },
      ],
      managingOrganization: { reference: '#council', display: 'Birmingham City Council' },
      careManager: { display: 'Sam Patel, Social Worker' },
      team: [{ reference: '#team', display: 'North Locality Adult Social Care Team' }],
      period: { start: '2024-03-28' },
      contained: [
        {
          resourceType: 'Organization',
          id: 'council',
          identifier: [
            { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: PROVIDERS.council.odsCode },
            { system: 'https://fhir.crosscare.nhs.uk/Id/ons-local-authority-code', value: 'E08000025' },
          ],
          name: 'Birmingham City Council',
        },
        {
          resourceType: 'CareTeam',
          id: 'team',
          name: 'North Locality Adult Social Care Team',
          telecom: [{ system: 'phone', value: '0121 303 1234' }],
        },
      ],
    });
    expect(episode.meta).not.toHaveProperty('security');
  });

  it('given a closed package of care, is finished and carries the service as the council describes it', () => {
    const event = socialCareInvolvementRecorded({
      recordKind: 'SERVICE',
      service: 'Home care, 14 hours a week',
      period: { start: days('2023-09-01'), end: days('2024-03-31') },
      allocatedTeam: null,
      teamContact: null,
      allocatedWorker: null,
    });

    const episode = renderEpisode(event, {});

    expect(structuralIssues(episode)).toEqual([]);
    expect(episode).toMatchObject({
      status: 'finished',
      period: { start: '2023-09-01', end: '2024-03-31' },
      extension: [
        {
          url: 'https://fhir.crosscare.nhs.uk/StructureDefinition/Extension-SocialCareService',
          valueString: 'Home care, 14 hours a week',
        },
      ],
    });
    expect(episode.contained).toHaveLength(1);
    for (const element of ['team', 'careManager']) expect(episode).not.toHaveProperty(element);
  });

  it('given an item the council restricted, labels it restricted', () => {
    const episode = renderEpisode(socialCareInvolvementRecorded({ restricted: true }), {});

    expect(episode.meta?.security).toEqual([RESTRICTED]);
  });

  it('given a safeguarding item whose flag says unrestricted (written before the flag existed), still labels it restricted', () => {
    const event = socialCareInvolvementRecorded({
      involvementType: 'SAFEGUARDING',
      recordKind: 'SAFEGUARDING',
      restricted: false,
    });

    expect(renderEpisode(event, {}).meta?.security).toEqual([RESTRICTED]);
  });
});
