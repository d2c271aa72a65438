import {
  epochDay,
  type EventType,
  type RecordChangeEventMap,
  type RecordChangeHeader,
} from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { createHash } from 'node:crypto';

/** Where a synthetic event comes from: ODS-style codes from the synthetic provider directory. */
export interface TestProvider {
  readonly providerOdsCode: string;
  readonly ics: string;
  readonly collaborative: string;
}

export const TEST_PROVIDERS = {
  /** Hazelwood Surgery, a GP practice in Birmingham and Solihull. */
  ccrGpPractice: { providerOdsCode: 'M01358', ics: 'QHL', collaborative: 'CCR' },
  /** Birmingham City Council. */
  ccrCouncil: { providerOdsCode: 'L1N', ics: 'QHL', collaborative: 'CCR' },
  /** A community pharmacy in Birmingham (pharmacies join by onboarding, so none is in the directory release). */
  ccrPharmacy: { providerOdsCode: 'FQ421', ics: 'QHL', collaborative: 'CCR' },
  /** Darlaston and Stourbridge Hospitals, an acute trust in the Black Country. */
  ohcAcuteTrust: { providerOdsCode: 'RGH', ics: 'QUA', collaborative: 'OHC' },
} as const satisfies Record<string, TestProvider>;

/** 2025-03-01T09:00:00Z: the instant synthetic events are recorded around, so tests do not depend on the clock. */
export const TEST_NOW = Date.UTC(2025, 2, 1, 9);

const HOUR = 3_600_000;
const SNOMED = 'http://snomed.info/sct';
const DMD = 'https://dmd.nhs.uk';

export type TestHeaderFields = Partial<Omit<RecordChangeHeader, 'eventType'>>;

/** A body's fields to change, and the header fields to change. */
export type TestEventOverrides<E extends { header: RecordChangeHeader }> = Partial<Omit<E, 'header'>> & {
  readonly header?: TestHeaderFields;
};

/**
 * A header for a synthetic event: from the CCR GP practice, version 1, a day before TEST_NOW. The default eventId
 * is derived from provider, record, version and type (as ingest derives it), so a test's events are reproducible.
 */
export function testHeader(eventType: EventType, fields: TestHeaderFields = {}): RecordChangeHeader {
  const { eventId, ...given } = fields;
  const occurredAt = given.occurredAt ?? TEST_NOW - 24 * HOUR;
  const header: Omit<RecordChangeHeader, 'eventId'> = {
    eventType,
    occurredAt,
    recordedAt: occurredAt + 60_000,
    ...TEST_PROVIDERS.ccrGpPractice,
    nhsNumber: testNhsNumber(1),
    sourceRecordId: `${eventType}-1`,
    sourceRecordVersion: 1,
    operation: 'CREATE',
    correlationId: 'test-correlation',
    causationId: null,
    ...given,
  };
  return { eventId: eventId ?? derivedEventId(header), ...header };
}

