import type { Extension } from '@medplum/fhirtypes';
import {
  RECORD_CHANGE_EVENT_SYSTEM,
  subscriptionCapabilityResources,
  topicAsBasic,
  topicSearchBundle,
} from './topic-resources';
import { TOPICS, topicByCode } from './topics';

const R5 = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic';
const R4B = 'http://hl7.org/fhir/4.3/StructureDefinition/extension-SubscriptionTopic';

const withUrl = (extensions: readonly Extension[] | undefined, url: string) =>
  (extensions ?? []).filter((extension) => extension.url === url);
const part = (extension: Extension | undefined, url: string) =>
  extension?.extension?.filter((inner) => inner.url === url);

describe('topicAsBasic', () => {
  const basic = topicAsBasic(topicByCode('encounter-started')!);

  it("wraps the topic in a Basic coded fhir-types#SubscriptionTopic, as the IG's R4 example does", () => {
    expect(basic).toMatchObject({
      resourceType: 'Basic',
      id: 'encounter-started',
      code: { coding: [{ system: 'http://hl7.org/fhir/fhir-types', code: 'SubscriptionTopic' }] },
      modifierExtension: [{ url: `${R5}.status`, valueCode: 'active' }],
    });
  });

  it('carries the canonical, version, name, title and description in R5 cross-version extensions', () => {
    expect(basic.extension?.slice(0, 5)).toEqual([
      { url: `${R5}.url`, valueUri: 'https://fhir.crosscare.nhs.uk/SubscriptionTopic/encounter-started' },
      { url: `${R5}.version`, valueString: '1' },
      { url: `${R5}.name`, valueString: 'EncounterStarted' },
      { url: `${R5}.title`, valueString: 'Encounter started' },
      {
        url: `${R5}.description`,
        valueMarkdown: expect.stringContaining('A contact with a service started'),
      },
    ]);
  });

  it('has an R4B event trigger coded with the record change event type it fires on', () => {
    const [trigger, ...more] = withUrl(basic.extension, `${R4B}.eventTrigger`);
    expect(more).toEqual([]);
    expect(part(trigger, 'event')).toEqual([
      {
        url: 'event',
        valueCodeableConcept: { coding: [{ system: RECORD_CHANGE_EVENT_SYSTEM, code: 'EncounterStarted' }] },
      },
    ]);
    expect(part(trigger, 'resource')).toEqual([
      { url: 'resource', valueUri: 'http://hl7.org/fhir/StructureDefinition/Encounter' },
    ]);
  });

  it('lists each filter parameter as an R4B canFilterBy on the filter resource', () => {
    const filters = withUrl(basic.extension, `${R4B}.canFilterBy`);
    expect(filters.map((filter) => part(filter, 'filterParameter')?.[0]?.valueString)).toEqual([
      'patient',
      'registered-with',
      'collaborative',
      'ics',
      'event-kind',
    ]);
    expect(filters.every((filter) => part(filter, 'resource')?.[0]?.valueUri === 'Encounter')).toBe(true);
    expect(part(filters[4], 'description')?.[0]?.valueMarkdown).toContain('ambulance-incident');
  });

  it('gives patient-record-changed a trigger per event type and a notification shape per focus type', () => {
    const changed = topicAsBasic(topicByCode('patient-record-changed')!);
    expect(withUrl(changed.extension, `${R4B}.eventTrigger`)).toHaveLength(22);
    const shapes = withUrl(changed.extension, `${R4B}.notificationShape`).map(
      (shape) => part(shape, 'resource')?.[0]?.valueUri,
    );
    expect(shapes).toEqual(expect.arrayContaining(['Patient', 'Encounter', 'DiagnosticReport', 'Consent']));
    expect(new Set(shapes).size).toBe(shapes.length);
  });
});

describe('topicSearchBundle', () => {
  it('is a searchset of every topic, each at its Basic URL', () => {
    const bundle = topicSearchBundle('https://api.crosscare.test/fhir');
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: TOPICS.length });
    expect(bundle.entry?.[0]).toMatchObject({
      fullUrl: 'https://api.crosscare.test/fhir/Basic/patient-record-changed',
      resource: { resourceType: 'Basic', id: 'patient-record-changed' },
      search: { mode: 'match' },
    });
  });

  it('given some topics, holds only those', () => {
    const bundle = topicSearchBundle('https://api.crosscare.test/fhir', [topicByCode('patient-died')!]);
    expect(bundle.total).toBe(1);
    expect(bundle.entry?.map((entry) => entry.resource?.id)).toEqual(['patient-died']);
  });
});

describe('subscriptionCapabilityResources', () => {
  it('lists every topic canonical on the Subscription entry, with the backport profile and operations', () => {
    const [subscription, basic] = subscriptionCapabilityResources();
    expect(subscription?.type).toBe('Subscription');
    expect(subscription?.extension).toEqual(
      TOPICS.map((topic) => ({
        url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical',
        valueCanonical: topic.url,
      })),
    );
    expect(subscription?.supportedProfile).toEqual([
      'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription',
    ]);
    expect(subscription?.operation?.map((operation) => operation.definition)).toEqual([
      'http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status',
      'http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-events',
    ]);
    expect(basic).toMatchObject({ type: 'Basic', searchParam: [{ name: 'code', type: 'token' }] });
  });
});
