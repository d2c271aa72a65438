import { EVENT_TYPES, type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { renderRecordItem } from '@crosscare/fhir';
import { ITEM_EVENT_TYPES } from '@crosscare/projection';
import { TEST_PROVIDERS, testEvents } from '@crosscare/projection/testing';
import { isSectionGranted, matchesFilter, type TopicEvent, topicEventsOf } from './topic-events';
import { topicByCode } from './topics';

const topicsOf = (event: RecordChangeEvent) => topicEventsOf(event).map((topicEvent) => topicEvent.topic);

describe('topicEventsOf', () => {
  it.each(ITEM_EVENT_TYPES)(
    'given a %s, names the focus by the id and type the record API renders it with',
    (eventType) => {
      const event = testEvents[eventType]();
      const rendered = renderRecordItem(event, {});
      const [changed] = topicEventsOf(event);
      expect(changed?.topic).toBe('patient-record-changed');
      expect(changed?.focus).toEqual({ resourceType: rendered?.resourceType, id: rendered?.id });
    },
  );

  it('given every event type, each topic event is of a topic that lists the event type and the focus type', () => {
    for (const eventType of EVENT_TYPES) {
      for (const topicEvent of topicEventsOf(testEvents[eventType]())) {
        const topic = topicByCode(topicEvent.topic);
        expect(topic?.eventTypes).toContain(eventType);
        expect(topic?.focusResourceTypes).toContain(topicEvent.focus.resourceType);
      }
    }
  });

  it('given an EncounterStarted, triggers encounter-started with its class as the event kind', () => {
    const started = testEvents.EncounterStarted({ encounterClass: 'DAY_CASE' });
    const encounter = topicEventsOf(started).find((topicEvent) => topicEvent.topic === 'encounter-started');
    expect(encounter).toMatchObject({ eventKind: 'day-case', section: 'encounters', removed: false });
    expect(topicsOf(started)).toEqual(['patient-record-changed', 'encounter-started']);
  });

  it('given an EncounterEnded, its focus is the same Encounter as its start, and its kind comes from the context', () => {
    const started = testEvents.EncounterStarted();
    const ended = testEvents.EncounterEnded();
    const [, startTopic] = topicEventsOf(started);
    const [, endTopic] = topicEventsOf(ended, { startedClass: 'INPATIENT' });
    expect(endTopic).toMatchObject({ topic: 'encounter-ended', eventKind: 'inpatient' });
    expect(endTopic?.focus).toEqual(startTopic?.focus);
    expect(topicEventsOf(ended)[1]).not.toHaveProperty('eventKind');
  });

  it('given a PatientDied, focuses on the Patient of the NHS number, in the death section', () => {
    const died = testEvents.PatientDied();
    const [changed, death] = topicEventsOf(died);
    expect(death).toMatchObject({ topic: 'patient-died', section: 'death' });
    expect(death?.focus).toEqual(changed?.focus);
    expect(death?.focus).toEqual({
      resourceType: 'Patient',
      id: renderRecordItem(testEvents.PatientRegistered(), {})?.id,
    });
  });

  it.each(['REMOVED', 'UNKNOWN'] as const)(
    'given a death notice whose status is %s, patient-died is not triggered',
    (status) => {
      expect(topicsOf(testEvents.PatientDied({ notificationStatus: status }))).toEqual([
        'patient-record-changed',
      ]);
    },
  );

  it.each(['PARTIAL', 'PRELIMINARY', 'FINAL', 'AMENDED', 'CORRECTED'] as const)(
    'given a %s diagnostic report, results-available is triggered',
    (status) => {
      const events = topicEventsOf(testEvents.DiagnosticReportIssued({ status }));
      expect(events.map((topicEvent) => topicEvent.topic)).toEqual([
        'patient-record-changed',
        'results-available',
      ]);
      expect(events[1]).toMatchObject({ section: 'results', focus: { resourceType: 'DiagnosticReport' } });
    },
  );

  it.each(['REGISTERED', 'CANCELLED', 'UNKNOWN'] as const)(
    'given a %s diagnostic report, only patient-record-changed is triggered',
    (status) => {
      expect(topicsOf(testEvents.DiagnosticReportIssued({ status }))).toEqual(['patient-record-changed']);
    },
  );

  it('given a ReferralMade, triggers referral-made in the referrals section', () => {
    expect(topicEventsOf(testEvents.ReferralMade())[1]).toMatchObject({
      topic: 'referral-made',
      section: 'referrals',
      focus: { resourceType: 'ServiceRequest' },
    });
  });

  it('given an item event, its section is the one the record API reads it under', () => {
    expect(topicEventsOf(testEvents.AllergyRecorded())[0]?.section).toBe('allergies');
    expect(topicEventsOf(testEvents.MedicationDispensed())[0]?.section).toBe('medications');
    expect(topicEventsOf(testEvents.SharingObjectionRecorded())[0]?.section).toBe('always');
  });

  it('given a RecordRemoved, names the removed item as its focus, in its section, removed', () => {
    const allergy = testEvents.AllergyRecorded();
    const removal = testEvents.RecordRemoved({ header: { sourceRecordId: allergy.header.sourceRecordId } });
    expect(topicEventsOf(removal)).toEqual([
      {
        topic: 'patient-record-changed',
        focus: topicEventsOf(allergy)[0]?.focus,
        section: 'allergies',
        removed: true,
        restricted: false,
      },
    ]);
  });

  it('given the removal of an encounter, triggers no encounter topic', () => {
    const removal = testEvents.RecordRemoved({ removedEventType: 'EncounterStarted' });
    expect(topicsOf(removal)).toEqual(['patient-record-changed']);
  });

  it('given the removal of a record of an unknown event type, triggers nothing: no one decided who may hear of it', () => {
    expect(topicEventsOf(testEvents.RecordRemoved({ removedEventType: 'FutureThingRecorded' }))).toEqual([]);
  });

  it('given a restricted social care involvement, or the removal of any social care item, is restricted', () => {
    const safeguarding = testEvents.SocialCareInvolvementRecorded({ involvementType: 'SAFEGUARDING' });
    expect(topicEventsOf(safeguarding)[0]).toMatchObject({ restricted: true, section: 'social-care' });
    expect(topicEventsOf(testEvents.SocialCareInvolvementRecorded())[0]?.restricted).toBe(false);
    const removal = testEvents.RecordRemoved({ removedEventType: 'SocialCareInvolvementRecorded' });
    expect(topicEventsOf(removal)[0]?.restricted).toBe(true);
  });

  it('given a merge, focuses on the surviving Patient and names the retired NHS number', () => {
    const merge = testEvents.PatientMerged();
    expect(topicEventsOf(merge)).toEqual([
      {
        topic: 'patient-record-changed',
        focus: topicEventsOf(testEvents.PatientDied())[0]?.focus,
        section: 'demographics',
        removed: false,
        restricted: false,
        mergedFrom: testNhsNumber(2),
      },
    ]);
  });

  it('given an event of a type this build does not know, triggers nothing', () => {
    const unknown = testEvents.AllergyRecorded({ header: {} });
    const future = { ...unknown, header: { ...unknown.header, eventType: 'FutureThingRecorded' } };
    expect(topicEventsOf(future as RecordChangeEvent)).toEqual([]);
  });
});

describe('isSectionGranted', () => {
  it('grants a section the role has, and what every reader is shown, but no other', () => {
    expect(isSectionGranted('results', ['demographics', 'results'])).toBe(true);
    expect(isSectionGranted('always', [])).toBe(true);
    expect(isSectionGranted('results', ['demographics'])).toBe(false);
  });
});

describe('matchesFilter', () => {
  const admission = testEvents.EncounterStarted({
    encounterClass: 'INPATIENT',
    header: { nhsNumber: testNhsNumber(3) },
  });
  const [, started] = topicEventsOf(admission) as [TopicEvent, TopicEvent];
  const candidate = { topicEvent: started, header: admission.header, registeredGpOdsCode: 'M01358' };

  it('given the patient, matches; given another patient, does not', () => {
    expect(matchesFilter({ patient: testNhsNumber(3) }, candidate)).toBe(true);
    expect(matchesFilter({ patient: testNhsNumber(4) }, candidate)).toBe(false);
  });

  it("given registered-with, matches the patient's practice whatever its case, and never an unknown one", () => {
    expect(matchesFilter({ registeredWith: 'M01358' }, { ...candidate, registeredGpOdsCode: 'm01358' })).toBe(
      true,
    );
    expect(matchesFilter({ registeredWith: 'M99999' }, candidate)).toBe(false);
    expect(matchesFilter({ registeredWith: 'M01358' }, { ...candidate, registeredGpOdsCode: null })).toBe(
      false,
    );
  });

  it('given every filter, matches only when all hold', () => {
    const all = {
      patient: testNhsNumber(3),
      registeredWith: 'M01358',
      collaborative: TEST_PROVIDERS.ohcAcuteTrust.collaborative,
      ics: 'QUA',
      eventKinds: ['emergency', 'inpatient'],
    } as const;
    expect(matchesFilter(all, candidate)).toBe(true);
    expect(matchesFilter({ ...all, ics: 'QHL' }, candidate)).toBe(false);
    expect(matchesFilter({ ...all, collaborative: 'CCR' }, candidate)).toBe(false);
    expect(matchesFilter({ ...all, eventKinds: ['outpatient'] }, candidate)).toBe(false);
  });

  it('given event kinds, an ended encounter whose class is unknown does not match', () => {
    const ended = testEvents.EncounterEnded();
    const [, topicEvent] = topicEventsOf(ended) as [TopicEvent, TopicEvent];
    const endCandidate = { topicEvent, header: ended.header, registeredGpOdsCode: null };
    expect(matchesFilter({ patient: ended.header.nhsNumber, eventKinds: ['inpatient'] }, endCandidate)).toBe(
      false,
    );
    expect(matchesFilter({ patient: ended.header.nhsNumber }, endCandidate)).toBe(true);
  });

  it('given a merge, a subscription to the retired NHS number hears of it', () => {
    const merge = testEvents.PatientMerged();
    const [topicEvent] = topicEventsOf(merge) as [TopicEvent];
    const mergeCandidate = { topicEvent, header: merge.header, registeredGpOdsCode: null };
    expect(matchesFilter({ patient: testNhsNumber(2) }, mergeCandidate)).toBe(true);
    expect(matchesFilter({ patient: testNhsNumber(1) }, mergeCandidate)).toBe(true);
    expect(matchesFilter({ patient: testNhsNumber(5) }, mergeCandidate)).toBe(false);
  });
});
