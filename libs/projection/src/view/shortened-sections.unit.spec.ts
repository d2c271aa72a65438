import { MILLIS_PER_DAY, type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import type { PatientRecord } from '../patient-record';
import { viewSharedRecord } from '../shared-record-view';
import { TEST_NOW, TEST_PROVIDERS, testEvents } from '../testing/record-change-factories';
import { shortenedSections, VIEW_LIST_SECTIONS } from './shortened-sections';

const daysAgo = (days: number) => TEST_NOW - days * MILLIS_PER_DAY;
const ohc = TEST_PROVIDERS.ohcAcuteTrust;

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

function shortenedOf(records: PatientRecord[], recentEncounterDays?: number) {
  const view = viewSharedRecord(records, { now: TEST_NOW, includeRestricted: false, recentEncounterDays });
  return shortenedSections(records, view, recentEncounterDays);
}

const many = <E extends RecordChangeEvent>(count: number, make: (i: number) => E): E[] =>
  Array.from({ length: count }, (_, i) => make(i));

describe('shortenedSections', () => {
  it('given 60 observations, then observations are 50 shown of 60, the most recent', () => {
    const observations = many(60, (i) =>
      testEvents.ObservationRecorded({ effectiveAt: daysAgo(i), header: { sourceRecordId: `obs-${i}` } }),
    );

    expect(shortenedOf([snapshot('CCR', observations)])).toEqual({
      observations: { shown: 50, total: 60, rule: 'the 50 most recent' },
    });
  });

  it('given one observation held by both collaboratives, then it is counted once', () => {
    const observations = many(51, (i) =>
      testEvents.ObservationRecorded({ header: { sourceRecordId: `obs-${i}` } }),
    );

    expect(shortenedOf([snapshot('CCR', observations), snapshot('OHC', [observations[0]])])).toEqual({
      observations: { shown: 50, total: 51, rule: 'the 50 most recent' },
    });
  });

  it('given resolved and refuted problems beside a current one, then problems are 1 shown of 3, current only', () => {
    const problems = [
      testEvents.ProblemRecorded({ header: { sourceRecordId: 'current' } }),
      testEvents.ProblemRecorded({ clinicalStatus: 'RESOLVED', header: { sourceRecordId: 'resolved' } }),
      testEvents.ProblemRecorded({ verificationStatus: 'REFUTED', header: { sourceRecordId: 'refuted' } }),
    ];

    const { problems: section } = shortenedOf([snapshot('CCR', problems)]);

    expect(section).toMatchObject({ shown: 1, total: 3 });
    expect(section?.rule).toMatch(/^current problems only/);
  });

  it('given encounters ended long ago, then encounters count each encounter once, its two parts together', () => {
    const encounter = (id: string, startedDaysAgo: number, endedDaysAgo: number) => {
      const header = { ...ohc, sourceRecordId: id };
      return [
        testEvents.EncounterStarted({ startedAt: daysAgo(startedDaysAgo), header }),
        testEvents.EncounterEnded({ endedAt: daysAgo(endedDaysAgo), header }),
      ];
    };
    const records = [
      snapshot('OHC', [
        ...encounter('recent', 10, 9),
        ...encounter('old', 400, 399),
        ...encounter('older', 800, 790),
        testEvents.EncounterStarted({ startedAt: daysAgo(900), header: { ...ohc, sourceRecordId: 'open' } }),
      ]),
    ];

    expect(shortenedOf(records)).toEqual({
      encounters: { shown: 2, total: 4, rule: 'open encounters and those of the last 365 days' },
    });
    expect(shortenedOf(records, 1000)).toEqual({});
    expect(shortenedOf(records, 30).encounters?.rule).toBe('open encounters and those of the last 30 days');
  });

  it('given a repeat prescription dispensed 70 times, then dispensings are 50 shown of 70', () => {
    const dispensings = many(70, (i) =>
      testEvents.MedicationDispensed({ header: { sourceRecordId: `disp-${i}`, occurredAt: daysAgo(i) } }),
    );

    expect(shortenedOf([snapshot('CCR', dispensings)])).toEqual({
      dispensings: { shown: 50, total: 70, rule: 'the 50 most recent' },
    });
  });

  it('given 55 reports, a stopped prescription and a closed referral, then each says what it keeps', () => {
    const records = [
      snapshot('CCR', [
        ...many(55, (i) =>
          testEvents.DiagnosticReportIssued({
            effectiveAt: daysAgo(i),
            header: { sourceRecordId: `r-${i}` },
          }),
        ),
        testEvents.MedicationPrescribed({ header: { sourceRecordId: 'rx-active' } }),
        testEvents.MedicationPrescribed({ status: 'STOPPED', header: { sourceRecordId: 'rx-stopped' } }),
        testEvents.ReferralMade({ status: 'COMPLETED' }),
      ]),
    ];

    expect(shortenedOf(records)).toEqual({
      prescriptions: { shown: 1, total: 2, rule: 'prescriptions in force only: active or on hold' },
      referrals: { shown: 0, total: 1, rule: 'open referrals only: active or on hold' },
      results: { shown: 50, total: 55, rule: 'the 50 most recent reports' },
    });
  });

  it('given a record the view shows whole, then nothing is shortened', () => {
    const records = [
      snapshot('CCR', [
        testEvents.PatientRegistered(),
        testEvents.ProblemRecorded(),
        testEvents.AllergyRecorded(),
        testEvents.MedicationPrescribed(),
        testEvents.MedicationDispensed(),
        testEvents.ImmunisationRecorded(),
        testEvents.DocumentRecorded(),
        testEvents.ProcedureRecorded(),
        ...many(50, (i) => testEvents.ObservationRecorded({ header: { sourceRecordId: `obs-${i}` } })),
      ]),
      snapshot('OHC', [testEvents.EncounterStarted(), testEvents.EncounterEnded()]),
    ];

    expect(shortenedOf(records)).toEqual({});
    expect(shortenedOf([])).toEqual({});
  });

  it('lists every section once', () => {
    expect(new Set(VIEW_LIST_SECTIONS).size).toBe(VIEW_LIST_SECTIONS.length);
  });
});
