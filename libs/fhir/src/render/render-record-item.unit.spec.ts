import {
  type CareSetting,
  type PatientMerged,
  type RecordChangeEvent,
  type RecordRemoved,
} from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import type { Encounter, Patient, Reference, Resource } from '@medplum/fhirtypes';
import {
  alertRecorded,
  allergyRecorded,
  carePlanRecorded,
  days,
  documentRecorded,
  encounterEnded,
  encounterStarted,
  endOfLifePreferencesRecorded,
  sharingObjectionRecorded,
  diagnosticReportIssued,
  procedureRecorded,
  header,
  immunisationRecorded,
  mappedBack,
  medicationDispensed,
  medicationPrescribed,
  observationRecorded,
  omitHeader,
  PATIENT,
  patientDetailsChanged,
  patientDied,
  patientRegistered,
  problemRecorded,
  PROVIDERS,
  providerName,
  referralMade,
  socialCareInvolvementRecorded,
  structuralIssues,
} from './record-events.spec';
import { renderRecordItem } from './render-record-item';

const render = (event: RecordChangeEvent, options: Parameters<typeof renderRecordItem>[1] = {}): Resource => {
  const resource = renderRecordItem(event, { providerName, ...options });
  if (resource === undefined) throw new Error(`${event.header.eventType} rendered nothing`);
  return resource;
};

/** The subject or patient element of a clinical resource. */
const patientOf = (resource: Resource): Reference<Patient> | undefined =>
  (resource as { subject?: Reference<Patient>; patient?: Reference<Patient> }).subject ??
  (resource as { patient?: Reference<Patient> }).patient;

/** What the forward mapper must be told that the resource cannot say: a Patient's create or update, the sector. */
interface MappingSetting {
  readonly operation?: 'create' | 'update';
  readonly careSetting?: CareSetting;
}

