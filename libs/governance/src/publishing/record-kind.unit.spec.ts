import type { AnyRecordChangeDraft, EventType } from '@crosscare/events';

import { recordKindOf } from './record-kind';

/** recordKindOf reads only the type and, for two types, one body field; the rest of the body is irrelevant here. */
const draft = (type: EventType, body: object = {}) =>
  ({
    type,
    source: {
      nhsNumber: '9990000018',
      sourceRecordId: 'record-1',
      sourceRecordVersion: 1,
      operation: 'CREATE',
      occurredAt: 0,
    },
    body,
  }) as unknown as AnyRecordChangeDraft;

describe('recordKindOf', () => {
  it.each<[EventType, string]>([
    ['PatientRegistered', 'demographics'],
    ['PatientDetailsChanged', 'demographics'],
    ['PatientDied', 'death'],
    ['PatientMerged', 'merge'],
    ['EncounterEnded', 'encounter-outcome'],
    ['ProblemRecorded', 'problem'],
    ['AllergyRecorded', 'allergy'],
    ['MedicationPrescribed', 'prescription'],
    ['MedicationDispensed', 'dispensing'],
    ['ObservationRecorded', 'observation'],
    ['ImmunisationRecorded', 'immunisation'],
    ['CarePlanRecorded', 'care-plan'],
    ['ReferralMade', 'referral'],
    ['EndOfLifePreferencesRecorded', 'end-of-life'],
    ['SharingObjectionRecorded', 'sharing-objection'],
    ['RecordRemoved', 'removal'],
    ['DocumentRecorded', 'document'],
  ])('given %s, is %s', (type, kind) => {
    expect(recordKindOf(draft(type))).toBe(kind);
  });

  it.each([
    [false, 'alert'],
    [true, 'reasonable-adjustment'],
  ])('given an AlertRecorded with reasonableAdjustment %s, is %s', (reasonableAdjustment, kind) => {
    expect(recordKindOf(draft('AlertRecorded', { reasonableAdjustment }))).toBe(kind);
  });

  it("given a practice's type 1 objection (an opt-out draft), is secondary-use-objection", () => {
    expect(recordKindOf({ ...draft('SharingObjectionRecorded'), type: 'OptOutChanged' } as never)).toBe(
      'secondary-use-objection',
    );
  });

  it.each([
    ['INPATIENT', 'admission'],
    ['DAY_CASE', 'admission'],
    ['EMERGENCY', 'emergency-attendance'],
    ['AMBULANCE_INCIDENT', 'ambulance-incident'],
    ['OUTPATIENT', 'consultation'],
    ['COMMUNITY', 'consultation'],
    ['HOME_VISIT', 'consultation'],
    ['VIRTUAL', 'consultation'],
    ['PRIMARY_CARE', 'consultation'],
    ['OTHER', 'consultation'],
  ])('given an EncounterStarted of class %s, is %s', (encounterClass, kind) => {
    expect(recordKindOf(draft('EncounterStarted', { encounterClass }))).toBe(kind);
  });

  it.each([
    ['a safeguarding involvement', { involvementType: 'SAFEGUARDING' }, 'safeguarding'],
    [
      'an involvement marked restricted',
      { involvementType: 'ADULT_SOCIAL_CARE', restricted: true },
      'safeguarding',
    ],
    [
      'an involvement marked not restricted',
      { involvementType: 'ADULT_SOCIAL_CARE', restricted: false },
      'social-care',
    ],
    ['an involvement from before restricted existed', { involvementType: 'CARER_SUPPORT' }, 'social-care'],
    [
      'an involvement with restricted null',
      { involvementType: 'REABLEMENT', restricted: null },
      'social-care',
    ],
  ])('given %s, is %s', (_, body, kind) => {
    expect(recordKindOf(draft('SocialCareInvolvementRecorded', body))).toBe(kind);
  });

  it('given an event type it has no kind for, throws rather than guess a policy', () => {
    expect(() => recordKindOf(draft('SomethingNew' as EventType))).toThrow(
      'no record kind for event type SomethingNew',
    );
  });
});
