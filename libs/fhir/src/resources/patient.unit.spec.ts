import { at, days, draftsOf, issuesOf } from '../expect-mapping.spec';
import { acutePatient, deceasedPatient, gpPatient, mergedPatient } from '../fixtures';

const PATIENT = 'Patient/b3f6c0a2-1d7e-4b8e-9c55-6a1f2e8d4c10';

const janeHollis = {
  name: { prefix: 'Mrs', given: ['Jane', 'Amelia'], family: 'Hollis' },
  birthDate: days('1948-07-16'),
  gender: 'FEMALE',
  address: {
    lines: ['12 Acacia Avenue', 'Edgbaston'],
    city: 'Birmingham',
    district: 'West Midlands',
    postcode: 'B15 2TT',
  },
  telecom: [
    { system: 'PHONE', value: '0121 496 0000' },
    { system: 'MOBILE', value: '07700 900123' },
    { system: 'EMAIL', value: 'jane.hollis@example.org' },
  ],
  registeredGpPracticeOdsCode: 'M85001',
};

describe('Patient', () => {
  it('given a create, yields PatientRegistered with the demographics and a normalised postcode', () => {
    expect(draftsOf(gpPatient(), { operation: 'create' })).toEqual([
      {
        type: 'PatientRegistered',
        source: {
          nhsNumber: '9990000018',
          sourceRecordId: PATIENT,
          sourceRecordVersion: 4,
          operation: 'CREATE',
          occurredAt: at('2024-03-01T09:15:00Z'),
        },
        body: janeHollis,
      },
    ]);
  });

  it('given an update, yields PatientDetailsChanged without claiming which details changed', () => {
    expect(draftsOf(gpPatient(), { operation: 'update' })).toEqual([
      {
        type: 'PatientDetailsChanged',
        source: {
          nhsNumber: '9990000018',
          sourceRecordId: PATIENT,
          sourceRecordVersion: 4,
          operation: 'UPDATE',
          occurredAt: at('2024-03-01T09:15:00Z'),
        },
        body: { ...janeHollis, changedDetails: [] },
      },
    ]);
  });

  it('given a deceasedDateTime, also yields an informal PatientDied at the time of death', () => {
    const drafts = draftsOf(deceasedPatient(), { operation: 'update' });

    expect(drafts.map((draft) => draft.type)).toEqual(['PatientDetailsChanged', 'PatientDied']);
    expect(drafts[1]).toEqual({
      type: 'PatientDied',
      source: {
        nhsNumber: '9990000018',
        sourceRecordId: PATIENT,
        sourceRecordVersion: 5,
        operation: 'UPDATE',
        occurredAt: at('2024-04-02T02:40:00Z'),
      },
      body: {
        dateOfDeath: days('2024-04-02'),
        timeOfDeath: at('2024-04-02T02:40:00Z'),
        notificationStatus: 'INFORMAL',
        placeOfDeath: null,
      },
    });
  });

  it('given only deceasedBoolean, dates the death by when the provider recorded it, with no time', () => {
    const { deceasedDateTime: _, ...patient } = deceasedPatient();

    const died = draftsOf({ ...patient, deceasedBoolean: true }, { operation: 'update' })[1];

    expect(died.body).toEqual({
      dateOfDeath: days('2024-04-02'),
      timeOfDeath: null,
      notificationStatus: 'INFORMAL',
      placeOfDeath: null,
    });
  });

  it('given a record replaced by another, yields only PatientMerged under the surviving NHS number', () => {
    expect(draftsOf(mergedPatient(), { operation: 'update' })).toEqual([
      {
        type: 'PatientMerged',
        source: {
          nhsNumber: '9990000026',
          sourceRecordId: 'Patient/c9a1e7d4-5b2f-4f0e-8d3a-71c2b6e9f804',
          sourceRecordVersion: 7,
          operation: 'UPDATE',
          occurredAt: at('2024-02-12T16:45:00Z'),
        },
        body: {
          retiredNhsNumber: '9990001014',
          survivingNhsNumber: '9990000026',
          retiredSourceRecordId: 'Patient/c9a1e7d4-5b2f-4f0e-8d3a-71c2b6e9f804',
          reason: 'DUPLICATE_REGISTRATION',
        },
      },
    ]);
  });

  it('given a replaced-by link carrying only an NHS number, the merge is an NHS number superseded', () => {
    const patient = mergedPatient();
    patient.link = [
      {
        type: 'replaced-by',
        other: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' } },
      },
    ];

    const [merge] = draftsOf(patient);

    expect(merge.body).toEqual({
      retiredNhsNumber: '9990001014',
      survivingNhsNumber: '9434765919',
      retiredSourceRecordId: null,
      reason: 'NHS_NUMBER_SUPERSEDED',
    });
  });

  it('given an old name and a previous address, uses the usual name and the current home address', () => {
    const [registered] = draftsOf(acutePatient());

    expect(registered.body).toMatchObject({
      name: { prefix: 'Mr', given: ['Arthur', 'James'], family: 'Pendleton' },
      address: {
        lines: ['Flat 4', '27 Stratford Road'],
        city: 'Birmingham',
        district: null,
        postcode: 'B11 1AA',
      },
    });
  });

  it('given no NHS number identifier, reports it required at Patient.identifier', () => {
    const patient = gpPatient();
    patient.identifier = [{ system: 'https://fhir.rrk.nhs.uk/Id/local-patient-identifier', value: 'RRK1' }];

    expect(issuesOf(patient)).toEqual([
      {
        code: 'required',
        location: 'Patient.identifier',
        message: 'Patient.identifier needs an NHS number (system https://fhir.nhs.uk/Id/nhs-number)',
      },
    ]);
  });

  it('given an NHS number failing its check digit, missing family name and no birth date, reports all three', () => {
    const patient = gpPatient();
    patient.identifier = [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000019' }];
    patient.name = [{ given: ['Jane'] }];
    delete patient.birthDate;

    expect(issuesOf(patient)).toEqual([
      {
        code: 'value',
        location: 'Patient.identifier[0].value',
        message: 'Patient.identifier[0].value: the NHS number fails its modulus-11 check digit',
      },
      {
        code: 'required',
        location: 'Patient.name[0].family',
        message: "Patient.name[0].family is required: the patient's family name",
      },
      { code: 'required', location: 'Patient.birthDate', message: 'Patient.birthDate is required' },
    ]);
  });
});

describe('Patient versions', () => {
  it('given a versionId but no lastUpdated, asks for lastUpdated: a Patient has no clinical time to date it by', () => {
    const patient = gpPatient();
    patient.meta = { versionId: '4' };

    expect(issuesOf(patient)).toEqual([
      {
        code: 'required',
        location: 'Patient.meta.lastUpdated',
        message: 'Patient.meta.lastUpdated is required: Crosscare needs to know when the change happened',
      },
    ]);
  });
});
