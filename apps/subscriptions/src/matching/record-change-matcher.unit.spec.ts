import type { EncounterClass, RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { topicEventsOf } from '@crosscare/fhir-subscriptions';
import { accessRoles, loadAccessRoles, type RelationshipEvidence } from '@crosscare/governance';
import { TEST_NOW, TEST_PROVIDERS, testEvents } from '@crosscare/projection/testing';
import type { EventMatch, SubscriptionRow } from '../store/subscription-store';
import {
  firstCopies,
  matchRecordChanges,
  type PatientCare,
  type SourcedRecordChange,
} from './record-change-matcher';
import { SubscriptionIndex } from './subscription-index';

const roles = loadAccessRoles();
const DAY = 86_400_000;

const PRACTICE = TEST_PROVIDERS.ccrGpPractice.providerOdsCode;
const OTHER_PRACTICE = 'M99001';
const TRUST = TEST_PROVIDERS.ohcAcuteTrust.providerOdsCode;
const COUNCIL = TEST_PROVIDERS.ccrCouncil.providerOdsCode;
const PATIENT = testNhsNumber(1);
const RETIRED = testNhsNumber(2);
const OTHER_PATIENT = testNhsNumber(3);

let ids = 0;
/** A subscription as the store returns it: created a week before the synthetic events, active, no end. */
function subscription(
  fields: Pick<SubscriptionRow, 'ownerOdsCode' | 'topic' | 'filter'> & Partial<SubscriptionRow>,
): SubscriptionRow {
  const created = new Date(TEST_NOW - 7 * DAY);
  ids += 1;
  return {
    id: `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`,
    createdBy: 'system-user',
    role: 'clinician',
    channelType: 'rest-hook',
    endpoint: 'https://receiver.example.nhs.uk/notify',
    headerNames: [],
    sealedHeaders: null,
    payload: 'id-only',
    heartbeatSeconds: null,
    timeoutSeconds: null,
    maxCount: 10,
    endAt: null,
    reason: 'test',
    status: 'active',
    error: null,
    versionId: 1,
    createdAt: created,
    lastUpdated: created,
    eventsSinceStart: 0,
    deliveredThrough: 0,
    consecutiveFailures: 0,
    nextAttemptAt: created,
    lastSentAt: null,
    ...fields,
  };
}

const practiceFollows = (topic: string, fields: Partial<SubscriptionRow> = {}) =>
  subscription({ ownerOdsCode: PRACTICE, topic, filter: { registeredWith: PRACTICE }, ...fields });
const patientFollowedBy = (
  ownerOdsCode: string,
  topic: string,
  nhsNumber = PATIENT,
  fields: Partial<SubscriptionRow> = {},
) => subscription({ ownerOdsCode, topic, filter: { patient: nhsNumber }, ...fields });

/** Who cares for a patient, as the read model's relationship evidence says. */
function evidence(fields: Partial<RelationshipEvidence> = {}): RelationshipEvidence {
  return {
    registeredGpOdsCode: PRACTICE,
    careProviders: new Set([PRACTICE, TRUST]),
    referralRecipients: new Set(),
    ...fields,
  };
}

function careOf(patients: Record<string, Partial<PatientCare>>): jest.Mock<Promise<PatientCare>, [string]> {
  return jest.fn((nhsNumber: string) =>
    Promise.resolve({
      evidence: evidence({ registeredGpOdsCode: null, careProviders: new Set() }),
      objects: false,
      encounterClass: () => undefined,
      ...patients[nhsNumber],
    }),
  );
}
/** Every patient registered with PRACTICE, cared for by it and the trust, no objection. */
const caredFor = (fields: Partial<PatientCare> = {}) =>
  careOf({
    [PATIENT]: { evidence: evidence(), ...fields },
    [OTHER_PATIENT]: { evidence: evidence(), ...fields },
  });

let offset = 0;
const sourced = (event: RecordChangeEvent, position?: Partial<SourcedRecordChange['source']>) => ({
  event,
  source: { topic: 'crosscare.qhl.record-changes.v1', partition: 0, offset: String(offset++), ...position },
});

async function matched(
  rows: readonly SubscriptionRow[],
  events: readonly RecordChangeEvent[],
  care = caredFor(),
): Promise<EventMatch[]> {
  return matchRecordChanges(
    events.map((e) => sourced(e)),
    new SubscriptionIndex(rows, roles),
    care,
  );
}
const notified = async (
  rows: readonly SubscriptionRow[],
  events: readonly RecordChangeEvent[],
  care?: ReturnType<typeof careOf>,
) => (await matched(rows, events, care)).map((m) => `${m.subscriptionId} ${m.topic}`);
const name = (row: SubscriptionRow, topic = row.topic) => `${row.id} ${topic}`;

const forPatient = (nhsNumber: string) => ({ header: { nhsNumber } });

describe('matchRecordChanges', () => {
  describe('a practice following its registered patients (registered-with)', () => {
    it("is told of its patient's admission, with what a notification names", async () => {
      const row = practiceFollows('encounter-started');
      const started = testEvents.EncounterStarted(forPatient(PATIENT));
      const change = sourced(started, {
        topic: 'crosscare.qua.record-changes.v1',
        partition: 2,
        offset: '41',
      });
      const matches = await matchRecordChanges([change], new SubscriptionIndex([row], roles), caredFor());
      const [, encounter] = topicEventsOf(started);
      expect(matches).toEqual([
        {
          subscriptionId: row.id,
          recordChangeId: started.header.eventId,
          topic: 'encounter-started',
          focusType: 'Encounter',
          focusId: encounter.focus.id,
          nhsNumber: PATIENT,
          occurredAt: new Date(started.header.occurredAt),
          source: { topic: 'crosscare.qua.record-changes.v1', partition: 2, offset: '41' },
        },
      ]);
    });

    it("is not told of another practice's patient", async () => {
      const row = practiceFollows('encounter-started');
      const care = careOf({
        [PATIENT]: {
          evidence: evidence({ registeredGpOdsCode: OTHER_PRACTICE, careProviders: new Set([TRUST]) }),
        },
        [OTHER_PATIENT]: { evidence: evidence() },
      });
      const events = [
        testEvents.EncounterStarted(forPatient(PATIENT)),
        testEvents.EncounterStarted({ header: { nhsNumber: OTHER_PATIENT, sourceRecordId: 'encounter-2' } }),
      ];
      const matches = await matched([row], events, care);
      expect(matches.map((m) => m.nhsNumber)).toEqual([OTHER_PATIENT]);
    });

    it('is not told of a patient whose registered practice is not known', async () => {
      const row = practiceFollows('patient-record-changed');
      const care = careOf({ [PATIENT]: { evidence: evidence({ registeredGpOdsCode: null }) } });
      expect(await notified([row], [testEvents.ProblemRecorded(forPatient(PATIENT))], care)).toEqual([]);
    });

    it('follows its list whatever case its ODS code was given in', async () => {
      const row = subscription({
        ownerOdsCode: PRACTICE.toLowerCase(),
        topic: 'patient-record-changed',
        filter: { registeredWith: PRACTICE },
      });
      expect(await notified([row], [testEvents.ProblemRecorded(forPatient(PATIENT))])).toEqual([name(row)]);
    });
  });

  describe('a subscription to one patient', () => {
    it("is told of that patient's changes, by whichever provider, and not of another patient's", async () => {
      const row = patientFollowedBy(TRUST, 'patient-record-changed');
      const events = [
        testEvents.ObservationRecorded(forPatient(PATIENT)),
        testEvents.ObservationRecorded(forPatient(OTHER_PATIENT)),
      ];
      const matches = await matched([row], events);
      expect(matches.map((m) => [m.subscriptionId, m.nhsNumber, m.focusType])).toEqual([
        [row.id, PATIENT, 'Observation'],
      ]);
    });

    it('with registered-with too, needs both to hold', async () => {
      const row = subscription({
        ownerOdsCode: PRACTICE,
        topic: 'patient-record-changed',
        filter: { patient: PATIENT, registeredWith: PRACTICE },
      });
      const registeredElsewhere = careOf({
        [PATIENT]: { evidence: evidence({ registeredGpOdsCode: OTHER_PRACTICE }) },
      });
      const event = testEvents.ProblemRecorded(forPatient(PATIENT));
      expect(await notified([row], [event])).toEqual([name(row)]);
      expect(await notified([row], [event], registeredElsewhere)).toEqual([]);
    });

    it('with an ICS or collaborative filter, is told only of changes published there', async () => {
      const ohc = patientFollowedBy(TRUST, 'patient-record-changed', PATIENT, {
        filter: { patient: PATIENT, collaborative: 'OHC' },
      });
      const qhl = patientFollowedBy(TRUST, 'patient-record-changed', PATIENT, {
        filter: { patient: PATIENT, ics: 'QHL' },
      });
      // The encounter comes from the OHC trust (ICS QUA), the problem from the CCR practice (ICS QHL).
      const events = [
        testEvents.EncounterStarted(forPatient(PATIENT)),
        testEvents.ProblemRecorded(forPatient(PATIENT)),
      ];
      const matches = await matched([ohc, qhl], events);
      expect(matches.map((m) => [m.subscriptionId, m.focusType])).toEqual([
        [ohc.id, 'Encounter'],
        [qhl.id, 'Condition'],
      ]);
    });
  });

  it('tells each subscription only of its own topic', async () => {
    const ended = practiceFollows('encounter-ended');
    const started = practiceFollows('encounter-started');
    const changed = practiceFollows('patient-record-changed');
    const event = testEvents.EncounterStarted(forPatient(PATIENT));
    expect((await notified([ended, started, changed], [event])).sort()).toEqual(
      [name(started), name(changed)].sort(),
    );
  });

  it('tells of a change in the order the changes came, one match per topic it triggers', async () => {
    const changed = practiceFollows('patient-record-changed');
    const died = practiceFollows('patient-died');
    const events = [
      testEvents.PatientDied(forPatient(PATIENT)),
      testEvents.ProblemRecorded(forPatient(PATIENT)),
    ];
    const matches = await matched([changed, died], events);
    expect(matches.map((m) => [m.recordChangeId, m.topic])).toEqual([
      [events[0].header.eventId, 'patient-record-changed'],
      [events[0].header.eventId, 'patient-died'],
      [events[1].header.eventId, 'patient-record-changed'],
    ]);
  });

  describe("the subscriber's role", () => {
    it('tells an administrative system of an encounter, never of an observation (a section it is not granted)', async () => {
      const row = practiceFollows('patient-record-changed', { role: 'administrative' });
      const observation = testEvents.ObservationRecorded(forPatient(PATIENT));
      const encounter = testEvents.EncounterStarted(forPatient(PATIENT));
      const matches = await matched([row], [observation, encounter]);
      expect(matches.map((m) => m.recordChangeId)).toEqual([encounter.header.eventId]);
    });

    it('tells any role of a sharing objection, which every reader is shown', async () => {
      const row = practiceFollows('patient-record-changed', { role: 'pharmacist' });
      const objection = testEvents.SharingObjectionRecorded(forPatient(PATIENT));
      expect(await notified([row], [objection])).toEqual([name(row)]);
    });

    it("tells nothing when the role is not granted the topic's own sections", async () => {
      // A pharmacist's role is not granted encounters: it could not have subscribed, and is not told if it did.
      const row = practiceFollows('encounter-started', { role: 'pharmacist' });
      expect(await notified([row], [testEvents.EncounterStarted(forPatient(PATIENT))])).toEqual([]);
    });

    it("tells nothing, even of an item of a section it is granted, when the role has lost the topic's own sections", async () => {
      const row = practiceFollows('patient-record-changed', { role: 'pharmacist' });
      const prescribed = [testEvents.MedicationPrescribed(forPatient(PATIENT))];
      // A later roles file takes demographics (patient-record-changed's own section) from pharmacists.
      const withoutDemographics = accessRoles(
        roles.version,
        roles.roles.map((role) =>
          role.key === 'pharmacist'
            ? { ...role, sections: role.sections.filter((section) => section !== 'demographics') }
            : role,
        ),
      );
      const match = (index: SubscriptionIndex) =>
        matchRecordChanges(
          prescribed.map((e) => sourced(e)),
          index,
          caredFor(),
        );
      expect(await match(new SubscriptionIndex([row], roles))).toHaveLength(1);
      expect(await match(new SubscriptionIndex([row], withoutDemographics))).toEqual([]);
    });

    it('tells nothing while the role is one the roles file no longer has, nor once the subscription is off', async () => {
      const unknown = practiceFollows('patient-record-changed', { role: 'retired-role' });
      const off = practiceFollows('patient-record-changed', { status: 'off' });
      const on = practiceFollows('patient-record-changed', { status: 'error' });
      expect(await notified([unknown, off, on], [testEvents.ProblemRecorded(forPatient(PATIENT))])).toEqual([
        name(on),
      ]);
    });
  });

  describe('the relationship with the patient, as a read needs it', () => {
    it('tells nothing once the subscriber no longer cares for the patient', async () => {
      const row = patientFollowedBy(TRUST, 'patient-record-changed');
      const lost = careOf({
        [PATIENT]: {
          evidence: evidence({ registeredGpOdsCode: PRACTICE, careProviders: new Set([PRACTICE]) }),
        },
      });
      const event = testEvents.ProblemRecorded(forPatient(PATIENT));
      expect(await notified([row], [event])).toEqual([name(row)]);
      expect(await notified([row], [event], lost)).toEqual([]);
    });

    it('tells a referral recipient, as a read would be allowed', async () => {
      const row = patientFollowedBy(TRUST, 'patient-record-changed');
      const referred = careOf({
        [PATIENT]: {
          evidence: evidence({ careProviders: new Set([PRACTICE]), referralRecipients: new Set([TRUST]) }),
        },
      });
      expect(await notified([row], [testEvents.ProblemRecorded(forPatient(PATIENT))], referred)).toEqual([
        name(row),
      ]);
    });

    it("when the patient objects to sharing, tells the subscriber only of its own organisation's items", async () => {
      const row = patientFollowedBy(TRUST, 'patient-record-changed');
      const objecting = careOf({ [PATIENT]: { evidence: evidence(), objects: true } });
      const own = testEvents.EncounterStarted(forPatient(PATIENT));
      const practices = testEvents.ProblemRecorded(forPatient(PATIENT));
      const matches = await matched([row], [own, practices], objecting);
      expect(matches.map((m) => m.recordChangeId)).toEqual([own.header.eventId]);
      // Without the objection, both.
      expect(await matched([row], [own, practices])).toHaveLength(2);
    });

    it('when the patient objects, tells of the objection itself (every reader is shown it), and tells an organisation that holds none of the record nothing', async () => {
      const row = patientFollowedBy(TRUST, 'patient-record-changed');
      const objection = testEvents.SharingObjectionRecorded(forPatient(PATIENT));
      const holding = careOf({ [PATIENT]: { evidence: evidence(), objects: true } });
      expect(await notified([row], [objection], holding)).toEqual([name(row)]);
      // A referral recipient holds no item of the record: under an objection a read would be refused, so is this.
      const referred = careOf({
        [PATIENT]: {
          evidence: evidence({ careProviders: new Set([PRACTICE]), referralRecipients: new Set([TRUST]) }),
          objects: true,
        },
      });
      expect(await notified([row], [objection], referred)).toEqual([]);
    });
  });

  describe('restricted social care', () => {
    const councilFollows = (role: string) =>
      patientFollowedBy(COUNCIL, 'patient-record-changed', PATIENT, { role });
    const care = () =>
      careOf({ [PATIENT]: { evidence: evidence({ careProviders: new Set([PRACTICE, COUNCIL]) }) } });

    it('tells of an open involvement, but of a restricted or safeguarding one never, even a safeguarding lead', async () => {
      const clinician = councilFollows('clinician');
      const safeguarding = councilFollows('safeguarding-lead');
      const open = testEvents.SocialCareInvolvementRecorded({
        header: { nhsNumber: PATIENT, sourceRecordId: 'involvement-1' },
      });
      const restricted = testEvents.SocialCareInvolvementRecorded({
        header: { nhsNumber: PATIENT, sourceRecordId: 'involvement-2' },
        restricted: true,
      });
      const enquiry = testEvents.SocialCareInvolvementRecorded({
        header: { nhsNumber: PATIENT, sourceRecordId: 'involvement-3' },
        involvementType: 'SAFEGUARDING',
      });
      const matches = await matched([clinician, safeguarding], [open, restricted, enquiry], care());
      expect(matches.map((m) => m.recordChangeId)).toEqual([open.header.eventId, open.header.eventId]);
    });

    it('never tells of the removal of a social care item, which may have been restricted', async () => {
      const row = councilFollows('clinician');
      const removal = testEvents.RecordRemoved({
        header: { nhsNumber: PATIENT, ...TEST_PROVIDERS.ccrCouncil },
        removedEventType: 'SocialCareInvolvementRecorded',
        removedSourceRecordId: 'involvement-1',
      });
      const allergyRemoval = testEvents.RecordRemoved(forPatient(PATIENT));
      const matches = await matched([row], [removal, allergyRemoval], care());
      expect(matches.map((m) => m.recordChangeId)).toEqual([allergyRemoval.header.eventId]);
    });
  });

  describe("the subscription's lifetime", () => {
    const problem = (recordedAt: number) =>
      testEvents.ProblemRecorded({
        header: { nhsNumber: PATIENT, sourceRecordId: `problem-${recordedAt}`, recordedAt },
      });

    it('is not told of a change recorded before it was created: a new subscription is not told the past', async () => {
      const createdAt = new Date(TEST_NOW);
      const row = practiceFollows('patient-record-changed', { createdAt });
      const before = problem(TEST_NOW - 1);
      const at = problem(TEST_NOW);
      const after = problem(TEST_NOW + 1);
      const matches = await matched([row], [before, at, after]);
      expect(matches.map((m) => m.recordChangeId)).toEqual([at.header.eventId, after.header.eventId]);
    });

    it('is not told of a change recorded at or after its end', async () => {
      const row = practiceFollows('patient-record-changed', { endAt: new Date(TEST_NOW) });
      const before = problem(TEST_NOW - 1);
      const matches = await matched([row], [before, problem(TEST_NOW), problem(TEST_NOW + 1)]);
      expect(matches.map((m) => m.recordChangeId)).toEqual([before.header.eventId]);
    });
  });

  describe('a merge', () => {
    const merge = () =>
      testEvents.PatientMerged({ header: { nhsNumber: PATIENT }, retiredNhsNumber: RETIRED });

    it('tells the subscriptions of the retired number where the record went, on patient-record-changed', async () => {
      const retired = patientFollowedBy(TRUST, 'patient-record-changed', RETIRED);
      const retiredEncounters = patientFollowedBy(TRUST, 'encounter-started', RETIRED);
      const surviving = patientFollowedBy(TRUST, 'patient-record-changed', PATIENT);
      const care = caredFor();
      const matches = await matched([retired, retiredEncounters, surviving], [merge()], care);
      expect(matches.map((m) => [m.subscriptionId, m.topic, m.nhsNumber, m.focusType, m.focusId])).toEqual(
        expect.arrayContaining([
          [retired.id, 'patient-record-changed', PATIENT, 'Patient', topicEventsOf(merge())[0].focus.id],
          [surviving.id, 'patient-record-changed', PATIENT, 'Patient', topicEventsOf(merge())[0].focus.id],
        ]),
      );
      expect(matches).toHaveLength(2);
      // Who cares for the patient is the surviving record's: the retired number's items live there now.
      expect(care.mock.calls).toEqual([[PATIENT]]);
    });

    it("tells the retired number's subscriber nothing when it has no relationship with the surviving record", async () => {
      const retired = patientFollowedBy(COUNCIL, 'patient-record-changed', RETIRED);
      expect(await notified([retired], [merge()])).toEqual([]);
    });
  });

  describe("an encounter's end, filtered by kind", () => {
    const discharges = () =>
      practiceFollows('encounter-ended', {
        filter: { registeredWith: PRACTICE, eventKinds: ['inpatient', 'day-case'] },
      });
    const ended = () => testEvents.EncounterEnded(forPatient(PATIENT));
    const startedAs = (encounterClass: EncounterClass | undefined) => {
      const asked: string[][] = [];
      const care = caredFor({
        encounterClass: (provider, sourceRecordId) => {
          asked.push([provider, sourceRecordId]);
          return encounterClass;
        },
      });
      return { care, asked };
    };

    it('is told of the end of an encounter the record holds the start of, as that kind', async () => {
      const row = discharges();
      const { care, asked } = startedAs('INPATIENT');
      expect(await notified([row], [ended()], care)).toEqual([name(row)]);
      expect(asked).toEqual([[TRUST, 'encounter-1']]);
    });

    it('is not told of the end of another kind of encounter, nor of one whose start is not known', async () => {
      const row = discharges();
      expect(await notified([row], [ended()], startedAs('EMERGENCY').care)).toEqual([]);
      expect(await notified([row], [ended()], startedAs(undefined).care)).toEqual([]);
    });

    it('takes the kind from a start earlier in the same batch, which the read model may not hold yet', async () => {
      const row = discharges();
      const header = { nhsNumber: PATIENT, providerOdsCode: TRUST, sourceRecordId: 'encounter-9' };
      const started = testEvents.EncounterStarted({ header, encounterClass: 'INPATIENT' });
      const end = testEvents.EncounterEnded({ header });
      expect(await notified([row], [started, end], startedAs(undefined).care)).toEqual([name(row)]);
    });

    it('without a kind filter, is told of every end', async () => {
      const row = practiceFollows('encounter-ended');
      expect(await notified([row], [ended()], startedAs(undefined).care)).toEqual([name(row)]);
    });
  });

  describe('asking who cares for a patient', () => {
    it('asks once per patient in a call, however many changes and subscriptions', async () => {
      const rows = [
        practiceFollows('patient-record-changed'),
        practiceFollows('encounter-started'),
        patientFollowedBy(TRUST, 'patient-record-changed'),
      ];
      const care = caredFor();
      const events = [
        testEvents.ProblemRecorded(forPatient(PATIENT)),
        testEvents.EncounterStarted(forPatient(OTHER_PATIENT)),
        testEvents.EncounterStarted(forPatient(PATIENT)),
        testEvents.ObservationRecorded(forPatient(OTHER_PATIENT)),
      ];
      expect(await matched(rows, events, care)).not.toHaveLength(0);
      expect(care.mock.calls.map(([nhsNumber]) => nhsNumber).sort()).toEqual([PATIENT, OTHER_PATIENT].sort());
    });

    it('does not ask when no subscription could be told of the patient', async () => {
      const care = caredFor();
      const rows = [patientFollowedBy(TRUST, 'patient-record-changed', OTHER_PATIENT)];
      const events = [testEvents.ProblemRecorded(forPatient(PATIENT))];
      expect(await matched(rows, events, care)).toEqual([]);
      expect(await matched([], events, care)).toEqual([]);
      expect(care).not.toHaveBeenCalled();
    });

    it('does not ask about a change that triggers no topic', async () => {
      const care = caredFor();
      const rows = [practiceFollows('patient-record-changed')];
      // An event of a type this build does not know: no one has decided who may hear of it.
      const problem = testEvents.ProblemRecorded(forPatient(PATIENT));
      const unknown = { ...problem, header: { ...problem.header, eventType: 'SomethingNew' } };
      expect(await matched(rows, [unknown], care)).toEqual([]);
      expect(care).not.toHaveBeenCalled();
    });
  });
});

describe('firstCopies', () => {
  const rows = () => [practiceFollows('patient-record-changed'), practiceFollows('encounter-started')];

  it('keeps the matches of the first copy of an event the batch holds twice', async () => {
    const event = testEvents.EncounterStarted(forPatient(PATIENT));
    const first = sourced(event, { offset: '10' });
    const copy = sourced(event, { offset: '12' });
    const matches = await matchRecordChanges([first, copy], new SubscriptionIndex(rows(), roles), caredFor());
    expect(matches).toHaveLength(4);
    const kept = firstCopies(matches, new Set([event.header.eventId]));
    expect(kept.map((m) => [m.topic, m.source.offset])).toEqual([
      ['patient-record-changed', '10'],
      ['encounter-started', '10'],
    ]);
  });

  it('keeps nothing of an event matched before (not fresh), and all of one that is', async () => {
    const seen = testEvents.ProblemRecorded(forPatient(PATIENT));
    const fresh = testEvents.ObservationRecorded(forPatient(PATIENT));
    const matches = await matchRecordChanges(
      [sourced(seen), sourced(fresh)],
      new SubscriptionIndex(rows(), roles),
      caredFor(),
    );
    expect(firstCopies(matches, new Set([fresh.header.eventId])).map((m) => m.recordChangeId)).toEqual([
      fresh.header.eventId,
    ]);
    expect(firstCopies(matches, new Set())).toEqual([]);
  });

  it('tells a copy on another partition apart from the first', async () => {
    const event = testEvents.ProblemRecorded(forPatient(PATIENT));
    const matches = await matchRecordChanges(
      [sourced(event, { partition: 1, offset: '5' }), sourced(event, { partition: 0, offset: '5' })],
      new SubscriptionIndex(rows(), roles),
      caredFor(),
    );
    expect(
      firstCopies(matches, new Set([event.header.eventId])).map((m) => [m.source.partition, m.source.offset]),
    ).toEqual([[1, '5']]);
  });
});
