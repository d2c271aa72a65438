import { NHS_NUMBER_SYSTEM, SEARCHED_SECTIONS } from '@crosscare/fhir';
import { shortenedSections, viewSharedRecord, VIEW_LIST_SECTIONS } from '@crosscare/projection';
import { testEvents } from '@crosscare/projection/testing';
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
} from '../testing/record-set-fixtures';
import { formulaLikeText, itemsShown, sharedRecordDocument } from './shared-record-document';

const CLINICIAN = CLINICIAN_AT_GP;

const names = (ods: string) =>
  ods === EVENTS.problem.header.providerOdsCode ? 'Hazelwood Surgery' : undefined;

describe('the JSON answer', () => {
  it('given both collaboratives, then it heads the view with the patient and the snapshots shown', () => {
    const set = recordSet([ccrSnapshot(4), ohcSnapshot(7)]);
    const view = viewSharedRecord(set.records, {
      now: TEST_NOW,
      includeRestricted: false,
      providerName: names,
    });

    const document = sharedRecordDocument(set, view, CLINICIAN, {});

    expect(document).toMatchObject({
      nhsNumber: PATIENT,
      requestedNhsNumber: PATIENT,
      mergedInto: null,
      mergedFrom: [],
      sources: [
        {
          collaborative: 'CCR',
          nhsNumber: PATIENT,
          sequence: 4,
          updatedAt: new Date(TEST_NOW).toISOString(),
        },
        {
          collaborative: 'OHC',
          nhsNumber: PATIENT,
          sequence: 7,
          updatedAt: new Date(TEST_NOW).toISOString(),
        },
      ],
    });
    expect(document.problems![0].provenance).toMatchObject({
      providerOdsCode: EVENTS.problem.header.providerOdsCode,
      providerName: 'Hazelwood Surgery',
      collaborative: 'CCR',
      eventId: EVENTS.problem.header.eventId,
    });
    expect(document.encounters![0].started?.provenance).toMatchObject({
      collaborative: 'OHC',
      eventId: EVENTS.encounter.header.eventId,
    });
  });

  it('given a retired number asked for, then the answer says which record answered instead', () => {
    const set = recordSet([ccrSnapshot()], RETIRED);
    const view = viewSharedRecord(set.records, { now: TEST_NOW, includeRestricted: false });
    expect(sharedRecordDocument(set, view, CLINICIAN, {})).toMatchObject({
      nhsNumber: PATIENT,
      requestedNhsNumber: RETIRED,
      mergedInto: PATIENT,
      mergedFrom: [RETIRED],
    });
  });

  it('counts the items shown, leaving out withheld restricted ones, and each event once', () => {
    const set = recordSet([ccrSnapshot(), ohcSnapshot()]);
    const withheld = viewSharedRecord(set.records, { now: TEST_NOW, includeRestricted: false });
    const included = viewSharedRecord(set.records, { now: TEST_NOW, includeRestricted: true });

    // details (demographics and registered GP cite the same event), problem, encounter, home care
    expect(itemsShown(withheld)).toBe(4);
    expect(withheld.socialCare.restrictedWithheld).toBe(1);
    expect(itemsShown(included)).toBe(5);
  });
});

