import { type EventType, type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { itemKindOf, partOf, projectEvent, type Projected } from './project-event';
import type { ItemWrite } from './record-item';
import { TEST_PROVIDERS, testEvents } from './testing/record-change-factories';

function writesOf(projected: Projected): ItemWrite[] {
  if (projected.outcome !== 'items')
    throw new Error(`expected item writes, got ${JSON.stringify(projected)}`);
  return projected.writes;
}

describe('itemKindOf and partOf', () => {
  it.each<[EventType, string, string]>([
    ['PatientRegistered', 'demographics', 'PatientDetails'],
    ['PatientDetailsChanged', 'demographics', 'PatientDetails'],
    ['PatientDied', 'death', 'PatientDied'],
    ['ProblemRecorded', 'problem', 'ProblemRecorded'],
    ['AllergyRecorded', 'allergy', 'AllergyRecorded'],
    ['MedicationPrescribed', 'medication-prescribed', 'MedicationPrescribed'],
    ['MedicationDispensed', 'medication-dispensed', 'MedicationDispensed'],
    ['EncounterStarted', 'encounter', 'EncounterStarted'],
    ['EncounterEnded', 'encounter', 'EncounterEnded'],
    ['ObservationRecorded', 'observation', 'ObservationRecorded'],
    ['ImmunisationRecorded', 'immunisation', 'ImmunisationRecorded'],
    ['CarePlanRecorded', 'care-plan', 'CarePlanRecorded'],
    ['ReferralMade', 'referral', 'ReferralMade'],
    ['SocialCareInvolvementRecorded', 'social-care', 'SocialCareInvolvementRecorded'],
    ['EndOfLifePreferencesRecorded', 'end-of-life', 'EndOfLifePreferencesRecorded'],
    ['SharingObjectionRecorded', 'sharing-objection', 'SharingObjectionRecorded'],
  ])('given %s, is kind %s in part %s', (eventType, kind, part) => {
    expect(itemKindOf(eventType)).toBe(kind);
    expect(partOf(eventType)).toBe(part);
  });

  it.each(['RecordRemoved', 'PatientMerged', 'AppointmentBooked'])(
    'given %s, has no kind and no part',
    (type) => {
      expect(itemKindOf(type)).toBeUndefined();
      expect(partOf(type)).toBeUndefined();
    },
  );
});

describe('projectEvent', () => {
  describe('given an item event', () => {
    it('when projected, then it is one write at its provider, record and part, carrying the event', () => {
      const event = testEvents.AllergyRecorded({
        header: { sourceRecordId: 'allergy-7', sourceRecordVersion: 4, nhsNumber: testNhsNumber(5) },
      });

      expect(writesOf(projectEvent(event))).toEqual([
        {
          providerOdsCode: TEST_PROVIDERS.ccrGpPractice.providerOdsCode,
          sourceRecordId: 'allergy-7',
          part: 'AllergyRecorded',
          kind: 'allergy',
          nhsNumber: testNhsNumber(5),
          ics: 'QHL',
          collaborative: 'CCR',
          sourceRecordVersion: 4,
          eventId: event.header.eventId,
          eventType: 'AllergyRecorded',
          occurredAt: event.header.occurredAt,
          recordedAt: event.header.recordedAt,
          removed: false,
          event,
        },
      ]);
    });

    it('when it is a PatientDetailsChanged, then it writes the same part a PatientRegistered did', () => {
      const [registered] = writesOf(projectEvent(testEvents.PatientRegistered()));
      const [changed] = writesOf(projectEvent(testEvents.PatientDetailsChanged()));

      expect([changed.kind, changed.part]).toEqual(['demographics', 'PatientDetails']);
      expect(changed.sourceRecordId).toBe(registered.sourceRecordId);
      expect(changed.part).toBe(registered.part);
    });
  });

  describe('given a RecordRemoved', () => {
    it('when it removes an allergy, then it is one tombstone at the allergy, carrying the removal', () => {
      const removal = testEvents.RecordRemoved({
        removedEventType: 'AllergyRecorded',
        header: { sourceRecordId: 'allergy-7', sourceRecordVersion: 5 },
      });

      const writes = writesOf(projectEvent(removal));

      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatchObject({
        sourceRecordId: 'allergy-7',
        part: 'AllergyRecorded',
        kind: 'allergy',
        removed: true,
        sourceRecordVersion: 5,
        eventType: 'RecordRemoved',
        eventId: removal.header.eventId,
      });
      expect(writes[0].event).toBe(removal);
    });

    it.each(['EncounterStarted', 'EncounterEnded'])(
      'when it removes an %s, then both parts of the encounter are tombstoned',
      (removedEventType) => {
        const removal = testEvents.RecordRemoved({ removedEventType, header: { sourceRecordId: 'enc-1' } });

        const writes = writesOf(projectEvent(removal));

        expect(writes.map((write) => [write.kind, write.sourceRecordId, write.part, write.removed])).toEqual([
          ['encounter', 'enc-1', 'EncounterStarted', true],
          ['encounter', 'enc-1', 'EncounterEnded', true],
        ]);
      },
    );

    it.each(['PatientRegistered', 'PatientDetailsChanged'])(
      'when it removes a %s, then the patient details part is tombstoned',
      (removedEventType) => {
        const writes = writesOf(projectEvent(testEvents.RecordRemoved({ removedEventType })));

        expect(writes.map((write) => [write.kind, write.part])).toEqual([['demographics', 'PatientDetails']]);
      },
    );

    it('when removedSourceRecordId differs from header.sourceRecordId, then it is rejected naming both', () => {
      const removal = testEvents.RecordRemoved({
        removedSourceRecordId: 'allergy-8',
        header: { sourceRecordId: 'allergy-7' },
      });

      expect(projectEvent(removal)).toEqual({
        outcome: 'rejected',
        reason: 'removedSourceRecordId allergy-8 differs from header.sourceRecordId allergy-7',
      });
    });

    it.each(['PatientMerged', 'RecordRemoved', 'AppointmentBooked'])(
      'when it removes a %s, which is not an item, then it is rejected naming removedEventType',
      (removedEventType) => {
        const projected = projectEvent(testEvents.RecordRemoved({ removedEventType }));

        expect(projected).toEqual({
          outcome: 'rejected',
          reason: `removedEventType ${removedEventType} is not an event type that records an item`,
        });
      },
    );
  });

  describe('given a PatientMerged', () => {
    it('when well formed, then it is a merge of the retired number into the surviving one', () => {
      const merged = testEvents.PatientMerged({
        retiredNhsNumber: testNhsNumber(2),
        header: { nhsNumber: testNhsNumber(1), providerOdsCode: 'M01483' },
      });

      expect(projectEvent(merged)).toEqual({
        outcome: 'merge',
        merge: {
          retiredNhsNumber: testNhsNumber(2),
          survivingNhsNumber: testNhsNumber(1),
          providerOdsCode: 'M01483',
          ics: 'QHL',
          eventId: merged.header.eventId,
          occurredAt: merged.header.occurredAt,
        },
      });
    });

    it.each([
      [
        'the retired number equals the surviving one',
        { retiredNhsNumber: testNhsNumber(1) },
        `retiredNhsNumber ${testNhsNumber(1)} equals survivingNhsNumber: a patient cannot merge into itself`,
      ],
      [
        'the surviving number is not header.nhsNumber',
        { survivingNhsNumber: testNhsNumber(3) },
        `survivingNhsNumber ${testNhsNumber(3)} differs from header.nhsNumber ${testNhsNumber(1)}`,
      ],
      [
        'the retired number fails its check digit',
        { retiredNhsNumber: '9990000019' },
        'retiredNhsNumber 9990000019 is not a valid NHS number',
      ],
      [
        'the surviving number is not ten digits',
        { survivingNhsNumber: '999000001' },
        'survivingNhsNumber 999000001 is not a valid NHS number',
      ],
    ])('when %s, then it is rejected', (_case, fields, reason) => {
      const merged = testEvents.PatientMerged({ ...fields, header: { nhsNumber: testNhsNumber(1) } });

      expect(projectEvent(merged)).toEqual({ outcome: 'rejected', reason });
    });
  });

  describe('given a header the store cannot rely on', () => {
    it('when header.nhsNumber is not a valid NHS number, then the event is rejected naming it', () => {
      const event = testEvents.ProblemRecorded({ header: { nhsNumber: '1234' } });

      expect(projectEvent(event)).toEqual({
        outcome: 'rejected',
        reason: 'header.nhsNumber 1234 is not a valid NHS number',
      });
    });

    it.each([-1, 1.5, 2 ** 53, Number.NaN])(
      'when header.sourceRecordVersion is %s, then the event is rejected naming it',
      (sourceRecordVersion) => {
        const event = testEvents.ProblemRecorded({ header: { sourceRecordVersion } });

        expect(projectEvent(event)).toEqual({
          outcome: 'rejected',
          reason: `header.sourceRecordVersion ${sourceRecordVersion} is not a non-negative safe integer`,
        });
      },
    );

    it('when a merge carries an invalid header.nhsNumber, then it is rejected for that first', () => {
      const merged = testEvents.PatientMerged({ survivingNhsNumber: '12', header: { nhsNumber: '12' } });

      expect(projectEvent(merged)).toEqual({
        outcome: 'rejected',
        reason: 'header.nhsNumber 12 is not a valid NHS number',
      });
    });

    it('when header.eventType is one this build does not know, then the event is rejected naming it', () => {
      const problem = testEvents.ProblemRecorded();
      const unknown = { ...problem, header: { ...problem.header, eventType: 'AppointmentBooked' } };

      expect(projectEvent(unknown as RecordChangeEvent)).toEqual({
        outcome: 'rejected',
        reason: 'header.eventType AppointmentBooked is not an event type this projector knows',
      });
    });
  });
});
