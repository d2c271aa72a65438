import {
  completeRecordChange,
  EVENT_TYPES,
  type AnyRecordChangeDraft,
  type EventType,
  type RecordChangeEvent,
} from '@crosscare/events';
import { testEvents } from '@crosscare/projection/testing';
import type { CodeableConcept, Period, Resource } from '@medplum/fhirtypes';
import { planBundle } from '../bundle/plan-bundle';
import * as fhirFixtures from '../fixtures';
import { mapFhirResource } from '../map-fhir-resource';
import {
  alertRecorded,
  allergyRecorded,
  at,
  carePlanRecorded,
  days,
  diagnosticReportIssued,
  documentRecorded,
  encounterEnded,
  encounterStarted,
  endOfLifePreferencesRecorded,
  immunisationRecorded,
  medicationDispensed,
  medicationPrescribed,
  observationRecorded,
  patientDetailsChanged,
  patientDied,
  patientRegistered,
  problemRecorded,
  procedureRecorded,
  referralMade,
  sharingObjectionRecorded,
  socialCareInvolvementRecorded,
} from '../render/record-events.spec';
import { renderRecordItem } from '../render/render-record-item';
import { ALLERGY_INTOLERANCE_CLINICAL_STATUSES } from '../render/resources/allergy-intolerance';
import { CARE_PLAN_STATUSES } from '../render/resources/care-plan';
import { CONDITION_CLINICAL_STATUSES } from '../render/resources/condition';
import { DIAGNOSTIC_REPORT_STATUSES } from '../render/resources/diagnostic-report';
import { DOCUMENT_REFERENCE_STATUSES } from '../render/resources/document-reference';
import { IMMUNIZATION_STATUSES } from '../render/resources/immunization';
import { MEDICATION_DISPENSE_OUTCOMES } from '../render/resources/medication-dispense';
import { MEDICATION_REQUEST_STATUSES } from '../render/resources/medication-request';
import { PROCEDURE_STATUSES } from '../render/resources/procedure';
import { SERVICE_REQUEST_STATUSES } from '../render/resources/service-request';
import { searchIndexOf, type ItemSearchIndex } from './search-index';
import { SEARCHABLE_RESOURCE_TYPES, SEARCHED_EVENT_TYPES } from './searchable-resources';

const SNOMED = 'http://snomed.info/sct';
const SEARCHED: ReadonlySet<string> = new Set(
  SEARCHABLE_RESOURCE_TYPES.flatMap((t) => SEARCHED_EVENT_TYPES[t]),
);

/** The tokens of a resource's codings, worked out here rather than by the code under test. */
function tokensOf(concepts: readonly (CodeableConcept | undefined)[]): string[] {
  const tokens = concepts
    .flatMap((concept) => concept?.coding ?? [])
    .flatMap((coding) => [`${coding.system ?? ''}|${coding.code}`, String(coding.code)]);
  return [...new Set(tokens)].sort();
}

const millis = (value: string | undefined): number | null => (value === undefined ? null : Date.parse(value));

type Rendered = Resource & Record<string, unknown>;
const field = <T>(resource: Rendered, name: string): T | undefined => resource[name] as T | undefined;
const clinicalStatusOf = (resource: Rendered): string | null =>
  field<CodeableConcept>(resource, 'clinicalStatus')?.coding?.[0]?.code ?? null;

