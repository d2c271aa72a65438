import type { EventType } from '@crosscare/events';
import type { RecordSection } from '@crosscare/governance';
import { ITEM_EVENT_TYPES } from '@crosscare/projection';
import { FOCUS_RESOURCE_TYPE } from './focus-resources';

/** Canonical URL base of Crosscare's topics, under the namespace of everything else Crosscare defines in FHIR. */
export const TOPIC_URL_BASE = 'https://fhir.crosscare.nhs.uk/SubscriptionTopic';

export const SUBSCRIPTION_TOPIC_CODES = [
  'patient-record-changed',
  'encounter-started',
  'encounter-ended',
  'patient-died',
  'referral-made',
  'results-available',
] as const;
export type SubscriptionTopicCode = (typeof SUBSCRIPTION_TOPIC_CODES)[number];

export const FILTER_PARAMETER_CODES = [
  'patient',
  'registered-with',
  'collaborative',
  'ics',
  'event-kind',
] as const;
export type FilterParameterCode = (typeof FILTER_PARAMETER_CODES)[number];

export interface TopicDefinition {
  readonly code: SubscriptionTopicCode;
  /** The canonical a Subscription names in `criteria`. */
  readonly url: string;
  readonly title: string;
  readonly description: string;
  /** Bumped when what triggers the topic changes, so a subscriber can tell it is not the topic it agreed to. */
  readonly version: '1';
  /** The record change events that can trigger it (topic-events.ts decides which of them do). */
  readonly eventTypes: readonly EventType[];
  /** Which of those events trigger it, for a person reading the topic. */
  readonly trigger: string;
  /** The resource types a notification's focus can be. */
  readonly focusResourceTypes: readonly string[];
  /** The resource type filter criteria are written against (`Encounter?patient=…`). */
  readonly filterResourceType: string;
  /**
   * Sections of the record the subscriber's role must be granted to subscribe at all. Each event is then checked
   * against its own item's section too (topic-events.ts), so patient-record-changed tells a role only of the items
   * its read of the record would show.
   */
  readonly sections: readonly RecordSection[];
  readonly filters: readonly FilterParameterCode[];
}

const EVERY_TOPIC_FILTER: readonly FilterParameterCode[] = [
  'patient',
  'registered-with',
  'collaborative',
  'ics',
];
const ENCOUNTER_FILTERS: readonly FilterParameterCode[] = [...EVERY_TOPIC_FILTER, 'event-kind'];

/**
 * Every item event, a removal and a merge: each changes what the record API shows of the patient. The merge is
 * included because it moves items between NHS numbers; a subscriber filtering on either number hears of it.
 */
const RECORD_CHANGE_TYPES: readonly EventType[] = [...ITEM_EVENT_TYPES, 'RecordRemoved', 'PatientMerged'];

const distinct = (values: readonly string[]): string[] => [...new Set(values)];

function topic(definition: Omit<TopicDefinition, 'url' | 'version'>): TopicDefinition {
  return { ...definition, url: `${TOPIC_URL_BASE}/${definition.code}`, version: '1' };
}

export const TOPICS: readonly TopicDefinition[] = [
  topic({
    code: 'patient-record-changed',
    title: 'Patient record changed',
    description:
      "Any change to a patient's shared care record: an item recorded, changed or removed, or two records merged. " +
      "Each notification names only items of sections the subscriber's role may read.",
    eventTypes: RECORD_CHANGE_TYPES,
    trigger: 'Every record change event: an item recorded or changed, a removal, a merge.',
    focusResourceTypes: distinct(Object.values(FOCUS_RESOURCE_TYPE)),
    filterResourceType: 'Patient',
    sections: ['demographics'],
    filters: EVERY_TOPIC_FILTER,
  }),
  topic({
    code: 'encounter-started',
    title: 'Encounter started',
    description:
      'A contact with a service started, or its start was corrected: an admission, attendance, appointment, ' +
      'ambulance incident or visit. Corrections keep the Encounter id, so a subscriber can tell them apart.',
    eventTypes: ['EncounterStarted'],
    trigger: 'Every EncounterStarted event.',
    focusResourceTypes: ['Encounter'],
    filterResourceType: 'Encounter',
    sections: ['encounters'],
    filters: ENCOUNTER_FILTERS,
  }),
  topic({
    code: 'encounter-ended',
    title: 'Encounter ended',
    description: 'A contact with a service ended: a discharge, the end of an attendance, a handover.',
    eventTypes: ['EncounterEnded'],
    trigger: 'Every EncounterEnded event.',
    focusResourceTypes: ['Encounter'],
    filterResourceType: 'Encounter',
    sections: ['encounters'],
    filters: ENCOUNTER_FILTERS,
  }),
  topic({
    code: 'patient-died',
    title: 'Patient died',
    description:
      'A death was notified, informally by a provider or formally from the registration. A withdrawn notice ' +
      'does not trigger this topic (patient-record-changed carries it).',
    eventTypes: ['PatientDied'],
    trigger: 'A PatientDied event whose notification status is informal or formal.',
    focusResourceTypes: ['Patient'],
    filterResourceType: 'Patient',
    sections: ['death'],
    filters: EVERY_TOPIC_FILTER,
  }),
  topic({
    code: 'referral-made',
    title: 'Referral made',
    description: "The patient was referred to a service, or a referral's status changed.",
    eventTypes: ['ReferralMade'],
    trigger: 'Every ReferralMade event.',
    focusResourceTypes: ['ServiceRequest'],
    filterResourceType: 'ServiceRequest',
    sections: ['referrals'],
    filters: EVERY_TOPIC_FILTER,
  }),
  topic({
    code: 'results-available',
    title: 'Results available',
    description:
      'A diagnostic report was issued with results a clinician can act on: partial, preliminary, final, amended ' +
      'or corrected. Registered (nothing reported yet) and cancelled reports do not trigger it.',
    eventTypes: ['DiagnosticReportIssued'],
    trigger:
      'A DiagnosticReportIssued event whose status is partial, preliminary, final, amended or corrected.',
    focusResourceTypes: ['DiagnosticReport'],
    filterResourceType: 'DiagnosticReport',
    sections: ['results'],
    filters: EVERY_TOPIC_FILTER,
  }),
];

const BY_CODE = new Map(TOPICS.map((definition) => [definition.code as string, definition]));
const BY_URL = new Map(TOPICS.map((definition) => [definition.url, definition]));

/**
 * The topic a Subscription's criteria names. A canonical may carry a version (`…/encounter-started|1`); only the
 * current one is served, since a subscriber pinned to another would be told of events it did not agree to.
 */
export function topicByUrl(canonical: string): TopicDefinition | undefined {
  const [url, version, ...rest] = canonical.trim().split('|');
  const found = BY_URL.get(url ?? '');
  if (found === undefined || rest.length > 0) return undefined;
  return version === undefined || version === found.version ? found : undefined;
}

export const topicByCode = (code: string): TopicDefinition | undefined => BY_CODE.get(code);

/** Whether a role granted these sections may subscribe to the topic. */
export const maySubscribe = (definition: TopicDefinition, granted: readonly RecordSection[]): boolean =>
  definition.sections.every((section) => granted.includes(section));
