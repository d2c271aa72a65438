import type { EncounterClass, RecordChangeEvent } from '@crosscare/events';
import { matchesFilter, topicByCode, topicEventsOf } from '@crosscare/fhir-subscriptions';
import { legitimateRelationship, type RelationshipEvidence } from '@crosscare/governance';
import { isEventOf } from '@crosscare/projection';
import type { EventMatch, SourcePosition } from '../store/subscription-store';
import type { IndexedSubscription, SubscriptionIndex } from './subscription-index';

/** A record change as consumed: the event and where it sits. */
export interface SourcedRecordChange {
  readonly event: RecordChangeEvent;
  readonly source: SourcePosition;
  /** The provider request it came from (its Kafka header `crosscare-correlation-id`, else its own header). */
  readonly correlationId?: string;
}

/** What the patient's shared record says about who cares for them, as the record API decides reads by. */
export interface PatientCare {
  readonly evidence: RelationshipEvidence;
  /** The patient objects to sharing: only the organisation that recorded an item may hear of it. */
  readonly objects: boolean;
  /** The class of an encounter the record holds the start of (provider, source record): an end's event kind. */
  readonly encounterClass: (providerOdsCode: string, sourceRecordId: string) => EncounterClass | undefined;
}

/**
 * Which subscriptions each record change notifies, in the order the changes came. A subscription is notified of a
 * change only as its subscriber could read it in the record API:
 * - the change triggers the subscription's topic and passes its filter;
 * - the subscriber's role is granted the section the changed item belongs to (a receptionist's system does not hear
 *   of an observation), and the topic's own sections;
 * - the subscribing organisation has a legitimate relationship with the patient now (registered GP, care provider,
 *   referral recipient), by the same rule as a read; there is no breaking the glass for a subscription;
 * - when the patient objects to sharing, only an organisation holding items of the record, only of its own items
 *   (and of the objection itself);
 * - never of a restricted item (a safeguarding involvement): the record API shows those only to a safeguarding role
 *   reading for SAFEGUARDING, a purpose a standing subscription cannot declare;
 * - the change was recorded after the subscription was created: a new subscription is not told the patient's past.
 * A merge also notifies the subscriptions of the retired number, so they learn where the record went.
 *
 * `care` is asked once per patient, and only for a patient some subscription might be notified about.
 */
export async function matchRecordChanges(
  changes: readonly SourcedRecordChange[],
  index: SubscriptionIndex,
  care: (nhsNumber: string) => Promise<PatientCare>,
): Promise<EventMatch[]> {
  const cares = new Map<string, Promise<PatientCare>>();
  const careOf = (nhsNumber: string) => {
    let known = cares.get(nhsNumber);
    if (!known) {
      cares.set(nhsNumber, (known = care(nhsNumber)));
      // Awaited below, in order; this only keeps a failure from counting as unhandled before then.
      known.catch(() => undefined);
    }
    return known;
  };
  // Every patient some subscription could be told about is asked for at once, so the read model's answers for a
  // batch come concurrently (as many as its connection pool allows) rather than one after another.
  for (const { event } of changes)
    if (topicEventsOf(event).length > 0 && (index.followsPractices || mightConcern(index, event)))
      void careOf(event.header.nhsNumber);
  const matches: EventMatch[] = [];
  // Encounters started earlier in this batch: the read model may not hold them yet when their end comes with them.
  const startedInBatch = new Map<string, EncounterClass>();
  for (const { event, source, correlationId } of changes) {
    if (isEventOf(event, 'EncounterStarted'))
      startedInBatch.set(encounterKey(event.header), event.encounterClass);
    let topicEvents = topicEventsOf(event);
    if (topicEvents.length === 0) continue;
    const { header } = event;
    const retired = topicEvents.flatMap((t) => (t.mergedFrom ? index.forPatient(t.mergedFrom) : []));
    const byPatient = [...index.forPatient(header.nhsNumber), ...retired];
    if (byPatient.length === 0 && !index.followsPractices) continue;
    const patient = await careOf(header.nhsNumber);
    if (event.header.eventType === 'EncounterEnded') {
      const startedClass =
        startedInBatch.get(encounterKey(header)) ??
        patient.encounterClass(header.providerOdsCode, header.sourceRecordId);
      if (startedClass) topicEvents = topicEventsOf(event, { startedClass });
    }
    const candidates = [...byPatient, ...index.forPractice(patient.evidence.registeredGpOdsCode)];
    for (const topicEvent of topicEvents)
      for (const subscription of candidates) {
        if (!notifies(subscription, event, topicEvent, patient)) continue;
        matches.push({
          subscriptionId: subscription.row.id,
          recordChangeId: header.eventId,
          topic: topicEvent.topic,
          focusType: topicEvent.focus.resourceType,
          focusId: topicEvent.focus.id,
          nhsNumber: header.nhsNumber,
          occurredAt: new Date(Number(header.occurredAt)),
          source,
          ...(correlationId === undefined ? {} : { correlationId }),
        });
      }
  }
  return matches;
}

