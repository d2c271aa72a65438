import { MILLIS_PER_DAY, epochDay, type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import type { PatientRecord } from './patient-record';
import { viewSharedRecord, type SharedRecordViewOptions } from './shared-record-view';
import {
  MAX_DISPENSINGS,
  allergyEntryOf,
  carePlanEntryOf,
  dispensingEntryOf,
  immunisationEntryOf,
  observationEntryOf,
  prescriptionEntryOf,
  problemEntryOf,
  referralEntryOf,
} from './view/clinical-view';
import { documentEntryOf } from './view/document-view';
import { encounterEntryOf } from './view/encounter-view';
import { procedureEntryOf } from './view/procedure-view';
import { resultReportEntryOf } from './view/result-view';
import { TEST_NOW, TEST_PROVIDERS, testEvents } from './testing/record-change-factories';

const PROVIDER_NAMES: Record<string, string> = {
  M01358: 'Hazelwood Surgery, Nechells',
  RGH: 'Darlaston and Stourbridge Hospitals NHS Trust',
};

const options: SharedRecordViewOptions = {
  now: TEST_NOW,
  includeRestricted: false,
  providerName: (odsCode) => PROVIDER_NAMES[odsCode],
};

function snapshot(collaborative: string, items: RecordChangeEvent[], sequence = 1): PatientRecord {
  return {
    nhsNumber: testNhsNumber(1),
    collaborative,
    sequence,
    updatedAt: TEST_NOW - 60_000,
    mergedInto: null,
    mergedFrom: [],
    items,
  };
}

const daysAgo = (days: number) => TEST_NOW - days * MILLIS_PER_DAY;
const ohc = TEST_PROVIDERS.ohcAcuteTrust;

describe('viewSharedRecord', () => {
  describe('given a GP item in CCR and an acute item in OHC for one patient', () => {
    const problem = testEvents.ProblemRecorded();
    const encounter = testEvents.EncounterStarted();
    const view = viewSharedRecord(
      [snapshot('OHC', [encounter], 12), snapshot('CCR', [problem], 30)],
      options,
    );

    it('then both appear, each with the provenance of the provider that recorded it', () => {
      expect(view.problems).toHaveLength(1);
      expect(view.problems[0].provenance).toEqual({
        providerOdsCode: 'M01358',
        providerName: 'Hazelwood Surgery, Nechells',
        ics: 'QHL',
        collaborative: 'CCR',
        sourceRecordId: problem.header.sourceRecordId,
        sourceRecordVersion: 1,
        eventId: problem.header.eventId,
        eventType: 'ProblemRecorded',
        occurredAt: new Date(problem.header.occurredAt).toISOString(),
        recordedAt: new Date(problem.header.recordedAt).toISOString(),
      });
      expect(view.encounters).toHaveLength(1);
      expect(view.encounters[0].started?.provenance).toMatchObject({
        providerOdsCode: 'RGH',
        providerName: 'Darlaston and Stourbridge Hospitals NHS Trust',
        ics: 'QUA',
        collaborative: 'OHC',
        eventId: encounter.header.eventId,
      });
    });

    it('then the clinical content is in readable form', () => {
      expect(view.problems[0]).toMatchObject({
        code: { system: 'http://snomed.info/sct', code: '44054006', display: 'Type 2 diabetes mellitus' },
        clinicalStatus: 'ACTIVE',
        onsetDate: '2014-05-02',
      });
      expect(view.encounters[0]).toMatchObject({
        open: true,
        started: { encounterClass: 'EMERGENCY', startedAt: new Date(encounter.startedAt).toISOString() },
        ended: null,
      });
    });

    it('then both snapshots are listed as sources, by collaborative', () => {
      expect(view.sources).toEqual([
        { collaborative: 'CCR', sequence: 30, updatedAt: new Date(TEST_NOW - 60_000).toISOString() },
        { collaborative: 'OHC', sequence: 12, updatedAt: new Date(TEST_NOW - 60_000).toISOString() },
      ]);
    });
  });

  it('given an item carried by the other collaborative, then its provenance names where the provider sits', () => {
    const view = viewSharedRecord([snapshot('CCR', [testEvents.AllergyRecorded({ header: ohc })])], options);

    expect(view.allergies[0].provenance.collaborative).toBe('OHC');
  });

  it('given items that are resolved, stopped, refuted, completed or closed, then they are left out', () => {
    const current = (id: string) => ({ header: { sourceRecordId: id } });
    const view = viewSharedRecord(
      [
        snapshot('CCR', [
          testEvents.ProblemRecorded(current('problem-active')),
          testEvents.ProblemRecorded({ ...current('problem-relapse'), clinicalStatus: 'RELAPSE' }),
          testEvents.ProblemRecorded({ ...current('problem-resolved'), clinicalStatus: 'RESOLVED' }),
          testEvents.ProblemRecorded({ ...current('problem-refuted'), verificationStatus: 'REFUTED' }),
          testEvents.AllergyRecorded(current('allergy-active')),
          testEvents.AllergyRecorded({ ...current('allergy-resolved'), clinicalStatus: 'RESOLVED' }),
          testEvents.AllergyRecorded({ ...current('allergy-inactive'), clinicalStatus: 'INACTIVE' }),
          testEvents.MedicationPrescribed(current('rx-active')),
          testEvents.MedicationPrescribed({ ...current('rx-on-hold'), status: 'ON_HOLD' }),
          testEvents.MedicationPrescribed({ ...current('rx-stopped'), status: 'STOPPED' }),
          testEvents.MedicationPrescribed({ ...current('rx-completed'), status: 'COMPLETED' }),
          testEvents.MedicationDispensed({ ...current('dispensed-declined'), status: 'NOT_DISPENSED' }),
          testEvents.CarePlanRecorded(current('plan-active')),
          testEvents.CarePlanRecorded({ ...current('plan-revoked'), status: 'REVOKED' }),
          testEvents.CarePlanRecorded({ ...current('plan-completed'), status: 'COMPLETED' }),
          testEvents.ReferralMade(current('referral-active')),
          testEvents.ReferralMade({ ...current('referral-completed'), status: 'COMPLETED' }),
          testEvents.SocialCareInvolvementRecorded(current('care-open')),
          testEvents.SocialCareInvolvementRecorded({
            ...current('care-ends-today'),
            period: { start: epochDay(2024, 1, 1)!, end: epochDay(2025, 3, 1)! },
          }),
          testEvents.SocialCareInvolvementRecorded({
            ...current('care-closed'),
            period: { start: epochDay(2024, 1, 1)!, end: epochDay(2025, 2, 28)! },
          }),
        ]),
      ],
      options,
    );
    const ids = (entries: { provenance: { sourceRecordId: string } }[]) =>
      entries.map((entry) => entry.provenance.sourceRecordId).sort();

    expect(ids(view.problems)).toEqual(['problem-active', 'problem-relapse']);
    expect(ids(view.allergies)).toEqual(['allergy-active']);
    expect(ids(view.medications.prescribed)).toEqual(['rx-active', 'rx-on-hold']);
    expect(ids(view.medications.dispensed)).toEqual(['dispensed-declined']);
    expect(ids(view.carePlans)).toEqual(['plan-active']);
    expect(ids(view.referrals)).toEqual(['referral-active']);
    expect(ids(view.socialCare.involvements)).toEqual(['care-ends-today', 'care-open']);
  });

  it('given encounters of every age, then recent ones and open ones are shown, newest first', () => {
    const encounter = (id: string, startedDaysAgo: number, endedDaysAgo: number | null) => {
      const header = { ...ohc, sourceRecordId: id };
      const started = testEvents.EncounterStarted({ startedAt: daysAgo(startedDaysAgo), header });
      if (endedDaysAgo === null) return [started];
      return [started, testEvents.EncounterEnded({ endedAt: daysAgo(endedDaysAgo), header })];
    };
    const endOnly = testEvents.EncounterEnded({
      endedAt: daysAgo(2),
      header: { ...ohc, sourceRecordId: 'end-only' },
    });
    const view = viewSharedRecord(
      [
        snapshot('OHC', [
          ...encounter('ended-recently', 10, 9),
          ...encounter('ended-long-ago', 400, 399),
          ...encounter('open-long-ago', 500, null),
          ...encounter('open-now', 1, null),
          endOnly,
        ]),
      ],
      { ...options, recentEncounterDays: 365 },
    );

    expect(
      view.encounters.map((entry) => [
        (entry.started ?? entry.ended)!.provenance.sourceRecordId,
        entry.open,
        entry.started === null,
      ]),
    ).toEqual([
      ['open-now', true, false],
      ['end-only', false, true],
      ['ended-recently', false, false],
      ['open-long-ago', true, false],
    ]);
    expect(view.encounters[2].ended).toMatchObject({
      outcome: 'DISCHARGED',
      endedAt: new Date(daysAgo(9)).toISOString(),
    });
  });

  describe('given restricted social care involvements', () => {
    const involvements = [
      testEvents.SocialCareInvolvementRecorded({ header: { sourceRecordId: 'home-care' } }),
      testEvents.SocialCareInvolvementRecorded({
        involvementType: 'SAFEGUARDING',
        recordKind: 'SAFEGUARDING',
        header: { sourceRecordId: 'safeguarding-unflagged' },
      }),
      testEvents.SocialCareInvolvementRecorded({ restricted: true, header: { sourceRecordId: 'flagged' } }),
    ];

    it('when the reader may not see restricted items, then they are withheld and counted', () => {
      const { socialCare } = viewSharedRecord([snapshot('CCR', involvements)], options);

      expect(socialCare.involvements.map((entry) => entry.provenance.sourceRecordId)).toEqual(['home-care']);
      expect(socialCare.restrictedWithheld).toBe(2);
    });

    it('when the reader may, then they are shown, marked restricted', () => {
      const { socialCare } = viewSharedRecord([snapshot('CCR', involvements)], {
        ...options,
        includeRestricted: true,
      });

      expect(
        socialCare.involvements.map((entry) => [entry.provenance.sourceRecordId, entry.restricted]).sort(),
      ).toEqual([
        ['flagged', true],
        ['home-care', false],
        ['safeguarding-unflagged', true],
      ]);
      expect(socialCare.restrictedWithheld).toBe(0);
      expect(socialCare.involvements.find((entry) => !entry.restricted)).toMatchObject({
        allocatedTeam: 'Hall Green Adults Team',
        allocatedWorker: 'Sam Patel, Social Worker',
        teamContact: { system: 'PHONE', value: '0121 496 0123' },
        service: 'Home care, 14 hours a week',
        recordKind: 'SERVICE',
        period: { start: '2024-06-03', end: null },
      });
    });
  });

  describe('given several death notices', () => {
    const informalLater = testEvents.PatientDied({
      notificationStatus: 'INFORMAL',
      dateOfDeath: epochDay(2025, 2, 26)!,
      header: { ...ohc, sourceRecordId: 'death-acute', occurredAt: daysAgo(1) },
    });
    const formalEarlier = testEvents.PatientDied({
      notificationStatus: 'FORMAL',
      header: { sourceRecordId: 'death-registered', occurredAt: daysAgo(2) },
    });
    const withdrawnLatest = testEvents.PatientDied({
      notificationStatus: 'REMOVED',
      header: { providerOdsCode: 'M01483', sourceRecordId: 'death-withdrawn', occurredAt: daysAgo(0.5) },
    });

    it('when one is formal, then it is shown over a later informal one', () => {
      const { death } = viewSharedRecord(
        [snapshot('OHC', [informalLater]), snapshot('CCR', [formalEarlier, withdrawnLatest])],
        options,
      );

      expect(death).toMatchObject({
        notificationStatus: 'FORMAL',
        dateOfDeath: '2025-02-27',
        timeOfDeath: '2025-02-27T03:40:00.000Z',
        provenance: { eventId: formalEarlier.header.eventId },
      });
    });

    it('when none is formal, then the latest that was not withdrawn is shown', () => {
      const olderInformal = testEvents.PatientDied({
        header: { sourceRecordId: 'death-gp', occurredAt: daysAgo(3) },
      });
      const { death } = viewSharedRecord(
        [snapshot('CCR', [olderInformal, withdrawnLatest]), snapshot('OHC', [informalLater])],
        options,
      );

      expect(death?.provenance.eventId).toBe(informalLater.header.eventId);
    });

    it('when the only notice was withdrawn, then no death is shown', () => {
      expect(viewSharedRecord([snapshot('CCR', [withdrawnLatest])], options).death).toBeNull();
    });
  });

  it('given details from several providers, then the latest are shown and the GP comes from the latest naming one', () => {
    const gpDetails = testEvents.PatientRegistered({ header: { occurredAt: daysAgo(30) } });
    const acuteDetails = testEvents.PatientDetailsChanged({
      registeredGpPracticeOdsCode: null,
      name: { prefix: null, given: ['Ava'], family: 'Testpatient-Jones' },
      header: { ...ohc, sourceRecordId: 'rgh-patient-1', occurredAt: daysAgo(2) },
    });

    const view = viewSharedRecord([snapshot('CCR', [gpDetails]), snapshot('OHC', [acuteDetails])], options);

    expect(view.demographics).toMatchObject({
      name: { prefix: null, given: ['Ava'], family: 'Testpatient-Jones' },
      birthDate: '1952-07-14',
      gender: 'FEMALE',
      address: { postcode: 'DY1 1AA' },
      otherSources: 1,
      provenance: { providerOdsCode: 'RGH', eventType: 'PatientDetailsChanged' },
    });
    expect(view.registeredGp).toEqual({
      practiceOdsCode: 'M01358',
      practiceName: 'Hazelwood Surgery, Nechells',
      provenance: expect.objectContaining({ eventId: gpDetails.header.eventId }),
    });
  });

  it('given end of life preferences from two providers, then the latest is shown', () => {
    const older = testEvents.EndOfLifePreferencesRecorded({ header: { occurredAt: daysAgo(40) } });
    const newer = testEvents.EndOfLifePreferencesRecorded({
      dnacprDecision: 'ATTEMPT_CPR',
      dnacprDecisionDate: null,
      header: { providerOdsCode: '80KV0', occurredAt: daysAgo(4) },
    });

    const { endOfLife } = viewSharedRecord([snapshot('CCR', [newer, older])], options);

    expect(endOfLife).toMatchObject({
      dnacprDecision: 'ATTEMPT_CPR',
      dnacprDecisionDate: null,
      reviewDate: '2025-07-20',
      provenance: { providerOdsCode: '80KV0', providerName: null },
    });
  });

  it('given one provider record in both snapshots, then it is shown once, at its highest version', () => {
    const v1 = testEvents.AllergyRecorded();
    const v2 = testEvents.AllergyRecorded({ criticality: 'LOW', header: { sourceRecordVersion: 2 } });

    const view = viewSharedRecord([snapshot('CCR', [v1, v2]), snapshot('OHC', [v1])], options);

    expect(view.allergies.map((entry) => [entry.criticality, entry.provenance.sourceRecordVersion])).toEqual([
      ['LOW', 2],
    ]);
  });

  it('given more than 50 observations, then the 50 newest are shown, newest first', () => {
    const observations = Array.from({ length: 60 }, (_, i) =>
      testEvents.ObservationRecorded({ effectiveAt: daysAgo(i), header: { sourceRecordId: `obs-${i}` } }),
    );

    const view = viewSharedRecord([snapshot('CCR', observations.reverse())], options);

    expect(view.observations.map((entry) => entry.provenance.sourceRecordId)).toEqual(
      Array.from({ length: 50 }, (_, i) => `obs-${i}`),
    );
  });

  it('given more than 50 dispensings, then the 50 most recently dispensed are shown, newest first', () => {
    const dispensings = Array.from({ length: 70 }, (_, i) =>
      testEvents.MedicationDispensed({ header: { sourceRecordId: `disp-${i}`, occurredAt: daysAgo(i) } }),
    );

    const view = viewSharedRecord([snapshot('CCR', dispensings.reverse())], options);

    expect(MAX_DISPENSINGS).toBe(50);
    expect(view.medications.dispensed.map((entry) => entry.provenance.sourceRecordId)).toEqual(
      Array.from({ length: 50 }, (_, i) => `disp-${i}`),
    );
  });

  it('given one item of each list, then the view lists it as its entry mapper renders it alone', () => {
    const header = (id: string) => ({ header: { ...ohc, sourceRecordId: id } });
    const started = testEvents.EncounterStarted(header('enc'));
    const ended = testEvents.EncounterEnded(header('enc'));
    const endOnly = testEvents.EncounterEnded({ ...header('end-only'), endedAt: daysAgo(1) });
    const events = {
      problem: testEvents.ProblemRecorded(),
      allergy: testEvents.AllergyRecorded(),
      prescription: testEvents.MedicationPrescribed(),
      dispensing: testEvents.MedicationDispensed(),
      observation: testEvents.ObservationRecorded(),
      immunisation: testEvents.ImmunisationRecorded(),
      carePlan: testEvents.CarePlanRecorded(),
      referral: testEvents.ReferralMade(),
      document: testEvents.DocumentRecorded(),
      result: testEvents.DiagnosticReportIssued(header('report')),
      procedure: testEvents.ProcedureRecorded(header('procedure')),
    };
    const names = options.providerName;

    const view = viewSharedRecord(
      [snapshot('CCR', Object.values(events)), snapshot('OHC', [started, ended, endOnly])],
      options,
    );

    expect(view.problems).toEqual([problemEntryOf(events.problem, names)]);
    expect(view.allergies).toEqual([allergyEntryOf(events.allergy, names)]);
    expect(view.medications).toEqual({
      prescribed: [prescriptionEntryOf(events.prescription, names)],
      dispensed: [dispensingEntryOf(events.dispensing, names)],
    });
    expect(view.observations).toEqual([observationEntryOf(events.observation, names)]);
    expect(view.immunisations).toEqual([immunisationEntryOf(events.immunisation, names)]);
    expect(view.carePlans).toEqual([carePlanEntryOf(events.carePlan, names)]);
    expect(view.referrals).toEqual([referralEntryOf(events.referral, names)]);
    expect(view.documents).toEqual([documentEntryOf(events.document, names)]);
    expect(view.results).toEqual([resultReportEntryOf(events.result, names)]);
    expect(view.procedures).toEqual([procedureEntryOf(events.procedure, names)]);
    expect(view.encounters).toEqual([
      encounterEntryOf(null, endOnly, names),
      encounterEntryOf(started, ended, names),
    ]);
    expect(view.encounters[0]).toMatchObject({ open: false, started: null });
  });

  describe('given diagnostic reports and procedures', () => {
    const header = (id: string, version: number) => ({
      ...ohc,
      sourceRecordId: id,
      sourceRecordVersion: version,
    });
    const hba1c = testEvents.DiagnosticReportIssued({
      header: header('DiagnosticReport/old', 1),
      effectiveAt: daysAgo(200),
    });
    const fbc = testEvents.DiagnosticReportIssued({
      header: header('DiagnosticReport/fbc', 1),
      code: { system: 'http://snomed.info/sct', code: '26604007', display: 'Full blood count' },
      effectiveAt: daysAgo(3),
    });
    const corrected = testEvents.DiagnosticReportIssued({
      ...fbc,
      header: header('DiagnosticReport/fbc', 2),
      status: 'CORRECTED',
      results: [
        {
          ...fbc.results[0],
          status: 'CORRECTED',
          valueQuantity: { value: 61, unit: 'mmol/mol', ucumCode: null },
        },
      ],
    });
    const operation = testEvents.ProcedureRecorded({ header: header('Procedure/op', 1) });
    const notDone = testEvents.ProcedureRecorded({
      header: header('Procedure/not-done', 1),
      status: 'NOT_DONE',
      performedAt: null,
    });

    it('then reports are shown newest first, each at its latest version with its results', () => {
      const view = viewSharedRecord([snapshot('OHC', [hba1c, fbc, corrected])], options);

      expect(view.results.map((r) => [r.code.code, r.status, r.provenance.sourceRecordVersion])).toEqual([
        ['26604007', 'CORRECTED', 2],
        ['1022441000000105', 'FINAL', 1],
      ]);
      expect(view.results[0].results).toEqual([
        {
          code: {
            system: 'http://snomed.info/sct',
            code: '1049301000000100',
            display: 'HbA1c level (IFCC standardised)',
          },
          status: 'CORRECTED',
          valueQuantity: { value: 61, unit: 'mmol/mol', ucumCode: null },
          valueCoded: null,
          valueString: null,
          referenceRange: '20-41',
          interpretation: 'HIGH',
        },
      ]);
    });

    it('then a cancelled report is listed without its results', () => {
      const cancelled = testEvents.DiagnosticReportIssued({
        ...fbc,
        header: header('DiagnosticReport/fbc', 3),
        status: 'CANCELLED',
      });

      const [shown] = viewSharedRecord([snapshot('OHC', [fbc, cancelled])], options).results;

      expect(shown).toMatchObject({ status: 'CANCELLED', results: [] });
    });

    it('then procedures are listed by when they were done, those never done last', () => {
      const view = viewSharedRecord([snapshot('OHC', [notDone, operation])], options);

      expect(view.procedures.map((p) => [p.status, p.performedAt])).toEqual([
        ['COMPLETED', new Date(operation.performedAt!).toISOString()],
        ['NOT_DONE', null],
      ]);
    });
  });

  it('given the same snapshots with their items in any order, then the view is the same', () => {
    const ccr = [
      testEvents.PatientRegistered(),
      testEvents.AllergyRecorded({ header: { sourceRecordId: 'a1' } }),
      testEvents.AllergyRecorded({ header: { sourceRecordId: 'a2' } }),
      testEvents.ProblemRecorded({ header: { sourceRecordId: 'p1' } }),
      testEvents.ProblemRecorded({ header: { sourceRecordId: 'p2' } }),
      testEvents.MedicationDispensed({ header: { sourceRecordId: 'd1' } }),
      testEvents.MedicationDispensed({ header: { sourceRecordId: 'd2' } }),
      testEvents.ImmunisationRecorded(),
    ];
    const ohcItems = [
      testEvents.EncounterStarted(),
      testEvents.EncounterEnded(),
      testEvents.PatientDetailsChanged({ header: { ...ohc, sourceRecordId: 'rgh-1' } }),
    ];
    const forwards = viewSharedRecord([snapshot('CCR', ccr), snapshot('OHC', ohcItems)], options);

    const backwards = viewSharedRecord(
      [snapshot('OHC', [...ohcItems].reverse()), snapshot('CCR', [...ccr].reverse())],
      options,
    );

    expect(backwards).toEqual(forwards);
    expect(JSON.stringify(backwards)).toBe(JSON.stringify(forwards));
  });

  it('given snapshots with merged numbers, then the view lists every merged number once, sorted', () => {
    const view = viewSharedRecord(
      [
        { ...snapshot('CCR', []), mergedFrom: [testNhsNumber(5), testNhsNumber(3)] },
        { ...snapshot('OHC', []), mergedFrom: [testNhsNumber(3)] },
      ],
      options,
    );

    expect(view.mergedFrom).toEqual([testNhsNumber(3), testNhsNumber(5)]);
  });

  it('given no snapshot, then every section is empty', () => {
    const view = viewSharedRecord([], options);

    expect(view).toMatchObject({
      demographics: null,
      death: null,
      problems: [],
      sources: [],
      mergedFrom: [],
    });
  });

  it('given snapshots of two patients, then it refuses rather than mix their records', () => {
    const other = { ...snapshot('OHC', []), nhsNumber: testNhsNumber(2) };

    expect(() => viewSharedRecord([snapshot('CCR', []), other], options)).toThrow('got 2 NHS numbers');
  });
});