function derivedEventId(header: Omit<RecordChangeHeader, 'eventId'>): string {
  const key = [header.providerOdsCode, header.sourceRecordId, header.sourceRecordVersion, header.eventType];
  const hex = createHash('sha256').update(JSON.stringify(key)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type Body<T extends EventType> = Omit<RecordChangeEventMap[T], 'header'>;

function testEventOf<T extends EventType>(
  eventType: T,
  body: Body<T>,
  overrides: TestEventOverrides<RecordChangeEventMap[T]>,
  headerDefaults: TestHeaderFields = {},
): RecordChangeEventMap[T] {
  const { header, ...fields } = overrides;
  return {
    header: testHeader(eventType, { ...headerDefaults, ...header }),
    ...body,
    ...fields,
  } as RecordChangeEventMap[T];
}

const day = (year: number, month: number, date: number) => epochDay(year, month, date) as number;
const snomed = (code: string, display: string) => ({ system: SNOMED, code, display });

/** Synthetic events of every type, with clinically plausible content, each overridable field by field. */
export const testEvents: {
  readonly [T in EventType]: (
    overrides?: TestEventOverrides<RecordChangeEventMap[T]>,
  ) => RecordChangeEventMap[T];
} = {
  PatientRegistered: (overrides = {}) =>
    testEventOf(
      'PatientRegistered',
      {
        name: { prefix: 'Ms', given: ['Ava', 'Grace'], family: 'Testpatient' },
        birthDate: day(1952, 7, 14),
        gender: 'FEMALE',
        address: { lines: ['12 Example Road'], city: 'Birmingham', district: null, postcode: 'B15 2TT' },
        telecom: [{ system: 'MOBILE', value: '07700 900123' }],
        registeredGpPracticeOdsCode: TEST_PROVIDERS.ccrGpPractice.providerOdsCode,
      },
      overrides,
      { sourceRecordId: 'patient-1' },
    ),
  PatientDetailsChanged: (overrides = {}) =>
    testEventOf(
      'PatientDetailsChanged',
      {
        name: { prefix: 'Ms', given: ['Ava', 'Grace'], family: 'Testpatient' },
        birthDate: day(1952, 7, 14),
        gender: 'FEMALE',
        address: { lines: ['3 Sample Close'], city: 'Dudley', district: null, postcode: 'DY1 1AA' },
        telecom: [{ system: 'PHONE', value: '0121 496 0000' }],
        registeredGpPracticeOdsCode: TEST_PROVIDERS.ccrGpPractice.providerOdsCode,
        changedDetails: ['ADDRESS', 'TELECOM'],
      },
      overrides,
      { sourceRecordId: 'patient-1', operation: 'UPDATE' },
    ),
  PatientDied: (overrides = {}) =>
    testEventOf(
      'PatientDied',
      {
        dateOfDeath: day(2025, 2, 27),
        timeOfDeath: Date.UTC(2025, 1, 27, 3, 40),
        notificationStatus: 'INFORMAL',
        placeOfDeath: snomed('22232009', 'Hospital'),
      },
      overrides,
    ),
  PatientMerged: (overrides = {}) => {
    const surviving = overrides.header?.nhsNumber ?? testNhsNumber(1);
    return testEventOf(
      'PatientMerged',
      {
        retiredNhsNumber: testNhsNumber(2),
        survivingNhsNumber: surviving,
        retiredSourceRecordId: null,
        reason: 'DUPLICATE_REGISTRATION',
      },
      overrides,
      { nhsNumber: surviving },
    );
  },
  ProblemRecorded: (overrides = {}) =>
    testEventOf(
      'ProblemRecorded',
      {
        code: snomed('44054006', 'Type 2 diabetes mellitus'),
        clinicalStatus: 'ACTIVE',
        verificationStatus: 'CONFIRMED',
        significance: 'MAJOR',
        onsetDate: day(2014, 5, 2),
        abatementDate: null,
      },
      overrides,
    ),
  AllergyRecorded: (overrides = {}) =>
    testEventOf(
      'AllergyRecorded',
      {
        substance: snomed('764146007', 'Penicillin'),
        category: 'MEDICATION',
        clinicalStatus: 'ACTIVE',
        criticality: 'HIGH',
        reactions: [
          {
            manifestation: snomed('39579001', 'Anaphylaxis'),
            severity: 'SEVERE',
            onsetAt: Date.UTC(2009, 3, 1, 14),
          },
        ],
        onsetDate: day(2009, 4, 1),
      },
      overrides,
    ),
  MedicationPrescribed: (overrides = {}) =>
    testEventOf(
      'MedicationPrescribed',
      {
        medication: { system: DMD, code: '325278005', display: 'Metformin 500mg tablets' },
        dosageText: 'One tablet twice a day with food',
        quantity: { value: 112, unit: 'tablet', ucumCode: '{tablet}' },
        courseType: 'REPEAT',
        status: 'ACTIVE',
        courseEndDate: null,
      },
      overrides,
    ),
  MedicationDispensed: (overrides = {}) =>
    testEventOf(
      'MedicationDispensed',
      {
        pharmacyOdsCode: TEST_PROVIDERS.ccrPharmacy.providerOdsCode,
        medication: { system: DMD, code: '1090311000001108', display: 'Metformin 500mg tablets (Accord)' },
        quantity: { value: 56, unit: 'tablet', ucumCode: '{tablet}' },
        dosageText: 'One tablet twice a day with food',
        prescriptionId: '2D5A1F-A83008-11E7CE',
        status: 'COMPLETED',
      },
      overrides,
      TEST_PROVIDERS.ccrPharmacy,
    ),
  EncounterStarted: (overrides = {}) =>
    testEventOf(
      'EncounterStarted',
      {
        encounterClass: 'EMERGENCY',
        careSetting: 'ACUTE',
        startedAt: TEST_NOW - 30 * HOUR,
        admissionSource: null,
        locationOdsCode: 'RGH01',
        specialty: {
          system: 'https://fhir.nhs.uk/CodeSystem/NHSDataModelAndDictionary-treatment-function',
          code: '180',
          display: 'Emergency medicine',
        },
        reason: snomed('29857009', 'Chest pain'),
      },
      overrides,
      { ...TEST_PROVIDERS.ohcAcuteTrust, sourceRecordId: 'encounter-1' },
    ),
  EncounterEnded: (overrides = {}) =>
    testEventOf(
      'EncounterEnded',
      {
        endedAt: TEST_NOW - 26 * HOUR,
        outcome: 'DISCHARGED',
        dischargeDestination: snomed('306689006', 'Discharge to home'),
        diagnoses: [snomed('102588006', 'Chest wall pain')],
      },
      overrides,
      { ...TEST_PROVIDERS.ohcAcuteTrust, sourceRecordId: 'encounter-1', operation: 'UPDATE' },
    ),
  ObservationRecorded: (overrides = {}) =>
    testEventOf(
      'ObservationRecorded',
      {
        code: snomed('27113001', 'Body weight'),
        category: 'VITAL_SIGNS',
        effectiveAt: TEST_NOW - 48 * HOUR,
        valueQuantity: { value: 72.4, unit: 'kg', ucumCode: 'kg' },
        valueCoded: null,
        valueString: null,
        interpretation: null,
      },
      overrides,
    ),
  ImmunisationRecorded: (overrides = {}) =>
    testEventOf(
      'ImmunisationRecorded',
      {
        vaccine: snomed('1119349007', 'COVID-19 mRNA vaccine'),
        status: 'COMPLETED',
        administeredAt: Date.UTC(2024, 9, 12, 10, 15),
        doseNumber: 7,
        batchNumber: 'FK1234',
        site: snomed('368208006', 'Left upper arm structure'),
      },
      overrides,
    ),
  CarePlanRecorded: (overrides = {}) =>
    testEventOf(
      'CarePlanRecorded',
      {
        title: 'Diabetes personalised care and support plan',
        category: snomed('735321000', 'Personalised care and support plan'),
        status: 'ACTIVE',
        period: { start: day(2024, 11, 1), end: null },
        description: 'Annual review with the practice nurse; foot checks every six months.',
        addresses: [snomed('44054006', 'Type 2 diabetes mellitus')],
      },
      overrides,
    ),
  AlertRecorded: (overrides = {}) =>
    testEventOf(
      'AlertRecorded',
      {
        code: snomed('285055002', 'Use hearing aid'),
        text: 'Use hearing aid',
        category: {
          system: 'https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient',
          code: 'national-reasonable-adjustment-flag',
          display: 'National Reasonable Adjustments Flag',
        },
        reasonableAdjustment: true,
        status: 'ACTIVE',
        period: { start: day(2024, 10, 1), end: null },
        authorOdsCode: TEST_PROVIDERS.ccrGpPractice.providerOdsCode,
        authorName: 'Hazelwood Surgery',
        notes: 'Face the patient when speaking',
      },
      overrides,
      { sourceRecordId: 'Flag/ra-1' },
    ),
  DocumentRecorded: (overrides = {}) =>
    testEventOf(
      'DocumentRecorded',
      {
        status: 'CURRENT',
        docStatus: 'FINAL',
        type: snomed('373942005', 'Discharge summary'),
        category: null,
        documentDate: TEST_NOW - 24 * HOUR,
        authorOdsCode: TEST_PROVIDERS.ohcAcuteTrust.providerOdsCode,
        authorName: null,
        custodianOdsCode: TEST_PROVIDERS.ohcAcuteTrust.providerOdsCode,
        encounterSourceRecordId: 'Encounter/admission-1',
        period: { start: day(2025, 2, 24), end: day(2025, 2, 28) },
        description: 'Discharge summary',
        contentType: 'application/pdf',
        title: 'Discharge summary',
        url: null,
        data: Buffer.from('%PDF-1.4 synthetic'),
        size: 18,
        replacesSourceRecordId: null,
      },
      overrides,
      { ...TEST_PROVIDERS.ohcAcuteTrust, sourceRecordId: 'DocumentReference/summary-1' },
    ),
  ReferralMade: (overrides = {}) =>
    testEventOf(
      'ReferralMade',
      {
        service: snomed('394583002', 'Endocrinology'),
        recipientOdsCode: TEST_PROVIDERS.ohcAcuteTrust.providerOdsCode,
        priority: 'ROUTINE',
        status: 'ACTIVE',
        reason: snomed('44054006', 'Type 2 diabetes mellitus'),
        ubrn: '000012345678',
      },
      overrides,
    ),
  SocialCareInvolvementRecorded: (overrides = {}) =>
    testEventOf(
      'SocialCareInvolvementRecorded',
      {
        councilCode: 'E08000025',
        councilName: 'Birmingham City Council',
        involvementType: 'ADULT_SOCIAL_CARE',
        allocatedTeam: 'Hall Green Adults Team',
        teamContact: { system: 'PHONE', value: '0121 496 0123' },
        period: { start: day(2024, 6, 3), end: null },
        recordKind: 'SERVICE',
        allocatedWorker: 'Sam Patel, Social Worker',
        service: 'Home care, 14 hours a week',
        restricted: false,
      },
      overrides,
      TEST_PROVIDERS.ccrCouncil,
    ),
  EndOfLifePreferencesRecorded: (overrides = {}) =>
    testEventOf(
      'EndOfLifePreferencesRecorded',
      {
        preferredPlaceOfDeath: 'HOME',
        dnacprDecision: 'DO_NOT_ATTEMPT_CPR',
        dnacprDecisionDate: day(2025, 1, 20),
        respectFormInPlace: true,
        lastingPowerOfAttorney: 'HEALTH_AND_WELFARE',
        reviewDate: day(2025, 7, 20),
      },
      overrides,
    ),
  DiagnosticReportIssued: (overrides = {}) =>
    testEventOf(
      'DiagnosticReportIssued',
      {
        code: snomed('1022441000000105', 'HbA1c level'),
        category: 'PATHOLOGY',
        status: 'FINAL',
        effectiveAt: TEST_NOW - 72 * HOUR,
        issuedAt: TEST_NOW - 50 * HOUR,
        performerOdsCode: null,
        conclusion: null,
        conclusionCodes: [],
        results: [
          {
            code: snomed('1049301000000100', 'HbA1c level (IFCC standardised)'),
            status: 'FINAL',
            valueQuantity: { value: 58, unit: 'mmol/mol', ucumCode: 'mmol/mol' },
            valueCoded: null,
            valueString: null,
            referenceRange: '20-41',
            interpretation: 'HIGH',
          },
        ],
      },
      overrides,
    ),
  ProcedureRecorded: (overrides = {}) =>
    testEventOf(
      'ProcedureRecorded',
      {
        code: snomed('45595009', 'Laparoscopic cholecystectomy'),
        status: 'COMPLETED',
        performedAt: TEST_NOW - 240 * HOUR,
        performedEndAt: null,
        bodySite: null,
        reason: snomed('235919008', 'Gallstones'),
        outcome: null,
        performerOdsCode: null,
      },
      overrides,
    ),
  SharingObjectionRecorded: (overrides = {}) =>
    testEventOf(
      'SharingObjectionRecorded',
      {
        status: 'ACTIVE',
        code: snomed('416409005', 'Refused consent for upload to local shared electronic record'),
        recordedBy: null,
        statedOn: day(2025, 2, 20),
      },
      overrides,
    ),
  RecordRemoved: (overrides = {}) => {
    const sourceRecordId =
      overrides.removedSourceRecordId ?? overrides.header?.sourceRecordId ?? 'AllergyRecorded-1';
    return testEventOf(
      'RecordRemoved',
      {
        removedEventType: 'AllergyRecorded',
        removedSourceRecordId: sourceRecordId,
        reason: 'ENTERED_IN_ERROR',
        replacedBySourceRecordId: null,
      },
      overrides,
      { sourceRecordId, sourceRecordVersion: 2, operation: 'DELETE' },
    );
  },
};