describe('sections the view lists only part of', () => {
  const observations = Array.from({ length: 60 }, (_, i) =>
    testEvents.ObservationRecorded({
      effectiveAt: TEST_NOW - i * 60_000,
      header: { nhsNumber: PATIENT, sourceRecordId: `obs-${i}` },
    }),
  );
  const prescriptions = [
    testEvents.MedicationPrescribed({ header: { nhsNumber: PATIENT, sourceRecordId: 'rx-active' } }),
    testEvents.MedicationPrescribed({
      status: 'STOPPED',
      header: { nhsNumber: PATIENT, sourceRecordId: 'rx-stopped' },
    }),
  ];
  const set = recordSet([ccrSnapshot(), snapshot('OHC', 7, [...observations, ...prescriptions])]);
  const view = viewSharedRecord(set.records, { now: TEST_NOW, includeRestricted: false });
  const shortened = shortenedSections(set.records, view);
  const patient = encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${PATIENT}`);

  it('are said right after the access rules: how many of how many, by what rule, and where the rest is', () => {
    const document = sharedRecordDocument(set, view, CLINICIAN, shortened, {
      linkBase: 'https://record.crosscare.test',
    });

    expect(document.shortened).toEqual({
      prescriptions: {
        shown: 1,
        total: 2,
        rule: 'prescriptions in force only: active or on hold',
        notice:
          '1 of 2 prescriptions shown (prescriptions in force only: active or on hold). The rest: GET ' +
          `https://record.crosscare.test/patients/${PATIENT}/record?section=prescriptions`,
        rest: `https://record.crosscare.test/patients/${PATIENT}/record?section=prescriptions`,
        fhirSearch: `https://record.crosscare.test/fhir/MedicationRequest?patient.identifier=${patient}&_sort=-date`,
      },
      observations: {
        shown: 50,
        total: 60,
        rule: 'the 50 most recent',
        notice:
          '50 of 60 observations shown (the 50 most recent). The rest: GET ' +
          `https://record.crosscare.test/patients/${PATIENT}/record?section=observations`,
        rest: `https://record.crosscare.test/patients/${PATIENT}/record?section=observations`,
        fhirSearch: `https://record.crosscare.test/fhir/Observation?patient.identifier=${patient}&_sort=-date`,
      },
    });
    const keys = Object.keys(document);
    expect(keys[keys.indexOf('access') + 1]).toBe('shortened');
    expect(document.observations).toHaveLength(50);
  });

  it('given no link base, then the links are relative to the record API', () => {
    const document = sharedRecordDocument(set, view, CLINICIAN, shortened);

    expect(document.shortened.observations).toMatchObject({
      rest: `/patients/${PATIENT}/record?section=observations`,
      fhirSearch: `/fhir/Observation?patient.identifier=${patient}&_sort=-date`,
    });
    expect(document.shortened.observations?.notice).toMatch(
      /The rest: GET \/patients\/\d+\/record\?section=obs/,
    );
  });

  it('given a section the role is not granted, then it is not listed, nor are its counts', () => {
    const document = sharedRecordDocument(
      set,
      view,
      { ...CLINICIAN, role: 'administrative', sectionsWithheld: ['medications', 'observations'] },
      { ...shortened, dispensings: { shown: 50, total: 70, rule: 'the 50 most recent' } },
    );

    expect(document.shortened).toEqual({});
    expect(JSON.stringify(document.shortened)).not.toContain('prescri');
  });

  it('given a record every list of which is whole, then the key is there and empty', () => {
    const whole = recordSet([ccrSnapshot(), ohcSnapshot()]);
    const wholeView = viewSharedRecord(whole.records, { now: TEST_NOW, includeRestricted: false });

    expect(
      sharedRecordDocument(whole, wholeView, CLINICIAN, shortenedSections(whole.records, wholeView)),
    ).toHaveProperty('shortened', {});
  });

  it("names sections as the record API searches them: the projection's list sections are SEARCHED_SECTIONS", () => {
    expect([...VIEW_LIST_SECTIONS]).toEqual(Object.keys(SEARCHED_SECTIONS));
  });
});

describe('sections a role is not granted', () => {
  it('are absent from the answer, not empty, and the answer says which and why', () => {
    const set = recordSet([ccrSnapshot(), ohcSnapshot()]);
    const view = viewSharedRecord(set.records, { now: TEST_NOW, includeRestricted: false });

    const document = sharedRecordDocument(
      set,
      view,
      {
        ...CLINICIAN,
        role: 'administrative',
        sectionsWithheld: ['problems', 'medications', 'social-care'],
      },
      {},
    );

    expect(document).not.toHaveProperty('problems');
    expect(document).not.toHaveProperty('medications');
    expect(document).not.toHaveProperty('socialCare');
    expect(document).toHaveProperty('encounters');
    expect(document.access.notices).toEqual([
      'Not shown to the administrative role: problems, medications, social-care. Ask a clinician in your ' +
        'organisation if these are needed for care.',
    ]);
  });
});

describe('text a spreadsheet would take for a formula', () => {
  it('given strings beginning with =, +, -, @, a tab or a CR, names each by its JSON pointer and leaves the text as sent', () => {
    const view = {
      socialCare: {
        involvements: [{ allocatedTeam: '=HYPERLINK("http://x","Team")', service: 'Home care' }],
      },
      problems: [{ note: '+44 121', 'a/b': '@SUM(1)', ok: 'Asthma', tabbed: '\t=1' }],
    };

    expect(formulaLikeText(view)).toEqual([
      '/socialCare/involvements/0/allocatedTeam',
      '/problems/0/note',
      '/problems/0/a~1b',
      '/problems/0/tabbed',
    ]);
    expect(view.socialCare.involvements[0].allocatedTeam).toBe('=HYPERLINK("http://x","Team")');
  });

  it('given an answer with no such text, lists none', () => {
    const set = recordSet([ccrSnapshot(4), ohcSnapshot(7)]);
    const view = viewSharedRecord(set.records, {
      now: TEST_NOW,
      includeRestricted: false,
      providerName: names,
    });

    expect(sharedRecordDocument(set, view, CLINICIAN, {}).formulaLikeText).toEqual([]);
  });
});