describe('renderRecordItem', () => {
  describe('round trip through the forward mapper', () => {
    it.each<[string, RecordChangeEvent, MappingSetting]>([
      ['PatientRegistered', patientRegistered(), {}],
      [
        'PatientDetailsChanged (no changed details reported)',
        patientDetailsChanged(),
        { operation: 'update' },
      ],
      ['ProblemRecorded', problemRecorded(), {}],
      [
        'resolved ProblemRecorded with its abatement',
        problemRecorded({ clinicalStatus: 'RESOLVED', abatementDate: 19_700, significance: 'UNKNOWN' }),
        {},
      ],
      ['AllergyRecorded', allergyRecorded(), {}],
      [
        'AllergyRecorded of unknown status, category and criticality',
        allergyRecorded({
          clinicalStatus: 'UNKNOWN',
          category: 'OTHER',
          criticality: 'UNKNOWN',
          reactions: [],
        }),
        {},
      ],
      ['repeat MedicationPrescribed', medicationPrescribed(), {}],
      [
        'acute MedicationPrescribed with a UCUM quantity',
        medicationPrescribed({
          courseType: 'ACUTE',
          status: 'COMPLETED',
          quantity: { value: 21, unit: 'capsule', ucumCode: '{capsule}' },
          courseEndDate: 19_800,
        }),
        {},
      ],
      [
        'repeat-dispensing MedicationPrescribed on hold',
        medicationPrescribed({
          courseType: 'REPEAT_DISPENSING',
          status: 'ON_HOLD',
          courseEndDate: null,
          quantity: null,
        }),
        {},
      ],
      ['MedicationDispensed', medicationDispensed(), { careSetting: 'PHARMACY' }],
      [
        'partial MedicationDispensed',
        medicationDispensed({ status: 'PARTIALLY_DISPENSED', prescriptionId: null }),
        {},
      ],
      [
        'MedicationDispensed, nothing handed over',
        medicationDispensed({
          status: 'NOT_DISPENSED',
          quantity: { value: 0, unit: '', ucumCode: null },
          dosageText: null,
        }),
        {},
      ],
      ['ObservationRecorded with a quantity', observationRecorded(), {}],
      [
        'ObservationRecorded with a coded value',
        observationRecorded({
          code: { system: 'http://snomed.info/sct', code: '229819007', display: 'Tobacco use and exposure' },
          category: 'SOCIAL_HISTORY',
          valueQuantity: null,
          valueCoded: { system: 'http://snomed.info/sct', code: '8517006', display: 'Ex-smoker' },
          interpretation: null,
        }),
        {},
      ],
      [
        'ObservationRecorded with a text value and an uncoded interpretation',
        observationRecorded({
          code: { system: 'http://loinc.org', code: '62238-1', display: 'eGFR' },
          category: 'LABORATORY',
          valueQuantity: null,
          valueString: '>90 mL/min/1.73m2',
          interpretation: 'UNKNOWN',
        }),
        {},
      ],
      [
        'ObservationRecorded without a value',
        observationRecorded({ valueQuantity: null, interpretation: null }),
        {},
      ],
      ['ImmunisationRecorded', immunisationRecorded(), {}],
      [
        'ImmunisationRecorded not done',
        immunisationRecorded({ status: 'NOT_DONE', doseNumber: null, batchNumber: null, site: null }),
        {},
      ],
      ['ImmunisationRecorded of unknown status', immunisationRecorded({ status: 'UNKNOWN' }), {}],
      ['CarePlanRecorded', carePlanRecorded(), {}],
      [
        'CarePlanRecorded of unknown status without period or description',
        carePlanRecorded({
          status: 'UNKNOWN',
          period: { start: null, end: null },
          description: null,
          addresses: [],
        }),
        {},
      ],
      ['ReferralMade', referralMade(), {}],
      [
        'ReferralMade to a service pool, outside e-RS',
        referralMade({
          recipientOdsCode: null,
          priority: 'UNKNOWN',
          status: 'COMPLETED',
          reason: null,
          ubrn: null,
        }),
        {},
      ],
      ['EndOfLifePreferencesRecorded', endOfLifePreferencesRecorded(), {}],
      [
        'EndOfLifePreferencesRecorded that expresses nothing yet',
        endOfLifePreferencesRecorded({
          preferredPlaceOfDeath: null,
          dnacprDecision: 'UNKNOWN',
          dnacprDecisionDate: null,
          respectFormInPlace: false,
          lastingPowerOfAttorney: 'UNKNOWN',
          reviewDate: null,
        }),
        {},
      ],
      ['SharingObjectionRecorded', sharingObjectionRecorded(), {}],
      ['SharingObjectionRecorded withdrawn', sharingObjectionRecorded({ status: 'WITHDRAWN' }), {}],
      ['SharingObjectionRecorded without a code', sharingObjectionRecorded({ code: null }), {}],
      ['AlertRecorded, a reasonable adjustment flag', alertRecorded(), {}],
      [
        'AlertRecorded, a local alert made inactive, in words only, by a named author',
        alertRecorded({
          code: null,
          text: 'Key safe at the back door',
          category: null,
          reasonableAdjustment: false,
          status: 'INACTIVE',
          period: { start: days('2024-01-15'), end: days('2024-03-01') },
          authorOdsCode: null,
          authorName: 'District nursing team',
          notes: null,
        }),
        {},
      ],
      ['DocumentRecorded inline, replacing another', documentRecorded(), {}],
      [
        'DocumentRecorded by URL, superseded, with no encounter, period or author',
        documentRecorded({
          status: 'SUPERSEDED',
          docStatus: null,
          category: null,
          authorOdsCode: null,
          authorName: null,
          custodianOdsCode: null,
          encounterSourceRecordId: null,
          period: null,
          description: null,
          title: null,
          url: 'https://documents.rnb.example.org/letters/2291.pdf',
          data: null,
          size: null,
          replacesSourceRecordId: null,
        }),
        {},
      ],
      ['DiagnosticReportIssued, amended, with results', diagnosticReportIssued(), {}],
      [
        'DiagnosticReportIssued, a radiology report without results',
        diagnosticReportIssued({
          category: 'IMAGING',
          status: 'FINAL',
          issuedAt: null,
          performerOdsCode: null,
          conclusionCodes: [
            { system: 'http://snomed.info/sct', code: '168731009', display: 'Chest X-ray normal' },
          ],
          results: [],
        }),
        {},
      ],
      [
        'DiagnosticReportIssued cancelled',
        diagnosticReportIssued({ status: 'CANCELLED', category: 'OTHER' }),
        {},
      ],
      ['ProcedureRecorded', procedureRecorded(), {}],
      [
        'ProcedureRecorded not done',
        procedureRecorded({ status: 'NOT_DONE', performedAt: null, performedEndAt: null, outcome: null }),
        {},
      ],
      [
        'ProcedureRecorded elsewhere',
        procedureRecorded({ performedEndAt: null, performerOdsCode: 'RRK' }),
        {},
      ],
    ])('%s: renders a valid resource that maps back to the same clinical content', (_, event, setting) => {
      const resource = render(event);

      expect(structuralIssues(resource)).toEqual([]);
      expect(mappedBack(resource, setting)).toEqual([
        {
          type: event.header.eventType,
          source: expect.objectContaining({
            nhsNumber: event.header.nhsNumber,
            sourceRecordVersion: event.header.sourceRecordVersion,
          }),
          body: omitHeader(event),
        },
      ]);
    });

    it('given an admission and its discharge, renders one finished Encounter that maps back to both', () => {
      const [started, ended] = [encounterStarted(), encounterEnded()];

      const encounter = render(started, { encounterCounterpart: ended });

      expect(structuralIssues(encounter)).toEqual([]);
      expect(
        mappedBack(encounter, { careSetting: 'ACUTE' }).map(({ type, body }) => ({ type, body })),
      ).toEqual([
        { type: 'EncounterStarted', body: omitHeader(started) },
        { type: 'EncounterEnded', body: omitHeader(ended) },
      ]);
    });

    it.each<[string, ReturnType<typeof encounterStarted>]>([
      [
        'a GP consultation',
        encounterStarted({ encounterClass: 'PRIMARY_CARE', careSetting: 'PRIMARY_CARE' }),
      ],
      [
        'a community visit at home',
        encounterStarted({
          encounterClass: 'HOME_VISIT',
          careSetting: 'COMMUNITY_HEALTH',
          locationOdsCode: null,
        }),
      ],
      [
        'an A&E attendance',
        encounterStarted({
          encounterClass: 'EMERGENCY',
          admissionSource: null,
          specialty: null,
          reason: null,
        }),
      ],
    ])(
      'given %s still in progress, renders an in-progress Encounter that maps back to its start',
      (_, started) => {
        const encounter = render(started) as Encounter;

        expect(encounter.status).toBe('in-progress');
        expect(structuralIssues(encounter)).toEqual([]);
        expect(mappedBack(encounter, { careSetting: started.careSetting }).map(({ body }) => body)).toEqual([
          omitHeader(started),
        ]);
      },
    );

    it('given a patient and a death another provider recorded, renders both on the Patient and maps back to both', () => {
      const [details, death] = [patientRegistered(), patientDied()];

      const patient = render(details, { death });

      expect(structuralIssues(patient)).toEqual([]);
      expect(mappedBack(patient).map(({ type, body }) => ({ type, body }))).toEqual([
        { type: 'PatientRegistered', body: omitHeader(details) },
        { type: 'PatientDied', body: omitHeader(death) },
      ]);
    });
  });

  describe('what cannot round-trip, and why', () => {
    it('a recurrence keeps no abatement date: R4 (con-4) lets only a problem that is over carry one', () => {
      const event = problemRecorded({ clinicalStatus: 'RECURRENCE', abatementDate: 19_000 });

      const resource = render(event);

      expect(structuralIssues(resource)).toEqual([]);
      expect(resource).not.toHaveProperty('abatementDateTime');
      expect(mappedBack(resource)[0].body).toEqual({ ...omitHeader(event), abatementDate: null });
    });

    it('a repeat without an authority expiry comes back CONTINUOUS: UK Core repeat information needs a part the event lacks', () => {
      const event = medicationPrescribed({ courseEndDate: null });

      const resource = render(event);

      expect(structuralIssues(resource)).toEqual([]);
      expect(mappedBack(resource)[0].body).toEqual({ ...omitHeader(event), courseType: 'CONTINUOUS' });
    });

    it('changed details come back empty: FHIR has no element for which details a change touched', () => {
      const event = patientDetailsChanged({ changedDetails: ['TELECOM'] });

      expect(mappedBack(render(event), { operation: 'update' })[0].body).toEqual({
        ...omitHeader(event),
        changedDetails: [],
      });
    });

    it('an outcome without a destination comes back as that disposition: R4 says how an encounter ended only there', () => {
      const ended = encounterEnded({ outcome: 'DIED', dischargeDestination: null, diagnoses: [] });

      const encounter = render(ended, { encounterCounterpart: encounterStarted() });

      const [, end] = mappedBack(encounter, { careSetting: 'ACUTE' });
      expect(end.body).toEqual({
        ...omitHeader(ended),
        dischargeDestination: {
          system: 'http://terminology.hl7.org/CodeSystem/discharge-disposition',
          code: 'exp',
          display: 'Expired',
        },
      });
    });

    it('a death comes back INFORMAL with no place: the forward mapper reads every Patient death so', () => {
      const death = patientDied({
        timeOfDeath: null,
        notificationStatus: 'FORMAL',
        placeOfDeath: { system: 'http://snomed.info/sct', code: '264362003', display: 'Home' },
      });

      const patient = render(patientRegistered(), { death });

      expect(structuralIssues(patient)).toEqual([]);
      expect(mappedBack(patient)[1].body).toEqual({
        ...omitHeader(death),
        notificationStatus: 'INFORMAL',
        placeOfDeath: null,
      });
    });
  });

  describe('every item', () => {
    const items: RecordChangeEvent[] = [
      patientRegistered(),
      problemRecorded(),
      allergyRecorded(),
      medicationPrescribed(),
      medicationDispensed(),
      encounterStarted(),
      encounterEnded(),
      observationRecorded(),
      immunisationRecorded(),
      carePlanRecorded(),
      referralMade(),
      socialCareInvolvementRecorded(),
      endOfLifePreferencesRecorded(),
    ];

    it.each(items.map((event) => [event.header.eventType, event] as const))(
      '%s: says which provider, record and version it shows, and whose record it is in',
      (_, event) => {
        const { header } = event;

        const resource = render(event);

        expect(resource.meta).toMatchObject({
          source: `urn:ods:${header.providerOdsCode}`,
          versionId: String(header.sourceRecordVersion),
          lastUpdated: new Date(header.recordedAt).toISOString(),
        });
        expect(resource).toMatchObject({
          identifier: expect.arrayContaining([
            {
              system: `https://fhir.crosscare.nhs.uk/Id/source-record/${header.providerOdsCode}`,
              value: header.sourceRecordId,
            },
          ]),
        });
      },
    );

    it.each(items.slice(1).map((event) => [event.header.eventType, event] as const))(
      '%s: refers to the Patient resource, and names the patient by NHS number too',
      (_, event) => {
        const patientId = render(patientRegistered()).id;

        expect(patientOf(render(event))).toEqual({
          reference: `urn:uuid:${patientId}`,
          type: 'Patient',
          identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: PATIENT },
        });
      },
    );

    it.each(items.map((event) => [event.header.eventType, event] as const))(
      '%s: has a URL-safe id that is the same every time it is rendered',
      (_, event) => {
        const { id } = render(event);

        expect(id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
        expect(render(structuredClone(event)).id).toBe(id);
      },
    );

    it('gives the same record id at two providers, and two items of one record, different resource ids', () => {
      const gp = problemRecorded();
      const otherProvider = problemRecorded({ header: { provider: PROVIDERS.acuteTrust } });
      const sameRecordAsCarePlan = carePlanRecorded({ header: { sourceRecordId: gp.header.sourceRecordId } });

      const ids = [gp, otherProvider, sameRecordAsCarePlan].map((event) => render(event).id);

      expect(new Set(ids).size).toBe(3);
    });

    it('given a later version of the record, keeps the id and shows the new version', () => {
      const [first, later] = [problemRecorded(), problemRecorded({ header: { version: 5 } })];

      expect(render(later).id).toBe(render(first).id);
      expect(render(later).meta?.versionId).toBe('5');
    });

    it('given the NHS number the record is shown under (a merge survivor), refers to that patient', () => {
      const survivor = testNhsNumber(4077);

      const resource = render(allergyRecorded(), { nhsNumber: survivor });

      expect(patientOf(resource)?.identifier?.value).toBe(survivor);
    });

    it('given a RecordRemoved or a PatientMerged, renders nothing: they change the record rather than being in it', () => {
      const removed: RecordRemoved = {
        header: header('RecordRemoved', { sourceRecordId: 'Condition/hz-p-2231', occurredAt: 0, version: 3 }),
        removedEventType: 'ProblemRecorded',
        removedSourceRecordId: 'Condition/hz-p-2231',
        reason: 'ENTERED_IN_ERROR',
        replacedBySourceRecordId: null,
      };
      const merged: PatientMerged = {
        header: header('PatientMerged', { sourceRecordId: 'Patient/hz-88412', occurredAt: 0, version: 9 }),
        retiredNhsNumber: testNhsNumber(4078),
        survivingNhsNumber: PATIENT,
        retiredSourceRecordId: null,
        reason: 'NHS_NUMBER_SUPERSEDED',
      };

      expect(renderRecordItem(removed, {})).toBeUndefined();
      expect(renderRecordItem(merged, {})).toBeUndefined();
    });

    it('given an immunisation of unknown status, says the status is unknown rather than guessing given or not', () => {
      const resource = render(immunisationRecorded({ status: 'UNKNOWN' }));

      expect(resource).not.toHaveProperty('status');
      expect(resource).toMatchObject({
        _status: {
          extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' },
          ],
        },
      });
    });
  });
});
