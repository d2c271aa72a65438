import { type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { type PatientRecord } from '@crosscare/projection';
import { TEST_NOW, TEST_PROVIDERS, testEvents } from '@crosscare/projection/testing';
import type { PatientRecordSet } from '@crosscare/read-model';
import type { RecordAccessSummary } from '../record/shared-record-document';

export const PATIENT = testNhsNumber(1);
export const RETIRED = testNhsNumber(2);

/** One collaborative's snapshot of PATIENT holding these events. */
export function snapshot(collaborative: string, sequence: number, items: RecordChangeEvent[]): PatientRecord {
  return {
    nhsNumber: PATIENT,
    collaborative,
    sequence,
    updatedAt: TEST_NOW,
    mergedInto: null,
    mergedFrom: [],
    items,
  };
}

/** A record set as the read model reader would load it for PATIENT, asked for by `requested`. */
export function recordSet(records: PatientRecord[], requested = PATIENT): PatientRecordSet {
  return {
    requestedNhsNumber: requested,
    nhsNumber: PATIENT,
    mergedInto: requested === PATIENT ? null : PATIENT,
    mergedFrom: requested === PATIENT ? [] : [requested],
    records,
    sources: records.map((r) => ({
      collaborative: r.collaborative,
      nhsNumber: r.nhsNumber,
      sequence: r.sequence,
      updatedAt: r.updatedAt,
    })),
  };
}

/** A GP problem and demographics in CCR; an acute encounter in OHC; an open safeguarding involvement in CCR. */
export const EVENTS = {
  details: testEvents.PatientRegistered({ header: { nhsNumber: PATIENT } }),
  problem: testEvents.ProblemRecorded({ header: { nhsNumber: PATIENT } }),
  encounter: testEvents.EncounterStarted({ header: { nhsNumber: PATIENT } }),
  safeguarding: testEvents.SocialCareInvolvementRecorded({
    header: { nhsNumber: PATIENT, sourceRecordId: 'safeguarding-1' },
    involvementType: 'SAFEGUARDING',
    recordKind: 'SAFEGUARDING',
    allocatedTeam: 'Birmingham Children Safeguarding',
    restricted: true,
  }),
  homeCare: testEvents.SocialCareInvolvementRecorded({ header: { nhsNumber: PATIENT } }),
};

export const ccrSnapshot = (sequence = 4) =>
  snapshot('CCR', sequence, [EVENTS.details, EVENTS.problem, EVENTS.homeCare, EVENTS.safeguarding]);
export const ohcSnapshot = (sequence = 7) => snapshot('OHC', sequence, [EVENTS.encounter]);

export { TEST_NOW, TEST_PROVIDERS };

/** A clinician at the patient's GP practice reading for direct care: the access under which nothing is withheld. */
export const CLINICIAN_AT_GP: RecordAccessSummary = {
  role: 'clinician',
  purposeOfUse: 'DIRECT_CARE',
  relationship: 'REGISTERED_GP',
  breakGlass: false,
  objectionApplied: false,
  sectionsWithheld: [],
};
