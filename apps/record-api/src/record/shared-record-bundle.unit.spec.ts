import { MILLIS_PER_DAY } from '@crosscare/events';
import { CROSSCARE_EXTENSIONS, NHS_NUMBER_SYSTEM } from '@crosscare/fhir';
import { shortenedSections, viewSharedRecord } from '@crosscare/projection';
import { testEvents } from '@crosscare/projection/testing';
import type {
  Bundle,
  Condition,
  Encounter,
  OperationOutcome,
  Patient,
  Provenance,
  Resource,
} from '@medplum/fhirtypes';
import {
  ccrSnapshot,
  CLINICIAN_AT_GP,
  EVENTS,
  ohcSnapshot,
  PATIENT,
  recordSet,
  RETIRED,
  snapshot,
  TEST_NOW,
  TEST_PROVIDERS,
} from '../testing/record-set-fixtures';
import type { PatientRecordSet } from '@crosscare/read-model';
import { sharedRecordBundle } from './shared-record-bundle';
import type { RecordAccessSummary } from './shared-record-document';

const BUNDLE_ID = '6a0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';
const CLINICIAN = CLINICIAN_AT_GP;

function render(set: PatientRecordSet, includeRestricted: boolean, access = CLINICIAN, linkBase?: string) {
  const view = viewSharedRecord(set.records, { now: TEST_NOW, includeRestricted });
  return sharedRecordBundle(set, view, {
    bundleId: BUNDLE_ID,
    now: TEST_NOW,
    includeRestricted,
    providerName: () => undefined,
    access,
    shortened: shortenedSections(set.records, view),
    linkBase,
  });
}

const resources = (bundle: Bundle): Resource[] => (bundle.entry ?? []).map((e) => e.resource as Resource);
const ofType = <T extends Resource>(bundle: Bundle, type: T['resourceType']) =>
  resources(bundle).filter((r): r is T => r.resourceType === type);
const provenanceEventIds = (bundle: Bundle) =>
  ofType<Provenance>(bundle, 'Provenance').map(
    (p) => p.extension?.[0].extension?.find((e) => e.url === 'eventId')?.valueString,
  );

describe('the FHIR answer', () => {
  it('given both collaboratives, then the Bundle carries the patient, both items and a Provenance for each', () => {
    const { bundle, itemCount } = render(recordSet([ccrSnapshot(), ohcSnapshot()]), true);

    expect(bundle).toMatchObject({ resourceType: 'Bundle', id: BUNDLE_ID, type: 'collection' });
    const patient = ofType<Patient>(bundle, 'Patient');
    expect(patient).toHaveLength(1);
    expect(patient[0].identifier?.[0]).toEqual({ system: NHS_NUMBER_SYSTEM, value: PATIENT });
    expect(ofType(bundle, 'Condition')).toHaveLength(1);
    expect(ofType(bundle, 'Encounter')).toHaveLength(1);
    expect(provenanceEventIds(bundle)).toEqual(
      expect.arrayContaining([EVENTS.details, EVENTS.problem, EVENTS.encounter].map((e) => e.header.eventId)),
    );
    expect(itemCount).toBe(ofType(bundle, 'Provenance').length);
  });

  it('given a reader who may not see restricted items, then they are left out and an OperationOutcome counts them', () => {
    const { bundle, restrictedWithheld, itemCount } = render(
      recordSet([ccrSnapshot(), ohcSnapshot()]),
      false,
    );

    expect(restrictedWithheld).toBe(1);
    expect(provenanceEventIds(bundle)).not.toContain(EVENTS.safeguarding.header.eventId);
    expect(provenanceEventIds(bundle)).toContain(EVENTS.homeCare.header.eventId);
    expect(JSON.stringify(bundle)).not.toContain('Birmingham Children Safeguarding');
    const [notice] = ofType<OperationOutcome>(bundle, 'OperationOutcome');
    expect(notice.issue[0]).toMatchObject({ severity: 'information', code: 'suppressed' });
    expect(notice.issue[0].diagnostics).toMatch(/^1 restricted social care item was withheld/);
    expect(itemCount).toBe(4);
  });

  it('given a reader who may see restricted items, then they are shown and nothing is said withheld', () => {
    const { bundle, restrictedWithheld } = render(recordSet([ccrSnapshot(), ohcSnapshot()]), true);
    expect(restrictedWithheld).toBe(0);
    expect(provenanceEventIds(bundle)).toContain(EVENTS.safeguarding.header.eventId);
    expect(ofType(bundle, 'OperationOutcome')).toEqual([]);
  });

  it('given a retired number asked for, then the survivor replaces it and a Patient for it points on', () => {
    const { bundle } = render(recordSet([ccrSnapshot()], RETIRED), true);

    const [survivor, retired] = ofType<Patient>(bundle, 'Patient');
    const survivorUrl = bundle.entry?.find((e) => e.resource === survivor)?.fullUrl;
    expect(survivor.identifier?.[0].value).toBe(PATIENT);
    expect(survivor.link).toEqual([
      { other: { identifier: { system: NHS_NUMBER_SYSTEM, value: RETIRED } }, type: 'replaces' },
    ]);
    expect(retired).toMatchObject({
      active: false,
      identifier: [{ system: NHS_NUMBER_SYSTEM, value: RETIRED }],
      link: [{ other: { reference: survivorUrl }, type: 'replaced-by' }],
    });
  });

  it('renders the same record into the same Bundle', () => {
    const set = recordSet([ccrSnapshot(), ohcSnapshot()], RETIRED);
    expect(render(set, false)).toEqual(render(set, false));
  });
});