function notifies(
  subscription: IndexedSubscription,
  event: RecordChangeEvent,
  topicEvent: ReturnType<typeof topicEventsOf>[number],
  patient: PatientCare,
): boolean {
  const { row, sections } = subscription;
  const { header } = event;
  if (row.topic !== topicEvent.topic || topicEvent.restricted) return false;
  if (Number(header.recordedAt) < row.createdAt.getTime()) return false;
  if (row.endAt !== null && Number(header.recordedAt) >= row.endAt.getTime()) return false;
  const topic = topicByCode(topicEvent.topic);
  if (!topic || !topic.sections.every((section) => sections.has(section))) return false;
  if (topicEvent.section !== 'always' && !sections.has(topicEvent.section)) return false;
  const owner = row.ownerOdsCode.toUpperCase();
  if (
    !matchesFilter(row.filter, {
      topicEvent,
      header,
      registeredGpOdsCode: patient.evidence.registeredGpOdsCode,
    })
  )
    return false;
  if (legitimateRelationship(owner, patient.evidence) === null) return false;
  // As a read under an objection: only an organisation that holds items of the record, and only of its own items,
  // but of the objection itself (what every reader is shown) whoever recorded it.
  if (patient.objects) {
    if (!patient.evidence.careProviders.has(owner)) return false;
    if (topicEvent.section !== 'always' && header.providerOdsCode.toUpperCase() !== owner) return false;
  }
  return true;
}

/** Whether a subscription follows the event's patient, or the number a merge retired. */
function mightConcern(index: SubscriptionIndex, event: RecordChangeEvent): boolean {
  if (index.forPatient(event.header.nhsNumber).length > 0) return true;
  return topicEventsOf(event).some(
    (t) => t.mergedFrom !== undefined && index.forPatient(t.mergedFrom).length > 0,
  );
}

const encounterKey = (header: { providerOdsCode: string; sourceRecordId: string }) =>
  `${header.providerOdsCode}/${header.sourceRecordId}`;

/**
 * The matches of record changes seen for the first time (`fresh`: their ids were not matched before), each from the
 * first copy in the batch: ingest can, rarely, publish one event twice with the same id, and a copy must not be
 * numbered again, in a later batch or in this one.
 */
export function firstCopies(matches: readonly EventMatch[], fresh: ReadonlySet<string>): EventMatch[] {
  const first = new Map<string, string>();
  for (const match of matches)
    if (!first.has(match.recordChangeId)) first.set(match.recordChangeId, positionOf(match));
  return matches.filter(
    (match) => fresh.has(match.recordChangeId) && first.get(match.recordChangeId) === positionOf(match),
  );
}

const positionOf = (match: EventMatch) =>
  `${match.source.topic}/${match.source.partition}/${match.source.offset}`;
