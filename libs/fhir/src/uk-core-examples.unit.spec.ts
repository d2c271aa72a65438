import { draftsOf, issuesOf } from './expect-mapping.spec';
import {
  UK_CORE_NHS_NUMBER,
  UK_CORE_PATIENT_REFERENCE,
  ukCoreMedicationDispenseCiprofloxacinIV,
  ukCoreObservationBodyTemperature,
  ukCoreMedicationDispenseEyeDrops,
  medicationForEyeDropsDispense,
  ukCoreExamplesDir,
  ukCorePatientRichardSmith,
} from './fixtures';
import { mapMedicationProduct } from './map-fhir-resource';

/** NHS England's published examples, as published: no version, no time of change, the patient by literal reference. */
describe('UK Core examples as published', () => {
  const receivedAt = Date.parse('2026-12-05T01:30:00Z');
  const earlierPatients = new Map([[UK_CORE_PATIENT_REFERENCE, { nhsNumber: UK_CORE_NHS_NUMBER }]]);

  it('maps the example Patient with the version Crosscare assigned, dated by its receipt', () => {
    const [registered] = draftsOf(ukCorePatientRichardSmith(), { assignedVersion: 1, receivedAt });

    expect(registered.type).toBe('PatientRegistered');
    expect(registered.source).toMatchObject({
      nhsNumber: UK_CORE_NHS_NUMBER,
      sourceRecordId: UK_CORE_PATIENT_REFERENCE,
      sourceRecordVersion: 1,
      occurredAt: receivedAt,
    });
  });

  it('maps an Observation and a hospital dispense about the Patient the provider sent before', () => {
    const options = { assignedVersion: 1, receivedAt, earlierPatients };

    const [observation] = draftsOf(ukCoreObservationBodyTemperature(), options);
    const [dispense] = draftsOf(ukCoreMedicationDispenseCiprofloxacinIV(), {
      ...options,
      providerOdsCode: 'RR8',
    });

    expect(observation.source.nhsNumber).toBe(UK_CORE_NHS_NUMBER);
    expect(observation.source.occurredAt).toBe(Date.parse('2023-08-10T00:00:00Z'));
    expect(dispense).toMatchObject({
      type: 'MedicationDispensed',
      source: { nhsNumber: UK_CORE_NHS_NUMBER },
      body: { pharmacyOdsCode: 'RR8', status: 'COMPLETED' },
    });
  });

  it('refuses an Observation whose Patient was never sent, naming the reference', () => {
    expect(issuesOf(ukCoreObservationBodyTemperature(), { assignedVersion: 1, receivedAt })).toEqual([
      {
        code: 'required',
        location: 'Observation.subject.reference',
        message:
          `Observation.subject.reference '${UK_CORE_PATIENT_REFERENCE}' cannot be resolved to a patient with an NHS ` +
          `number: no Patient ${UK_CORE_PATIENT_REFERENCE} with an NHS number was sent by this provider before`,
      },
    ]);
  });
});

describe('Medications the provider sent before', () => {
  const receivedAt = Date.parse('2026-12-05T01:30:00Z');
  const earlierPatients = new Map([[UK_CORE_PATIENT_REFERENCE, { nhsNumber: UK_CORE_NHS_NUMBER }]]);
  const product = { system: 'https://dmd.nhs.uk', code: '9999999999', display: 'Timoptol' };

  it('gives a Medication resource its product code, and refuses one without a dm+d or SNOMED CT code', () => {
    expect(mapMedicationProduct(medicationForEyeDropsDispense())).toEqual({
      ok: true,
      value: {
        system: 'https://dmd.nhs.uk',
        code: '9999999999',
        display: 'Timoptol 0.25% eye drops (stand-in code)',
      },
    });
    const uncoded = mapMedicationProduct({
      ...medicationForEyeDropsDispense(),
      code: { text: 'eye drops' },
    });
    expect(uncoded.ok || uncoded.issues.map((issue) => issue.location)).toEqual(['Medication.code']);
  });

  it('reads medicationReference Medication/{id} from what the provider sent, and names it when it never did', () => {
    const options = { assignedVersion: 1, receivedAt, earlierPatients };
    const earlierMedications = new Map([['Medication/UKCore-Medication-TimoptolEyeDrops-Example', product]]);

    const [dispense] = draftsOf(ukCoreMedicationDispenseEyeDrops(), { ...options, earlierMedications });

    expect(dispense.body).toMatchObject({ medication: product });
    expect(issuesOf(ukCoreMedicationDispenseEyeDrops(), options)).toEqual([
      {
        code: 'required',
        location: 'MedicationDispense.medicationReference.reference',
        message:
          "MedicationDispense.medicationReference.reference 'Medication/UKCore-Medication-TimoptolEyeDrops-Example' " +
          'cannot be resolved: it must be a contained Medication (#id), a Medication entry of the same Bundle or a ' +
          'Medication this provider sent before (Medication/{id}); otherwise send medicationCodeableConcept',
      },
    ]);
  });
});

describe('the published examples, read from the shared test data', () => {
  const setting = process.env.UK_CORE_EXAMPLES_DIR;
  afterEach(() => {
    if (setting === undefined) delete process.env.UK_CORE_EXAMPLES_DIR;
    else process.env.UK_CORE_EXAMPLES_DIR = setting;
  });

  it('gives each caller its own copy of an example', () => {
    const patient = ukCorePatientRichardSmith();
    patient.id = 'changed';

    expect(ukCorePatientRichardSmith().id).toBe('UKCore-Patient-RichardSmith-Example');
  });

  it('names the directory it could not find, and how to name another', () => {
    process.env.UK_CORE_EXAMPLES_DIR = '/nonexistent/uk-core-examples';

    expect(() => ukCoreExamplesDir()).toThrow(
      "no UK Core examples at /nonexistent/uk-core-examples: the project's shared/ belongs beside the checkout " +
        '(or set UK_CORE_EXAMPLES_DIR to a directory of them)',
    );
  });
});