describe('what the access rules left out', () => {
  const notices = (access: RecordAccessSummary) => {
    const set = recordSet([ccrSnapshot(), ohcSnapshot()]);
    const view = viewSharedRecord(set.records, { now: TEST_NOW, includeRestricted: false });
    const { bundle } = sharedRecordBundle(set, view, {
      bundleId: BUNDLE_ID,
      now: TEST_NOW,
      includeRestricted: false,
      providerName: () => undefined,
      access,
      shortened: shortenedSections(set.records, view),
    });
    return ofType<OperationOutcome>(bundle, 'OperationOutcome')
      .filter((o) => !JSON.stringify(o).includes('restricted social care'))
      .flatMap((o) => o.issue.map((i) => [i.code, i.diagnostics]));
  };

  it('given a reader who sees everything under a relationship, then there is nothing to say', () => {
    expect(notices(CLINICIAN)).toEqual([]);
  });

  it('given withheld sections, an objection and a broken glass, then an OperationOutcome says each', () => {
    const said = notices({
      ...CLINICIAN,
      breakGlass: true,
      objectionApplied: true,
      sectionsWithheld: ['problems'],
    });
    expect(said.map(([code]) => code)).toEqual(['informational', 'suppressed', 'suppressed']);
    expect(said.map(([, text]) => text).join(' ')).toMatch(
      /Emergency access[\s\S]*objects to sharing[\s\S]*problems/,
    );
  });
});

