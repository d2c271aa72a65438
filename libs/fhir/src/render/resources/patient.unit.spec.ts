import type { Patient } from '@medplum/fhirtypes';
import {
  at,
  PATIENT,
  patientDied,
  patientRegistered,
  PROVIDERS,
  providerName,
  structuralIssues,
} from '../record-events.spec';
import { renderRecordItem } from '../render-record-item';

const DEATH_NOTIFICATION =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeathNotificationStatus';

const renderPatient = (...args: Parameters<typeof renderRecordItem>) => renderRecordItem(...args) as Patient;

describe('Patient', () => {
  it('given registered details, shows them as UK Core does, the GP practice by ODS code and name', () => {
    const patient = renderPatient(patientRegistered(), { providerName });

    expect(patient).toMatchObject({
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: PATIENT }, expect.anything()],
      name: [{ use: 'usual', prefix: ['Mrs'], given: ['Amira', 'Joy'], family: 'Khatun' }],
      gender: 'female',
      birthDate: '1948-11-02',
      address: [
        { use: 'home', line: ['14 Cromwell Street', 'Nechells'], city: 'Birmingham', postalCode: 'B7 5BA' },
      ],
      telecom: [
        { system: 'phone', value: '0121 496 0123' },
        { system: 'phone', use: 'mobile', value: '07700 900461' },
        { system: 'email', value: 'amira.khatun@example.org' },
      ],
      generalPractitioner: [
        {
          type: 'Organization',
          identifier: {
            system: 'https://fhir.nhs.uk/Id/ods-organization-code',
            value: PROVIDERS.gpPractice.odsCode,
          },
          display: PROVIDERS.gpPractice.name,
        },
      ],
    });
    expect(patient).not.toHaveProperty('deceasedDateTime');
  });

  it('given details with nothing optional, leaves the elements out rather than empty', () => {
    const event = patientRegistered({
      name: { prefix: null, given: [], family: 'Okafor' },
      address: null,
      telecom: [],
      registeredGpPracticeOdsCode: null,
    });

    const patient = renderPatient(event, {});

    expect(structuralIssues(patient)).toEqual([]);
    expect(patient.name).toEqual([{ use: 'usual', family: 'Okafor' }]);
    for (const element of ['address', 'telecom', 'generalPractitioner'])
      expect(patient).not.toHaveProperty(element);
  });

  it('given only a death, renders the Patient it belongs to: NHS number, the recording record and the time of death', () => {
    const death = patientDied();

    const patient = renderPatient(death, {});

    expect(structuralIssues(patient)).toEqual([]);
    expect(patient).toMatchObject({
      id: renderPatient(patientRegistered(), {}).id,
      meta: { source: `urn:ods:${PROVIDERS.acuteTrust.odsCode}`, versionId: '7' },
      identifier: [
        { system: 'https://fhir.nhs.uk/Id/nhs-number', value: PATIENT },
        { system: `https://fhir.crosscare.nhs.uk/Id/source-record/RNB`, value: 'Patient/rnb-3309127' },
      ],
      deceasedDateTime: '2024-09-20T03:40:00.000Z',
    });
    expect(patient).not.toHaveProperty('name');
  });

  it('given a death recorded without its time, shows the date alone', () => {
    const patient = renderPatient(patientDied({ timeOfDeath: null }), {});

    expect(patient.deceasedDateTime).toBe('2024-09-20');
  });

  it('given a formal death notice with its place, carries the UK Core notification status and the place', () => {
    const place = { system: 'http://snomed.info/sct', code: '16983000', display: 'Death in hospital' };

    const patient = renderPatient(patientDied({ notificationStatus: 'FORMAL', placeOfDeath: place }), {});

    expect(structuralIssues(patient)).toEqual([]);
    expect(patient.extension).toEqual([
      {
        url: DEATH_NOTIFICATION,
        extension: [
          {
            url: 'deathNotificationStatus',
            valueCodeableConcept: {
              coding: [
                {
                  system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DeathNotificationStatus',
                  code: '2',
                  display: 'Formal - death notice received from Registrar of Deaths',
                },
              ],
            },
          },
        ],
      },
      {
        url: 'https://fhir.crosscare.nhs.uk/StructureDefinition/Extension-PlaceOfDeath',
        valueCodeableConcept: { coding: [place] },
      },
    ]);
  });

  it('given a removed death notice, shows the patient as not deceased, with the status saying the notice was removed', () => {
    const patient = renderPatient(patientRegistered(), {
      death: patientDied({ notificationStatus: 'REMOVED' }),
    });

    expect(patient.deceasedBoolean).toBe(false);
    expect(patient).not.toHaveProperty('deceasedDateTime');
    expect(patient.extension?.[0]?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code).toBe('U');
  });

  it('given details and a death from one provider record, names that record once', () => {
    const details = patientRegistered();
    const death = patientDied({
      header: { provider: PROVIDERS.gpPractice, sourceRecordId: details.header.sourceRecordId },
    });

    const patient = renderPatient(details, { death });

    expect(patient.identifier).toHaveLength(2);
    expect(patient.meta?.versionId).toBe(String(details.header.sourceRecordVersion));
    expect(patient.deceasedDateTime).toBe(new Date(at('2024-09-20T03:40:00Z')).toISOString());
  });
});
