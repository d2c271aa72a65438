import { type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import type { Bundle, Encounter, Extension, Provenance, Resource } from '@medplum/fhirtypes';
import {
  alertRecorded,
  allergyRecorded,
  documentRecorded,
  encounterEnded,
  encounterStarted,
  endOfLifePreferencesRecorded,
  medicationDispensed,
  observationRecorded,
  PATIENT,
  patientDied,
  patientRegistered,
  problemRecorded,
  type Provider,
  PROVIDERS,
  providerName,
  referralMade,
  socialCareInvolvementRecorded,
  structuralIssues,
} from './record-events.spec';
import { renderSharedRecordBundle, type SharedRecordBundleInput } from './shared-record-bundle';
import type { SharedRecordItem } from './shared-record-items';

const ORIGIN = 'https://fhir.crosscare.nhs.uk/StructureDefinition/Extension-RecordChangeOrigin';

const carried = (event: RecordChangeEvent): SharedRecordItem => ({
  event,
  collaborative: event.header.collaborative,
});

/** A Birmingham patient with records in both collaboratives: GP, council and care home (CCR); trust, pharmacy, hospice (OHC). */
function sharedRecord(overrides: Partial<SharedRecordBundleInput> = {}): SharedRecordBundleInput {
  return {
    nhsNumber: PATIENT,
    bundleId: 'record-4021-20241001',
    timestamp: Date.parse('2024-10-01T08:00:00Z'),
    demographics: patientRegistered(),
    death: patientDied(),
    items: [
      problemRecorded(),
      allergyRecorded(),
      referralMade(),
      encounterEnded(),
      encounterStarted(),
      medicationDispensed(),
      socialCareInvolvementRecorded({
        involvementType: 'SAFEGUARDING',
        recordKind: 'SAFEGUARDING',
        restricted: true,
      }),
      endOfLifePreferencesRecorded(),
      observationRecorded(),
    ].map(carried),
    providerName,
    ...overrides,
  };
}

const resources = (bundle: Bundle): Resource[] =>
  (bundle.entry ?? []).map((entry) => entry.resource as Resource);
const provenances = (bundle: Bundle) =>
  resources(bundle).filter((resource): resource is Provenance => resource.resourceType === 'Provenance');
const origin = (provenance: Provenance) => {
  const parts = provenance.extension?.find((extension) => extension.url === ORIGIN)?.extension ?? [];
  const values = (url: string) =>
    parts.filter((part: Extension) => part.url === url).map((part) => part.valueString ?? part.valueCode);
  return {
    eventId: values('eventId')[0],
    eventType: values('eventType')[0],
    ics: values('ics')[0],
    collaboratives: values('collaborative'),
  };
};
const fullUrlOf = (bundle: Bundle, resourceType: string) =>
  bundle.entry?.find((entry) => entry.resource?.resourceType === resourceType)?.fullUrl;

describe('renderSharedRecordBundle', () => {
  it('given a shared record, renders a valid collection Bundle with the Patient first', () => {
    const bundle = renderSharedRecordBundle(sharedRecord());

    expect(structuralIssues(bundle)).toEqual([]);
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      id: 'record-4021-20241001',
      type: 'collection',
      timestamp: '2024-10-01T08:00:00.000Z',
    });
    expect(bundle.entry?.[0]).toMatchObject({
      resource: {
        resourceType: 'Patient',
        identifier: [
          { system: 'https://fhir.nhs.uk/Id/nhs-number', value: PATIENT },
          expect.anything(),
          expect.anything(),
        ],
        name: [{ family: 'Khatun' }],
        birthDate: '1948-11-02',
        generalPractitioner: [
          { identifier: { value: PROVIDERS.gpPractice.odsCode }, display: 'Hazelwood Surgery, Nechells' },
        ],
        deceasedDateTime: '2024-09-20T03:40:00.000Z',
      },
    });
    expect(bundle.entry?.[0].fullUrl).toBe(`urn:uuid:${bundle.entry?.[0].resource?.id}`);
  });

  it('puts the alerts in force before the Patient and everything else; an inactive one and documents after', () => {
    const active = alertRecorded();
    const inactive = alertRecorded({
      status: 'INACTIVE',
      reasonableAdjustment: false,
      category: null,
      header: { sourceRecordId: 'Flag/hz-old-1' },
    });
    const bundle = renderSharedRecordBundle(
      sharedRecord({
        items: [...sharedRecord().items, carried(inactive), carried(documentRecorded()), carried(active)],
      }),
    );

    expect(structuralIssues(bundle)).toEqual([]);
    const types = resources(bundle).map((resource) => [
      resource.resourceType,
      (resource as { status?: string }).status,
    ]);
    expect(types.slice(0, 2)).toEqual([
      ['Flag', 'active'],
      ['Patient', undefined],
    ]);
    expect(types.filter(([type]) => type === 'Flag')).toEqual([
      ['Flag', 'active'],
      ['Flag', 'inactive'],
    ]);
    const document = resources(bundle).find((resource) => resource.resourceType === 'DocumentReference');
    expect(document).toMatchObject({
      content: [{ attachment: { contentType: 'application/pdf', data: expect.any(String) } }],
      context: { encounter: [{ identifier: { value: 'Encounter/rnb-adm-5512' } }] },
    });
  });

  it('shows every item once, then one Provenance per event shown, each entry at the urn:uuid of its id', () => {
    const bundle = renderSharedRecordBundle(sharedRecord());

    expect(resources(bundle).map((resource) => resource.resourceType)).toEqual([
      'Patient',
      'Condition',
      'AllergyIntolerance',
      'MedicationDispense',
      'Encounter',
      'Observation',
      'ServiceRequest',
      'EpisodeOfCare',
      'CarePlan',
      ...Array<string>(11).fill('Provenance'),
    ]);
    for (const entry of bundle.entry ?? []) expect(entry.fullUrl).toBe(`urn:uuid:${entry.resource?.id}`);
  });

  it('gives each event a Provenance naming its provider, ICS, collaborative and event, aimed at what shows it', () => {
    const input = sharedRecord();
    const bundle = renderSharedRecordBundle(input);
    const fullUrls = new Map(bundle.entry?.map((entry) => [entry.fullUrl, entry.resource?.resourceType]));
    const events = [input.demographics, input.death, ...input.items.map((item) => item.event)].flatMap(
      (event) => (event === null ? [] : [event]),
    );

    const byEvent = new Map(
      provenances(bundle).map((provenance) => [origin(provenance).eventId, provenance]),
    );

    expect(byEvent.size).toBe(events.length);
    for (const { header } of events) {
      const provenance = byEvent.get(header.eventId);
      const provider = Object.values(PROVIDERS).find((p: Provider) => p.odsCode === header.providerOdsCode);
      expect(provenance).toMatchObject({
        recorded: new Date(header.recordedAt).toISOString(),
        occurredDateTime: new Date(header.occurredAt).toISOString(),
        agent: [
          {
            type: { coding: [{ code: 'author' }] },
            who: {
              identifier: {
                system: 'https://fhir.nhs.uk/Id/ods-organization-code',
                value: header.providerOdsCode,
              },
              display: provider?.name,
            },
          },
        ],
      });
      expect(origin(provenance as Provenance)).toEqual({
        eventId: header.eventId,
        eventType: header.eventType,
        ics: provider?.ics,
        collaboratives: [provider?.collaborative],
      });
      expect(fullUrls.has(provenance?.target[0].reference)).toBe(true);
    }
  });

  it("merges an encounter's start and end into one finished Encounter that both Provenances point at", () => {
    const bundle = renderSharedRecordBundle(sharedRecord());
    const encounters = resources(bundle).filter(
      (resource): resource is Encounter => resource.resourceType === 'Encounter',
    );

    const targets = provenances(bundle)
      .filter((provenance) =>
        ['EncounterStarted', 'EncounterEnded'].includes(origin(provenance).eventType ?? ''),
      )
      .map((provenance) => provenance.target[0].reference);

    expect(encounters).toHaveLength(1);
    expect(encounters[0]).toMatchObject({
      status: 'finished',
      period: { start: expect.any(String), end: expect.any(String) },
    });
    expect(targets).toEqual([fullUrlOf(bundle, 'Encounter'), fullUrlOf(bundle, 'Encounter')]);
  });

  it('labels restricted social care restricted in the Bundle', () => {
    const bundle = renderSharedRecordBundle(sharedRecord());

    expect(
      resources(bundle).find((resource) => resource.resourceType === 'EpisodeOfCare')?.meta?.security,
    ).toEqual([
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
        code: 'R',
        display: 'restricted',
      },
    ]);
  });

  it('gives the same Bundle for the same record, whatever order the read models returned the items in', () => {
    const input = sharedRecord();

    const bundle = renderSharedRecordBundle(input);

    expect(renderSharedRecordBundle(sharedRecord())).toStrictEqual(bundle);
    expect(renderSharedRecordBundle({ ...input, items: [...input.items].reverse() })).toStrictEqual(bundle);
  });

  it('refers every item to the Patient entry, also items recorded under a number since merged into this one', () => {
    const retired = testNhsNumber(4099);
    const input = sharedRecord({ items: [carried(allergyRecorded({ header: { nhsNumber: retired } }))] });

    const bundle = renderSharedRecordBundle(input);

    expect(resources(bundle)[1]).toMatchObject({
      patient: { reference: fullUrlOf(bundle, 'Patient'), identifier: { value: PATIENT } },
    });
  });

  it('given one event in both read models, shows it once, naming both collaboratives', () => {
    const problem = problemRecorded();
    const input = sharedRecord({
      items: [
        { event: problem, collaborative: 'OHC' },
        { event: problem, collaborative: 'CCR' },
      ],
    });

    const bundle = renderSharedRecordBundle(input);

    expect(resources(bundle).filter((resource) => resource.resourceType === 'Condition')).toHaveLength(1);
    const problemProvenance = provenances(bundle).find(
      (provenance) => origin(provenance).eventId === problem.header.eventId,
    );
    expect(origin(problemProvenance as Provenance).collaboratives).toEqual(['CCR', 'OHC']);
  });

  it('given two versions of one item in the two read models, shows the later one only', () => {
    const [older, later] = [
      problemRecorded(),
      problemRecorded({ header: { version: 3 }, clinicalStatus: 'RESOLVED' }),
    ];
    const input = sharedRecord({
      items: [
        { event: later, collaborative: 'CCR' },
        { event: older, collaborative: 'OHC' },
      ],
    });

    const conditions = resources(renderSharedRecordBundle(input)).filter(
      (resource) => resource.resourceType === 'Condition',
    );

    expect(conditions).toHaveLength(1);
    expect(conditions[0]).toMatchObject({
      meta: { versionId: '3' },
      clinicalStatus: { coding: [{ code: 'resolved' }] },
    });
  });

  it('given a patient with no details or death shared yet, still has a Patient by NHS number for the items to point at', () => {
    const bundle = renderSharedRecordBundle(
      sharedRecord({ demographics: null, death: null, items: [carried(problemRecorded())] }),
    );

    expect(structuralIssues(bundle)).toEqual([]);
    expect(resources(bundle)[0]).toEqual({
      resourceType: 'Patient',
      id: expect.any(String),
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: PATIENT }],
    });
    expect(provenances(bundle)).toHaveLength(1);
  });
});