describe('what the view lists only part of', () => {
  const header = (sourceRecordId: string, overrides: object = {}) => ({
    header: { nhsNumber: PATIENT, sourceRecordId, ...overrides },
  });
  const daysAgo = (days: number) => TEST_NOW - days * MILLIS_PER_DAY;
  const observations = Array.from({ length: 60 }, (_, i) =>
    testEvents.ObservationRecorded({ effectiveAt: TEST_NOW - i * 60_000, ...header(`obs-${i}`) }),
  );
  const patient = encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${PATIENT}`);
  const shortenedIssues = (bundle: Bundle) =>
    ofType<OperationOutcome>(bundle, 'OperationOutcome').flatMap((o) =>
      o.issue.filter((i) => i.code === 'incomplete'),
    );
  const counts = (issue: OperationOutcome['issue'][number]) =>
    Object.fromEntries(
      (issue.extension?.[0].extension ?? []).map((e) => [e.url, e.valueInteger ?? e.valueUri]),
    );

  it('given 60 observations, then the 50 the view shows are rendered and an OperationOutcome says where the rest is', () => {
    const set = recordSet([ccrSnapshot(), snapshot('OHC', 7, observations)]);

    const { bundle, itemCount } = render(set, true, CLINICIAN, 'https://record.crosscare.test');

    expect(ofType(bundle, 'Observation')).toHaveLength(50);
    expect(provenanceEventIds(bundle)).toEqual(
      expect.arrayContaining(observations.slice(0, 50).map((o) => o.header.eventId)),
    );
    expect(provenanceEventIds(bundle)).not.toContain(observations[50].header.eventId);
    expect(itemCount).toBe(ofType(bundle, 'Provenance').length);
    const search = `https://record.crosscare.test/fhir/Observation?patient.identifier=${patient}&_sort=-date`;
    const issues = shortenedIssues(bundle);
    expect(issues).toEqual([
      {
        extension: [
          {
            url: CROSSCARE_EXTENSIONS.shortenedSection,
            extension: [
              { url: 'shown', valueInteger: 50 },
              { url: 'total', valueInteger: 60 },
              { url: 'search', valueUri: search },
            ],
          },
        ],
        severity: 'information',
        code: 'incomplete',
        diagnostics: `50 of 60 observations shown (the 50 most recent). The rest: GET ${search}`,
        details: { text: `50 of 60 observations shown (the 50 most recent). The rest: GET ${search}` },
        expression: ['Observation'],
      },
    ]);
    expect(CROSSCARE_EXTENSIONS.shortenedSection).toBe(
      'https://fhir.crosscare.nhs.uk/StructureDefinition/Extension-ShortenedSection',
    );
  });

  it('given the restricted items withheld and a broken glass too, then each notice is still there, in its own OperationOutcome', () => {
    const set = recordSet([ccrSnapshot(), snapshot('OHC', 7, observations)]);

    const { bundle, restrictedWithheld } = render(set, false, { ...CLINICIAN, breakGlass: true });

    expect(restrictedWithheld).toBe(1);
    const outcomes = ofType<OperationOutcome>(bundle, 'OperationOutcome');
    expect(outcomes.map((o) => o.issue.map((i) => i.code))).toEqual([
      ['suppressed'],
      ['incomplete'],
      ['informational'],
    ]);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(3);
  });

  it('given results, dispensings and old encounters beyond the view, then one issue each, in one OperationOutcome', () => {
    const ohc = TEST_PROVIDERS.ohcAcuteTrust;
    const oldStart = testEvents.EncounterStarted({ startedAt: daysAgo(400), ...header('old', ohc) });
    const oldEnd = testEvents.EncounterEnded({ endedAt: daysAgo(399), ...header('old', ohc) });
    const recentStart = testEvents.EncounterStarted({ startedAt: daysAgo(10), ...header('recent', ohc) });
    const recentEnd = testEvents.EncounterEnded({ endedAt: daysAgo(9), ...header('recent', ohc) });
    const set = recordSet([
      snapshot('CCR', 4, [
        EVENTS.details,
        ...Array.from({ length: 55 }, (_, i) =>
          testEvents.DiagnosticReportIssued({ effectiveAt: daysAgo(i), ...header(`report-${i}`) }),
        ),
        ...Array.from({ length: 70 }, (_, i) =>
          testEvents.MedicationDispensed(header(`disp-${i}`, { occurredAt: daysAgo(i) })),
        ),
      ]),
      snapshot('OHC', 7, [oldStart, oldEnd, recentStart, recentEnd]),
    ]);

    const { bundle } = render(set, true);

    expect(ofType(bundle, 'DiagnosticReport')).toHaveLength(50);
    expect(ofType(bundle, 'MedicationDispense')).toHaveLength(50);
    const encounters = ofType<Encounter>(bundle, 'Encounter');
    expect(encounters).toHaveLength(1);
    expect(encounters[0].period?.end).toBe(new Date(daysAgo(9)).toISOString());
    expect(provenanceEventIds(bundle)).toEqual(
      expect.arrayContaining([recentStart.header.eventId, recentEnd.header.eventId]),
    );
    expect(provenanceEventIds(bundle)).not.toContain(oldEnd.header.eventId);
    const outcomes = ofType<OperationOutcome>(bundle, 'OperationOutcome');
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0].issue.map((i) => [i.expression, counts(i).shown, counts(i).total])).toEqual([
      [['MedicationDispense'], 50, 70],
      [['Encounter'], 1, 2],
      [['DiagnosticReport'], 50, 55],
    ]);
    expect(outcomes[0].issue[1].diagnostics).toMatch(
      /^1 of 2 encounters shown \(open encounters and those of the last 365 days\)\. The rest: GET \/fhir\/Encounter\?/,
    );
  });

  it('given a resolved problem, then it is rendered with its status and not said to be left out', () => {
    const resolved = testEvents.ProblemRecorded({
      clinicalStatus: 'RESOLVED',
      ...header('problem-resolved'),
    });
    const set = recordSet([snapshot('CCR', 4, [EVENTS.details, EVENTS.problem, resolved])]);
    const view = viewSharedRecord(set.records, { now: TEST_NOW, includeRestricted: true });
    expect(shortenedSections(set.records, view)).toHaveProperty('problems');

    const { bundle } = render(set, true);

    const conditions = ofType<Condition>(bundle, 'Condition');
    expect(conditions).toHaveLength(2);
    expect(conditions.map((c) => c.clinicalStatus?.coding?.[0].code).sort()).toEqual(['active', 'resolved']);
    expect(ofType(bundle, 'OperationOutcome')).toEqual([]);
  });
});