/** The search index read out of a rendered resource by path, resource type by resource type. */
const FROM_RENDERED: Record<string, (r: Rendered) => Omit<ItemSearchIndex, 'resourceType'>> = {
  Observation: (r) => ({
    date: millis(field(r, 'effectiveDateTime')),
    status: field(r, 'status') ?? null,
    codes: tokensOf([field(r, 'code')]),
  }),
  MedicationDispense: (r) => ({
    date: millis(field(r, 'whenHandedOver')),
    status: field(r, 'status') ?? null,
    codes: tokensOf([field(r, 'medicationCodeableConcept')]),
  }),
  MedicationRequest: (r) => ({
    date: millis(field(r, 'authoredOn')),
    status: field(r, 'status') ?? null,
    codes: tokensOf([field(r, 'medicationCodeableConcept')]),
  }),
  // One part rendered alone: a start has only period.start, an end only period.end.
  Encounter: (r) => ({
    date: millis(field<Period>(r, 'period')?.end ?? field<Period>(r, 'period')?.start),
    status: field(r, 'status') ?? null,
    codes: tokensOf(field<CodeableConcept[]>(r, 'reasonCode') ?? []),
  }),
  Condition: (r) => ({
    date: millis(field(r, 'onsetDateTime') ?? field(r, 'recordedDate')),
    status: clinicalStatusOf(r),
    codes: tokensOf([field(r, 'code')]),
  }),
  AllergyIntolerance: (r) => ({
    date: millis(field(r, 'onsetDateTime') ?? field(r, 'recordedDate')),
    status: clinicalStatusOf(r),
    codes: tokensOf([field(r, 'code')]),
  }),
  Immunization: (r) => ({
    date: millis(field(r, 'occurrenceDateTime')),
    status: field(r, 'status') ?? null,
    codes: tokensOf([field(r, 'vaccineCode')]),
  }),
  DiagnosticReport: (r) => ({
    date: millis(field(r, 'effectiveDateTime')),
    status: field(r, 'status') ?? null,
    codes: tokensOf([field(r, 'code')]),
  }),
  Procedure: (r) => ({
    date: millis(
      field<string>(r, 'performedDateTime') ??
        field<Period>(r, 'performedPeriod')?.start ??
        field<Period>(r, 'performedPeriod')?.end,
    ),
    status: field(r, 'status') ?? null,
    codes: tokensOf([field(r, 'code')]),
  }),
  DocumentReference: (r) => ({
    date: millis(field(r, 'date')),
    status: field(r, 'status') ?? null,
    codes: tokensOf([field(r, 'type')]),
  }),
  CarePlan: (r) => ({
    date: millis(field<Period>(r, 'period')?.start),
    status: field(r, 'status') ?? null,
    codes: tokensOf(field<CodeableConcept[]>(r, 'category') ?? []),
  }),
  ServiceRequest: (r) => ({
    date: millis(field(r, 'authoredOn')),
    status: field(r, 'status') ?? null,
    codes: tokensOf([field(r, 'code')]),
  }),
};

/** What the FHIR shows of the event's item: null when the item is not searched (or the event is no item). */
function indexOfRendered(event: RecordChangeEvent): ItemSearchIndex | null {
  if (!SEARCHED.has(event.header.eventType)) return null;
  const resource = renderRecordItem(event, {}) as Rendered;
  const read = FROM_RENDERED[resource.resourceType];
  return { resourceType: resource.resourceType as ItemSearchIndex['resourceType'], ...read(resource) };
}

/** Every value of each status table, so each row of each table is checked against what renders. */
const symbols = <K extends string>(table: Readonly<Record<K, unknown>>): K[] => Object.keys(table) as K[];

const variants: RecordChangeEvent[] = [
  ...symbols(CONDITION_CLINICAL_STATUSES).map((clinicalStatus) => problemRecorded({ clinicalStatus })),
  problemRecorded({ onsetDate: null }),
  problemRecorded({ clinicalStatus: 'RESOLVED', abatementDate: days('2021-01-01') }),
  ...symbols(ALLERGY_INTOLERANCE_CLINICAL_STATUSES).map((clinicalStatus) =>
    allergyRecorded({ clinicalStatus }),
  ),
  allergyRecorded({ onsetDate: null, clinicalStatus: 'UNKNOWN' }),
  ...symbols(MEDICATION_REQUEST_STATUSES).map((status) => medicationPrescribed({ status })),
  ...symbols(MEDICATION_DISPENSE_OUTCOMES).map((status) => medicationDispensed({ status })),
  encounterStarted({ reason: null }),
  encounterEnded({ diagnoses: [] }),
  observationRecorded({ valueQuantity: null, interpretation: null }),
  observationRecorded({ valueQuantity: null, valueString: '>90' }),
  observationRecorded({ code: { system: '', code: 'LOCAL-1', display: null } }),
  ...symbols(IMMUNIZATION_STATUSES).map((status) => immunisationRecorded({ status })),
  ...symbols(CARE_PLAN_STATUSES).map((status) => carePlanRecorded({ status })),
  carePlanRecorded({ period: { start: null, end: days('2025-01-01') } }),
  ...symbols(SERVICE_REQUEST_STATUSES).map((status) => referralMade({ status })),
  ...symbols(DOCUMENT_REFERENCE_STATUSES).map((status) => documentRecorded({ status })),
  ...symbols(DIAGNOSTIC_REPORT_STATUSES).map((status) => diagnosticReportIssued({ status })),
  ...symbols(PROCEDURE_STATUSES).map((status) => procedureRecorded({ status })),
  procedureRecorded({ performedEndAt: null }),
  procedureRecorded({ performedAt: null }),
  procedureRecorded({ performedAt: null, performedEndAt: null, status: 'NOT_DONE' }),
];

