import type { Encounter } from '@medplum/fhirtypes';
import { at, draftsOf, issuesOf } from '../expect-mapping.spec';
import { acuteAdmission, acuteDischarge, pharmacyConsultation } from '../fixtures';

const ADMISSION = 'Encounter/4f8a2c6e-1b9d-4e3f-a7c5-0d2e6b8f1a39';

describe('Encounter', () => {
  it('given an acute admission in progress, yields only EncounterStarted', () => {
    expect(draftsOf(acuteAdmission())).toEqual([
      {
        type: 'EncounterStarted',
        source: {
          nhsNumber: '9990000026',
          sourceRecordId: ADMISSION,
          sourceRecordVersion: 1,
          operation: 'CREATE',
          occurredAt: at('2024-03-10T14:22:00Z'),
        },
        body: {
          encounterClass: 'INPATIENT',
          careSetting: 'ACUTE',
          startedAt: at('2024-03-10T14:22:00Z'),
          admissionSource: {
            system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-SourceOfAdmission',
            code: '19',
            display: 'Usual place of residence unless listed below',
          },
          locationOdsCode: 'RRK15',
          specialty: {
            system: 'https://fhir.nhs.uk/CodeSystem/NHSDataDictionary-TreatmentFunctionCode',
            code: '300',
            display: 'General Internal Medicine Service',
          },
          reason: { system: 'http://snomed.info/sct', code: '29857009', display: 'Chest pain' },
        },
      },
    ]);
  });

  it('given the discharge, yields EncounterStarted again and EncounterEnded at the discharge time', () => {
    const drafts = draftsOf(acuteDischarge(), { operation: 'update' });

    expect(drafts.map((draft) => draft.type)).toEqual(['EncounterStarted', 'EncounterEnded']);
    expect(drafts[1]).toEqual({
      type: 'EncounterEnded',
      source: {
        nhsNumber: '9990000026',
        sourceRecordId: ADMISSION,
        sourceRecordVersion: 2,
        operation: 'UPDATE',
        occurredAt: at('2024-03-14T11:05:00Z'),
      },
      body: {
        endedAt: at('2024-03-14T11:05:00Z'),
        outcome: 'DISCHARGED',
        dischargeDestination: {
          system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DischargeDestination',
          code: '19',
          display: 'Usual place of residence unless listed below',
        },
        diagnoses: [
          {
            system: 'http://hl7.org/fhir/sid/icd-10',
            code: 'I21.4',
            display: 'Acute subendocardial myocardial infarction',
          },
        ],
      },
    });
  });

  it('given a pharmacy consultation and the pharmacy care setting, yields a primary care contact at the pharmacy', () => {
    const drafts = draftsOf(pharmacyConsultation(), { careSetting: 'PHARMACY' });

    expect(drafts.map((draft) => draft.type)).toEqual(['EncounterStarted', 'EncounterEnded']);
    expect(drafts[0].body).toEqual({
      encounterClass: 'PRIMARY_CARE',
      careSetting: 'PHARMACY',
      startedAt: at('2024-02-05T10:00:00Z'),
      admissionSource: null,
      locationOdsCode: 'FQ123',
      specialty: null,
      reason: { system: 'http://snomed.info/sct', code: '162397003', display: 'Pain in throat' },
    });
    expect(drafts[1].body).toEqual({
      endedAt: at('2024-02-05T10:20:00Z'),
      outcome: 'DISCHARGED',
      dischargeDestination: null,
      diagnoses: [],
    });
  });

  it.each([
    ['IMP', 'INPATIENT', 'ACUTE'],
    ['EMER', 'EMERGENCY', 'ACUTE'],
    ['AMB', 'OUTPATIENT', 'OTHER'],
    ['HH', 'HOME_VISIT', 'OTHER'],
    ['VR', 'VIRTUAL', 'OTHER'],
    ['SS', 'DAY_CASE', 'ACUTE'],
    ['FLD', 'AMBULANCE_INCIDENT', 'AMBULANCE'],
    ['XYZ', 'OTHER', 'OTHER'],
  ])('given class %s and no known care setting, maps to %s in %s', (code, encounterClass, careSetting) => {
    const encounter: Encounter = {
      ...acuteAdmission(),
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code },
    };

    const [started] = draftsOf(encounter);

    expect(started.body).toMatchObject({ encounterClass, careSetting });
  });

  it('given the provider is a hospice, the care setting is HOSPICE whatever the class', () => {
    const [started] = draftsOf(acuteAdmission(), { careSetting: 'HOSPICE' });

    expect(started.body).toMatchObject({ encounterClass: 'INPATIENT', careSetting: 'HOSPICE' });
  });

  it('given a home visit, has no location ODS code even though the service provider has one', () => {
    const encounter: Encounter = { ...acuteAdmission(), class: { code: 'HH' } };

    const [started] = draftsOf(encounter);

    expect(started.body).toMatchObject({ encounterClass: 'HOME_VISIT', locationOdsCode: null });
  });

  it('given a Crosscare encounter-class code, uses it as the class', () => {
    const encounter: Encounter = {
      ...acuteAdmission(),
      class: { system: 'https://fhir.crosscare.nhs.uk/CodeSystem/encounter-class', code: 'COMMUNITY' },
    };

    const [started] = draftsOf(encounter);

    expect(started.body).toMatchObject({ encounterClass: 'COMMUNITY' });
  });

  it('given a patient who left before treatment, ends the encounter LEFT_BEFORE_COMPLETION', () => {
    const encounter = acuteDischarge();
    encounter.hospitalization = {
      dischargeDisposition: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/discharge-disposition', code: 'aadvice' }],
      },
    };

    const ended = draftsOf(encounter)[1];

    expect(ended.body).toMatchObject({ outcome: 'LEFT_BEFORE_COMPLETION' });
  });

  it('given status finished without period.end, rejects it: the end time is the fact being shared', () => {
    const encounter = acuteAdmission();
    encounter.status = 'finished';

    expect(issuesOf(encounter)).toEqual([
      {
        code: 'required',
        location: 'Encounter.period.end',
        message: 'Encounter.period.end is required when the encounter is finished',
      },
    ]);
  });

  it('given status entered-in-error, yields RecordRemoved of the EncounterStarted', () => {
    const encounter = acuteAdmission();
    encounter.status = 'entered-in-error';

    const drafts = draftsOf(encounter);

    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      type: 'RecordRemoved',
      source: { operation: 'DELETE', sourceRecordId: ADMISSION },
      body: { removedEventType: 'EncounterStarted', reason: 'ENTERED_IN_ERROR' },
    });
  });
});
