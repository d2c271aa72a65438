import type {
  DiagnosticReportStatus,
  EncounterClass,
  RecordChangeEvent,
  RecordChangeHeader,
} from '@crosscare/events';
import type { RecordSection } from '@crosscare/governance';
import { isEventOf, isRestrictedInvolvement, itemKindOf, sectionOfItemKind } from '@crosscare/projection';
import { eventKindOf } from './event-kinds';
import type { SubscriptionFilter } from './filter-values';
import { type FocusResource, focusOf, patientFocus } from './focus-resources';
import type { SubscriptionTopicCode } from './topics';

/** The section an item is read under, or 'always' for what every reader is shown (a patient's sharing objection). */
export type ItemSection = RecordSection | 'always';

/** One topic a record change triggers, and what a notification of it would name. */
export interface TopicEvent {
  readonly topic: SubscriptionTopicCode;
  /** The resource the record API shows the changed item as (for a removal: the one it no longer shows). */
  readonly focus: FocusResource;
  /** Encounter topics: the kind of encounter (event-kinds.ts); absent when not known. */
  readonly eventKind?: string;
  /** The changed item's section: a subscriber whose role is not granted it must not hear of the change. */
  readonly section: ItemSection;
  /** The change removed the item (RecordRemoved): the focus no longer resolves. */
  readonly removed: boolean;
  /**
   * A restricted item (a safeguarding involvement, or a removal of a social care item, which may have been one):
   * the record API shows it only to restricted roles declaring safeguarding, so only they may hear of it.
   */
  readonly restricted: boolean;
  /** A merge: the retired NHS number, so a subscriber filtering on it hears where the record went. */
  readonly mergedFrom?: string;
}

/** What the event alone does not say. */
export interface TopicEventContext {
  /** For an EncounterEnded: its EncounterStarted's class (from the read model), for the event-kind filter. */
  readonly startedClass?: EncounterClass;
}

/**
 * Reports whose results a clinician acts on. Preliminary and partial count: a preliminary culture or radiology
 * report is acted on before the final one, and the record API already shows them; the final version is a newer
 * event and notifies again. Registered (nothing reported yet), cancelled and unknown do not.
 */
const AVAILABLE_RESULT_STATUSES: readonly DiagnosticReportStatus[] = [
  'PARTIAL',
  'PRELIMINARY',
  'FINAL',
  'AMENDED',
  'CORRECTED',
];

/**
 * The topics a record change triggers. Pure: what the event needs from the read model comes in `context`. Every
 * change to an item, a removal and a merge trigger patient-record-changed; the other topics name one kind of item.
 * An event of a type this build does not know triggers nothing: no one has decided who may hear of it.
 */
export function topicEventsOf(event: RecordChangeEvent, context: TopicEventContext = {}): TopicEvent[] {
  const { header } = event;
  if (isEventOf(event, 'PatientMerged')) {
    return [
      {
        topic: 'patient-record-changed',
        focus: patientFocus(event.survivingNhsNumber),
        section: 'demographics',
        removed: false,
        restricted: false,
        mergedFrom: event.retiredNhsNumber,
      },
    ];
  }
  const removal = isEventOf(event, 'RecordRemoved');
  const itemType = removal ? event.removedEventType : header.eventType;
  const kind = itemKindOf(itemType);
  const focus = focusOf(itemType, header);
  if (kind === undefined || focus === undefined) return [];
  const restricted = removal
    ? itemType === 'SocialCareInvolvementRecorded'
    : isEventOf(event, 'SocialCareInvolvementRecorded') && isRestrictedInvolvement(event);
  const base = { focus, section: sectionOfItemKind(kind), removed: removal, restricted };
  const changed: TopicEvent = { topic: 'patient-record-changed', ...base };
  if (removal) return [changed];
  return [changed, ...itemTopics(event, context).map((extra) => ({ ...base, ...extra }))];
}

type ItemTopic = Pick<TopicEvent, 'topic' | 'eventKind'>;

function itemTopics(event: RecordChangeEvent, context: TopicEventContext): ItemTopic[] {
  if (isEventOf(event, 'EncounterStarted')) {
    return [{ topic: 'encounter-started', eventKind: eventKindOf(event.encounterClass) }];
  }
  if (isEventOf(event, 'EncounterEnded')) {
    const { startedClass } = context;
    return [
      startedClass === undefined
        ? { topic: 'encounter-ended' }
        : { topic: 'encounter-ended', eventKind: eventKindOf(startedClass) },
    ];
  }
  // A withdrawn notice (REMOVED) is not a death, and UNKNOWN is a status this build cannot read: neither alarms.
  if (isEventOf(event, 'PatientDied')) {
    const notified = event.notificationStatus === 'INFORMAL' || event.notificationStatus === 'FORMAL';
    return notified ? [{ topic: 'patient-died' }] : [];
  }
  if (isEventOf(event, 'ReferralMade')) return [{ topic: 'referral-made' }];
  if (isEventOf(event, 'DiagnosticReportIssued')) {
    return AVAILABLE_RESULT_STATUSES.includes(event.status) ? [{ topic: 'results-available' }] : [];
  }
  return [];
}

/** Whether a role granted these sections may hear of a change to an item of this section. */
export const isSectionGranted = (section: ItemSection, granted: readonly RecordSection[]): boolean =>
  section === 'always' || granted.includes(section);

/** What a subscription's filter is matched against: the change, its header and the patient's registered practice. */
export interface FilterCandidate {
  readonly topicEvent: TopicEvent;
  readonly header: Pick<RecordChangeHeader, 'nhsNumber' | 'ics' | 'collaborative' | 'providerOdsCode'>;
  /** The patient's registered GP practice as the read model holds it; null when unknown. */
  readonly registeredGpOdsCode: string | null;
}

/**
 * Whether a change passes a subscription's filter: every filter given must hold (the IG's AND). What is unknown
 * does not match (no registered practice, an ended encounter whose class is not known): a doubt never discloses.
 */
export function matchesFilter(filter: SubscriptionFilter, candidate: FilterCandidate): boolean {
  const { topicEvent, header, registeredGpOdsCode } = candidate;
  const patients = [header.nhsNumber, topicEvent.mergedFrom];
  return (
    (filter.patient === undefined || patients.includes(filter.patient)) &&
    (filter.registeredWith === undefined || registeredGpOdsCode?.toUpperCase() === filter.registeredWith) &&
    (filter.collaborative === undefined || header.collaborative === filter.collaborative) &&
    (filter.ics === undefined || header.ics === filter.ics) &&
    (filter.eventKinds === undefined ||
      (topicEvent.eventKind !== undefined && filter.eventKinds.includes(topicEvent.eventKind)))
  );
}