const factories: RecordChangeEvent[] = [
  patientRegistered(),
  patientDetailsChanged(),
  patientDied(),
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
  sharingObjectionRecorded(),
  alertRecorded(),
  documentRecorded(),
  diagnosticReportIssued(),
  procedureRecorded(),
];

const fixtureContext = {
  providerOdsCode: 'RNB',
  ics: 'QNC',
  collaborative: 'OHC',
  correlationId: 'search-index-spec',
  recordedAt: at('2025-03-01T09:00:00Z'),
};

/** The UK Core example resources and Bundles of ../fixtures, as the events ingest makes of them. */
function fixtureEvents(): RecordChangeEvent[] {
  // Record changes and the opt-outs a GP's Consent may state, which are no item of a record.
  const drafts: (AnyRecordChangeDraft | { readonly type: 'OptOutChanged' })[] = [];
  for (const make of Object.values(fhirFixtures)) {
    if (typeof make !== 'function' || make.length > 0) continue;
    let made: unknown;
    try {
      made = (make as () => unknown)();
    } catch {
      continue; // the examples read from ../shared, when absent
    }
    if (typeof made !== 'object' || made === null || !('resourceType' in made)) continue;
    if (made.resourceType === 'Bundle') {
      const plan = planBundle(made, {
        providerOdsCode: fixtureContext.providerOdsCode,
        receivedAt: fixtureContext.recordedAt,
      });
      if (!plan.ok) continue;
      for (const entry of plan.value.entries) if (entry.kind === 'write') drafts.push(...entry.drafts);
      continue;
    }
    const mapped = mapFhirResource(made, {
      operation: 'create',
      providerOdsCode: fixtureContext.providerOdsCode,
    });
    if (mapped.ok) drafts.push(...mapped.value);
  }
  return drafts
    .filter((draft): draft is AnyRecordChangeDraft => (EVENT_TYPES as readonly string[]).includes(draft.type))
    .map((draft): RecordChangeEvent => completeRecordChange<EventType>(draft, fixtureContext));
}

const typeOf = (event: RecordChangeEvent): EventType => event.header.eventType as EventType;

