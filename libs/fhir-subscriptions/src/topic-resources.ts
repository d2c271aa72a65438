import { NHS_NUMBER_SYSTEM } from '@crosscare/fhir';
import type { Basic, Bundle, CapabilityStatementRestResource, Extension } from '@medplum/fhirtypes';
import {
  BACKPORT_EXTENSIONS,
  BACKPORT_OPERATIONS,
  BACKPORT_PROFILES,
  FHIR_TYPES_SYSTEM,
  TOPIC_EXTENSIONS,
} from './backport-definitions';
import { EVENT_KINDS } from './event-kinds';
import { FOCUS_RESOURCE_TYPE } from './focus-resources';
import { type FilterParameterCode, TOPICS, type TopicDefinition } from './topics';

/** Crosscare's code system for record change event types (the Avro record names): what triggers a topic. */
export const RECORD_CHANGE_EVENT_SYSTEM = 'https://fhir.crosscare.nhs.uk/CodeSystem/record-change-event-type';

const STRUCTURE_DEFINITION = 'http://hl7.org/fhir/StructureDefinition';

const FILTER_DESCRIPTIONS: { readonly [P in FilterParameterCode]: string } = {
  patient: `One patient, by NHS number: ${NHS_NUMBER_SYSTEM}|<10 digits>.`,
  'registered-with':
    "Every patient registered with this GP practice (its ODS code): the subscriber's own list.",
  collaborative: 'Only changes shared in this collaborative: CCR or OHC.',
  ics: 'Only changes from providers in this integrated care system (its ICB ODS code, e.g. QHL).',
  'event-kind': `Kinds of encounter, comma-separated for any of them: ${EVENT_KINDS.join(', ')}.`,
};

const pascalCase = (code: string) =>
  code.replace(/(^|-)([a-z])/g, (_match: string, _dash: string, letter: string) => letter.toUpperCase());

const complex = (url: string, parts: readonly Extension[]): Extension => ({ url, extension: [...parts] });

/** The resource a trigger's events are about; a removal may be of any item. */
function triggerResource(eventType: string): string {
  if (eventType === 'PatientMerged') return `${STRUCTURE_DEFINITION}/Patient`;
  const type = (FOCUS_RESOURCE_TYPE as Readonly<Record<string, string>>)[eventType] ?? 'Resource';
  return `${STRUCTURE_DEFINITION}/${type}`;
}

/**
 * A topic as an R4 server publishes it. R4 has no SubscriptionTopic resource: the IG wraps one in a `Basic` whose
 * code is fhir-types#SubscriptionTopic, carrying its elements in cross-version extensions (components.html,
 * "Subscription Topics in R4"; the shape is that of its example Basic-r4-encounter-complete.html). Crosscare's
 * topics are triggered by record change events, not by resource writes, so they are R4B eventTriggers, one per
 * event type, coded in RECORD_CHANGE_EVENT_SYSTEM.
 */
export function topicAsBasic(topic: TopicDefinition): Basic {
  const triggers = topic.eventTypes.map((eventType) =>
    complex(TOPIC_EXTENSIONS.eventTrigger, [
      { url: 'description', valueMarkdown: topic.trigger },
      {
        url: 'event',
        valueCodeableConcept: { coding: [{ system: RECORD_CHANGE_EVENT_SYSTEM, code: eventType }] },
      },
      { url: 'resource', valueUri: triggerResource(eventType) },
    ]),
  );
  const filters = topic.filters.map((parameter) =>
    complex(TOPIC_EXTENSIONS.canFilterBy, [
      { url: 'description', valueMarkdown: FILTER_DESCRIPTIONS[parameter] },
      { url: 'resource', valueUri: topic.filterResourceType },
      { url: 'filterParameter', valueString: parameter },
    ]),
  );
  const shapes = topic.focusResourceTypes.map((resourceType) =>
    complex(TOPIC_EXTENSIONS.notificationShape, [{ url: 'resource', valueUri: resourceType }]),
  );
  return {
    resourceType: 'Basic',
    id: topic.code,
    modifierExtension: [{ url: TOPIC_EXTENSIONS.status, valueCode: 'active' }],
    extension: [
      { url: TOPIC_EXTENSIONS.url, valueUri: topic.url },
      { url: TOPIC_EXTENSIONS.version, valueString: topic.version },
      { url: TOPIC_EXTENSIONS.name, valueString: pascalCase(topic.code) },
      { url: TOPIC_EXTENSIONS.title, valueString: topic.title },
      { url: TOPIC_EXTENSIONS.description, valueMarkdown: topic.description },
      ...triggers,
      ...filters,
      ...shapes,
    ],
    code: { coding: [{ system: FHIR_TYPES_SYSTEM, code: 'SubscriptionTopic' }] },
  };
}

/** `GET [base]/Basic?code=http://hl7.org/fhir/fhir-types|SubscriptionTopic`'s answer: the topics as a searchset. */
export function topicSearchBundle(baseUrl: string, topics: readonly TopicDefinition[] = TOPICS): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: topics.length,
    entry: topics.map((topic) => ({
      fullUrl: `${baseUrl}/Basic/${topic.code}`,
      resource: topicAsBasic(topic),
      search: { mode: 'match' },
    })),
  };
}

/**
 * What a CapabilityStatement's rest.resource says of subscriptions: the Subscription entry lists every topic's
 * canonical (the IG's capabilitystatement-subscriptiontopic-canonical extension, expected on that entry), the
 * backport profile and the $status and $events operations; the Basic entry says topics can be searched by code, as
 * the IG's R4 server CapabilityStatement does. Interactions are the service's to add: it knows which it serves.
 */
export function subscriptionCapabilityResources(
  topics: readonly TopicDefinition[] = TOPICS,
): CapabilityStatementRestResource[] {
  return [
    {
      type: 'Subscription',
      extension: topics.map((topic) => ({
        url: BACKPORT_EXTENSIONS.topicCanonical,
        valueCanonical: topic.url,
      })),
      supportedProfile: [BACKPORT_PROFILES.subscription],
      operation: [
        { name: 'status', definition: BACKPORT_OPERATIONS.status },
        { name: 'events', definition: BACKPORT_OPERATIONS.events },
      ],
    },
    {
      type: 'Basic',
      searchParam: [
        { name: 'code', definition: 'http://hl7.org/fhir/SearchParameter/clinical-code', type: 'token' },
      ],
    },
  ];
}
