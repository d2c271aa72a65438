import { epochDay, type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import type { PatientRecord } from '../patient-record';
import { viewSharedRecord } from '../shared-record-view';
import { TEST_NOW, TEST_PROVIDERS, testEvents } from '../testing/record-change-factories';
import { activeSharingObjection } from './sharing-objection-view';

function snapshot(collaborative: string, items: RecordChangeEvent[]): PatientRecord {
  return {
    nhsNumber: testNhsNumber(1),
    collaborative,
    sequence: 1,
    updatedAt: TEST_NOW,
    mergedInto: null,
    mergedFrom: [],
    items,
  };
}

const day = (year: number, month: number, date: number) => epochDay(year, month, date) as number;
/** An ICB's IG team, as `npm run objections` records: the ICS's own code, one record per patient. */
const icb = {
  providerOdsCode: 'QUA',
  ics: 'QUA',
  collaborative: 'OHC',
  sourceRecordId: 'ig-objection-9990000018',
};

const gpObjection = testEvents.SharingObjectionRecorded({ header: { sourceRecordId: 'Consent/1' } });
const gpWithdrawal = testEvents.SharingObjectionRecorded({
  status: 'WITHDRAWN',
  statedOn: day(2025, 2, 25),
  header: {
    sourceRecordId: 'Consent/1',
    sourceRecordVersion: 2,
    operation: 'UPDATE',
    occurredAt: TEST_NOW - 1,
  },
});

describe('activeSharingObjection', () => {
  it('given no objection in either snapshot, is null', () => {
    expect(
      activeSharingObjection([snapshot('CCR', [testEvents.ProblemRecorded()]), snapshot('OHC', [])]),
    ).toBeNull();
  });

  it("given a GP practice's active objection in CCR, says who recorded it and when the patient stated it", () => {
    expect(
      activeSharingObjection([
        snapshot('OHC', [testEvents.EncounterStarted()]),
        snapshot('CCR', [gpObjection]),
      ]),
    ).toEqual({
      provider: TEST_PROVIDERS.ccrGpPractice.providerOdsCode,
      statedOn: '2025-02-20',
      sourceRecordId: 'Consent/1',
      eventId: gpObjection.header.eventId,
      recordedAt: new Date(gpObjection.header.recordedAt).toISOString(),
    });
  });

  it('given the withdrawal, a later version of the same record, in the other snapshot, is null: the latest version wins', () => {
    expect(
      activeSharingObjection([snapshot('CCR', [gpObjection]), snapshot('OHC', [gpWithdrawal])]),
    ).toBeNull();
  });

  it("given an IG team's objection in OHC stated after the GP's withdrawal in CCR, sees the IG team's", () => {
    const igObjection = testEvents.SharingObjectionRecorded({
      recordedBy: 'IG-2025-0042',
      code: null,
      statedOn: day(2025, 2, 27),
      header: icb,
    });

    expect(
      activeSharingObjection([snapshot('CCR', [gpWithdrawal]), snapshot('OHC', [igObjection])]),
    ).toMatchObject({
      provider: 'QUA',
      statedOn: '2025-02-27',
    });
  });

  it('given an objection whose status this build does not know, honours it as active', () => {
    const unknown = testEvents.SharingObjectionRecorded({ status: 'UNKNOWN' });

    expect(activeSharingObjection([snapshot('CCR', [unknown])])).not.toBeNull();
  });
});

describe('the shared record view: sharingObjection', () => {
  it('given none, is null', () => {
    expect(
      viewSharedRecord([snapshot('CCR', [])], { now: TEST_NOW, includeRestricted: false }).sharingObjection,
    ).toBeNull();
  });

  it('given an objection and a later withdrawal of another record, shows the current one, latest stated wins', () => {
    const igObjection = testEvents.SharingObjectionRecorded({
      recordedBy: 'IG-2025-0042',
      code: null,
      statedOn: day(2025, 2, 10),
      header: icb,
    });
    const view = viewSharedRecord([snapshot('CCR', [gpWithdrawal]), snapshot('OHC', [igObjection])], {
      now: TEST_NOW,
      includeRestricted: false,
    });

    expect(view.sharingObjection).toMatchObject({
      status: 'WITHDRAWN',
      provider: TEST_PROVIDERS.ccrGpPractice.providerOdsCode,
      statedOn: '2025-02-25',
      recordedBy: null,
      recordedAt: new Date(gpWithdrawal.header.recordedAt).toISOString(),
      provenance: { sourceRecordId: 'Consent/1', sourceRecordVersion: 2 },
    });
  });
});