describe('searchIndexOf', () => {
  describe('says what the rendered FHIR resource says', () => {
    const synthetic = EVENT_TYPES.map((type): RecordChangeEvent => testEvents[type]());
    const fixtures = fixtureEvents();
    const all = [...synthetic, ...factories, ...variants, ...fixtures];

    it('given the factories and fixtures, then they cover every searched event type', () => {
      for (const type of SEARCHED) expect(all.map(typeOf)).toContain(type);
      expect(fixtures.filter((e) => SEARCHED.has(typeOf(e))).length).toBeGreaterThanOrEqual(12);
    });

    it.each(all.map((event, i) => [`${i} ${event.header.eventType} ${event.header.sourceRecordId}`, event]))(
      'given %s, when indexed, then it equals the index read from renderRecordItem',
      (_name, event) => {
        expect(searchIndexOf(event)).toEqual(indexOfRendered(event));
      },
    );
  });

  describe('per resource type', () => {
    const snomed = (code: string) => [code, `${SNOMED}|${code}`];

    it.each<[string, RecordChangeEvent, ItemSearchIndex]>([
      [
        'an observation: its effective time, final with a value, its code',
        observationRecorded(),
        {
          resourceType: 'Observation',
          date: at('2024-03-03T08:00:00Z'),
          status: 'final',
          codes: snomed('27113001'),
        },
      ],
      [
        'an observation without a value: unknown',
        observationRecorded({ valueQuantity: null }),
        {
          resourceType: 'Observation',
          date: at('2024-03-03T08:00:00Z'),
          status: 'unknown',
          codes: snomed('27113001'),
        },
      ],
      [
        'a dispensing: when handed over, its medication',
        medicationDispensed(),
        {
          resourceType: 'MedicationDispense',
          date: at('2024-02-05T16:40:00Z'),
          status: 'completed',
          codes: snomed('323510009'),
        },
      ],
      [
        'a dispensing not handed over: no date, declined',
        medicationDispensed({ status: 'NOT_DISPENSED' }),
        { resourceType: 'MedicationDispense', date: null, status: 'declined', codes: snomed('323510009') },
      ],
      [
        'a prescription: authored when it happened, its dm+d code',
        medicationPrescribed({ status: 'ON_HOLD' }),
        {
          resourceType: 'MedicationRequest',
          date: at('2024-01-15T09:30:00Z'),
          status: 'on-hold',
          codes: ['325278007', 'https://dmd.nhs.uk|325278007'],
        },
      ],
      [
        "an encounter's start: its start, in progress, its reason",
        encounterStarted(),
        {
          resourceType: 'Encounter',
          date: at('2024-03-10T14:22:00Z'),
          status: 'in-progress',
          codes: snomed('29857009'),
        },
      ],
      [
        "an encounter's end: its end, finished, no code (diagnoses are contained Conditions)",
        encounterEnded(),
        { resourceType: 'Encounter', date: at('2024-03-14T11:05:00Z'), status: 'finished', codes: [] },
      ],
      [
        'a problem: its onset day at midnight UTC, its clinical status',
        problemRecorded({ clinicalStatus: 'REMISSION' }),
        {
          resourceType: 'Condition',
          date: Date.UTC(2019, 4, 14),
          status: 'remission',
          codes: snomed('44054006'),
        },
      ],
      [
        'a problem without onset, of unknown status: recorded when it happened, no status',
        problemRecorded({ onsetDate: null, clinicalStatus: 'UNKNOWN' }),
        {
          resourceType: 'Condition',
          date: at('2019-05-14T09:32:00Z'),
          status: null,
          codes: snomed('44054006'),
        },
      ],
      [
        'an allergy: its onset day, its clinical status, its substance',
        allergyRecorded({ clinicalStatus: 'RESOLVED' }),
        {
          resourceType: 'AllergyIntolerance',
          date: Date.UTC(1998, 7, 3),
          status: 'resolved',
          codes: snomed('91936005'),
        },
      ],
      [
        'an allergy without onset: its recorded date',
        allergyRecorded({ onsetDate: null }),
        {
          resourceType: 'AllergyIntolerance',
          date: at('2023-06-20T13:03:00Z'),
          status: 'active',
          codes: snomed('91936005'),
        },
      ],
      [
        'an immunisation: when given, its vaccine',
        immunisationRecorded({ status: 'NOT_DONE' }),
        {
          resourceType: 'Immunization',
          date: at('2023-10-12T10:15:00Z'),
          status: 'not-done',
          codes: snomed('39114911000001105'),
        },
      ],
      [
        'an immunisation of unknown status: none (FHIR says data absent)',
        immunisationRecorded({ status: 'UNKNOWN' }),
        {
          resourceType: 'Immunization',
          date: at('2023-10-12T10:15:00Z'),
          status: null,
          codes: snomed('39114911000001105'),
        },
      ],
      [
        'a report: its effective time, status and code',
        diagnosticReportIssued(),
        {
          resourceType: 'DiagnosticReport',
          date: at('2024-03-11T08:05:00Z'),
          status: 'amended',
          codes: snomed('26604007'),
        },
      ],
      [
        'a procedure: when performed',
        procedureRecorded(),
        {
          resourceType: 'Procedure',
          date: at('2024-03-12T13:05:00Z'),
          status: 'completed',
          codes: snomed('45595009'),
        },
      ],
      [
        'a procedure not done: no date',
        procedureRecorded({ performedAt: null, performedEndAt: null, status: 'NOT_DONE' }),
        { resourceType: 'Procedure', date: null, status: 'not-done', codes: snomed('45595009') },
      ],
      [
        'a document: its date, status and type',
        documentRecorded({ status: 'SUPERSEDED' }),
        {
          resourceType: 'DocumentReference',
          date: at('2024-06-12T16:30:00Z'),
          status: 'superseded',
          codes: snomed('373942005'),
        },
      ],
      [
        'a care plan: its period start, status and category',
        carePlanRecorded(),
        {
          resourceType: 'CarePlan',
          date: Date.UTC(2024, 1, 1),
          status: 'active',
          codes: snomed('734163000'),
        },
      ],
      [
        'a care plan without a start: no date',
        carePlanRecorded({ period: { start: null, end: null } }),
        { resourceType: 'CarePlan', date: null, status: 'active', codes: snomed('734163000') },
      ],
      [
        'a referral: authored when made, its service',
        referralMade(),
        {
          resourceType: 'ServiceRequest',
          date: at('2024-02-28T12:15:00Z'),
          status: 'active',
          codes: snomed('183519002'),
        },
      ],
    ])('given %s', (_name, event, expected) => {
      expect(searchIndexOf(event)).toEqual(expected);
    });
  });

  describe('code tokens', () => {
    it('given a coded value, then it gives system|code and the bare code, deduplicated and sorted by code unit', () => {
      const index = searchIndexOf(
        encounterStarted({ reason: { system: 'http://loinc.org', code: 'Ab-1', display: null } }),
      );

      expect(index?.codes).toEqual(['Ab-1', 'http://loinc.org|Ab-1']);
    });

    it('given a coding without a system, then it gives |code and the bare code', () => {
      const local = { system: '', code: 'LOCAL-7', display: null };

      expect(searchIndexOf(observationRecorded({ code: local }))?.codes).toEqual(['LOCAL-7', '|LOCAL-7']);
    });

    it('given a coding whose system decoded as null, then it is a coding without a system', () => {
      const decoded = { system: null as unknown as string, code: 'LOCAL-7', display: null };

      expect(searchIndexOf(observationRecorded({ code: decoded }))?.codes).toEqual(['LOCAL-7', '|LOCAL-7']);
    });

    it('given an encounter start without a reason, then it has no code tokens', () => {
      expect(searchIndexOf(encounterStarted({ reason: null }))?.codes).toEqual([]);
    });
  });

  describe('events that are not searched', () => {
    it.each<[string, RecordChangeEvent]>([
      ['PatientRegistered', patientRegistered()],
      ['PatientDetailsChanged', patientDetailsChanged()],
      ['PatientDied', patientDied()],
      ['AlertRecorded', alertRecorded()],
      ['SocialCareInvolvementRecorded', socialCareInvolvementRecorded()],
      [
        'EndOfLifePreferencesRecorded (rendered as a CarePlan, but not searched as one)',
        endOfLifePreferencesRecorded(),
      ],
      ['SharingObjectionRecorded', sharingObjectionRecorded()],
      ['RecordRemoved', testEvents.RecordRemoved()],
      ['PatientMerged', testEvents.PatientMerged()],
    ])('given %s, then null', (_name, event) => {
      expect(searchIndexOf(event)).toBeNull();
    });

    it('given every event type, then exactly the searched ones are indexed, each as its resource type', () => {
      const indexed = EVENT_TYPES.map((type) => [
        type,
        searchIndexOf(testEvents[type]())?.resourceType ?? null,
      ]);
      const expected = EVENT_TYPES.map((type) => [
        type,
        SEARCHABLE_RESOURCE_TYPES.find((resource) => SEARCHED_EVENT_TYPES[resource].includes(type)) ?? null,
      ]);

      expect(indexed).toEqual(expected);
    });
  });
});
