// Synthetic record change events for this folder's unit specs (not a test itself: jest runs *.unit.spec.ts only).
// Providers are real entries of libs/governance/data; every NHS number is from the 999 test range.
import {
  type AlertRecorded,
  type AllergyRecorded,
  type AnyRecordChangeDraft,
  type CarePlanRecorded,
  type DiagnosticReportIssued,
  type DocumentRecorded,
  type EncounterEnded,
  type EncounterStarted,
  type EndOfLifePreferencesRecorded,
  type SharingObjectionRecorded,
  type EventType,
  type ImmunisationRecorded,
  type MedicationDispensed,
  type MedicationPrescribed,
  type ObservationRecorded,
  type PatientDetailsChanged,
  type PatientDied,
  type PatientRegistered,
  type ProblemRecorded,
  type ProcedureRecorded,
  type RecordChangeEvent,
  type RecordChangeHeader,
  recordChangeEventId,
  type ReferralMade,
  type SocialCareInvolvementRecorded,
} from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { isOptOutDraft } from '@crosscare/governance';
import type { Resource } from '@medplum/fhirtypes';
import { type FhirMappingOptions, mapFhirResource } from '../map-fhir-resource';
import { validateStructure } from '../validation/structural-validation';

export interface Provider {
  readonly odsCode: string;
  readonly name: string;
  readonly ics: string;
  readonly collaborative: string;
}

export const PROVIDERS = {
  gpPractice: { odsCode: 'M01358', name: 'Hazelwood Surgery, Nechells', ics: 'QHL', collaborative: 'CCR' },
  acuteTrust: {
    odsCode: 'RNB',
    name: 'Burntwood General Hospital NHS Trust',
    ics: 'QNC',
    collaborative: 'OHC',
  },
  pharmacy: { odsCode: 'FW183', name: 'Hanley Park Pharmacy', ics: 'QNC', collaborative: 'OHC' },
  council: { odsCode: 'L1N', name: 'Birmingham City Council', ics: 'QHL', collaborative: 'CCR' },
  hospice: { odsCode: '87BU0', name: 'Wolverhampton Hospice', ics: 'QUA', collaborative: 'OHC' },
  careHome: { odsCode: 'V16AA', name: 'Birchmead Grange Nursing Home', ics: 'QWU', collaborative: 'CCR' },
} as const satisfies Record<string, Provider>;

const NAMES = new Map<string, string>(Object.values(PROVIDERS).map((p) => [p.odsCode, p.name]));
export const providerName = (odsCode: string): string | undefined => NAMES.get(odsCode);

export const PATIENT = testNhsNumber(4021);

export const at = (iso: string): number => Date.parse(iso);
/** Days since epoch of a calendar date, computed independently of the code under test. */
export const days = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000;

const SNOMED = 'http://snomed.info/sct';
const snomed = (code: string, display: string) => ({ system: SNOMED, code, display });

export interface HeaderOptions {
  readonly provider?: Provider;
  readonly sourceRecordId: string;
  readonly occurredAt: number;
  readonly version?: number;
  readonly nhsNumber?: string;
  readonly operation?: RecordChangeHeader['operation'];
}

/** A header as ingest completes it: event id from the record version, accepted two minutes after it happened. */
export function header(eventType: EventType, options: HeaderOptions): RecordChangeHeader {
  const provider = options.provider ?? PROVIDERS.gpPractice;
  const version = options.version ?? 1;
  return {
    eventId: recordChangeEventId(provider.odsCode, options.sourceRecordId, version, eventType),
    eventType,
    occurredAt: options.occurredAt,
    recordedAt: options.occurredAt + 120_000,
    providerOdsCode: provider.odsCode,
    ics: provider.ics,
    collaborative: provider.collaborative,
    nhsNumber: options.nhsNumber ?? PATIENT,
    sourceRecordId: options.sourceRecordId,
    sourceRecordVersion: version,
    operation: options.operation ?? (version === 1 ? 'CREATE' : 'UPDATE'),
    correlationId: `corr-${options.sourceRecordId}`,
    causationId: null,
  };
}

type Overrides<T> = Partial<Omit<T, 'header'>> & { readonly header?: Partial<HeaderOptions> };

function build<T extends RecordChangeEvent>(
  type: EventType,
  defaults: HeaderOptions,
  body: Omit<T, 'header'>,
  overrides: Overrides<T>,
): T {
  const { header: headerOverrides, ...bodyOverrides } = overrides;
  return { header: header(type, { ...defaults, ...headerOverrides }), ...body, ...bodyOverrides } as T;
}

export const patientRegistered = (overrides: Overrides<PatientRegistered> = {}) =>
  build<PatientRegistered>(
    'PatientRegistered',
    { sourceRecordId: 'Patient/hz-88412', occurredAt: at('2023-04-03T09:15:00Z') },
    {
      name: { prefix: 'Mrs', given: ['Amira', 'Joy'], family: 'Khatun' },
      birthDate: days('1948-11-02'),
      gender: 'FEMALE',
      address: {
        lines: ['14 Cromwell Street', 'Nechells'],
        city: 'Birmingham',
        district: null,
        postcode: 'B7 5BA',
      },
      telecom: [
        { system: 'PHONE', value: '0121 496 0123' },
        { system: 'MOBILE', value: '07700 900461' },
        { system: 'EMAIL', value: 'amira.khatun@example.org' },
      ],
      registeredGpPracticeOdsCode: PROVIDERS.gpPractice.odsCode,
    },
    overrides,
  );

export const patientDetailsChanged = (overrides: Overrides<PatientDetailsChanged> = {}) =>
  build<PatientDetailsChanged>(
    'PatientDetailsChanged',
    { sourceRecordId: 'Patient/hz-88412', occurredAt: at('2024-06-11T10:00:00Z'), version: 4 },
    {
      ...omitHeader(patientRegistered()),
      telecom: [{ system: 'MOBILE', value: '07700 900462' }],
      changedDetails: [],
    },
    overrides,
  );

export const patientDied = (overrides: Overrides<PatientDied> = {}) =>
  build<PatientDied>(
    'PatientDied',
    {
      provider: PROVIDERS.acuteTrust,
      sourceRecordId: 'Patient/rnb-3309127',
      occurredAt: at('2024-09-20T03:40:00Z'),
      version: 7,
    },
    {
      dateOfDeath: days('2024-09-20'),
      timeOfDeath: at('2024-09-20T03:40:00Z'),
      notificationStatus: 'INFORMAL',
      placeOfDeath: null,
    },
    overrides,
  );

export const problemRecorded = (overrides: Overrides<ProblemRecorded> = {}) =>
  build<ProblemRecorded>(
    'ProblemRecorded',
    { sourceRecordId: 'Condition/hz-p-2231', occurredAt: at('2019-05-14T09:32:00Z'), version: 2 },
    {
      code: snomed('44054006', 'Type 2 diabetes mellitus'),
      clinicalStatus: 'ACTIVE',
      verificationStatus: 'CONFIRMED',
      significance: 'MAJOR',
      onsetDate: days('2019-05-14'),
      abatementDate: null,
    },
    overrides,
  );

export const allergyRecorded = (overrides: Overrides<AllergyRecorded> = {}) =>
  build<AllergyRecorded>(
    'AllergyRecorded',
    { sourceRecordId: 'AllergyIntolerance/hz-a-118', occurredAt: at('2023-06-20T13:03:00Z') },
    {
      substance: snomed('91936005', 'Allergy to penicillin'),
      category: 'MEDICATION',
      clinicalStatus: 'ACTIVE',
      criticality: 'HIGH',
      reactions: [
        {
          manifestation: snomed('126485001', 'Urticaria'),
          severity: 'MODERATE',
          onsetAt: at('1998-08-03T00:00:00Z'),
        },
        { manifestation: snomed('39579001', 'Anaphylaxis'), severity: 'UNKNOWN', onsetAt: null },
      ],
      onsetDate: days('1998-08-03'),
    },
    overrides,
  );

export const medicationPrescribed = (overrides: Overrides<MedicationPrescribed> = {}) =>
  build<MedicationPrescribed>(
    'MedicationPrescribed',
    { sourceRecordId: 'MedicationRequest/hz-m-5521', occurredAt: at('2024-01-15T09:30:00Z'), version: 3 },
    {
      medication: { system: 'https://dmd.nhs.uk', code: '325278007', display: 'Metformin 500mg tablets' },
      dosageText: 'One tablet twice a day with meals',
      quantity: { value: 56, unit: 'tablet', ucumCode: null },
      courseType: 'REPEAT',
      status: 'ACTIVE',
      courseEndDate: days('2025-01-15'),
    },
    overrides,
  );

export const medicationDispensed = (overrides: Overrides<MedicationDispensed> = {}) =>
  build<MedicationDispensed>(
    'MedicationDispensed',
    {
      provider: PROVIDERS.pharmacy,
      sourceRecordId: 'MedicationDispense/fw-90113',
      occurredAt: at('2024-02-05T16:40:00Z'),
    },
    {
      pharmacyOdsCode: PROVIDERS.pharmacy.odsCode,
      medication: snomed('323510009', 'Amoxicillin 500mg capsules'),
      quantity: { value: 21, unit: 'capsule', ucumCode: null },
      dosageText: 'One capsule three times a day',
      prescriptionId: '24C1E5-M01358-00028K',
      status: 'COMPLETED',
    },
    overrides,
  );

const ADMISSION = 'Encounter/rnb-sp-240310-0042';

export const encounterStarted = (overrides: Overrides<EncounterStarted> = {}) =>
  build<EncounterStarted>(
    'EncounterStarted',
    { provider: PROVIDERS.acuteTrust, sourceRecordId: ADMISSION, occurredAt: at('2024-03-10T14:22:00Z') },
    {
      encounterClass: 'INPATIENT',
      careSetting: 'ACUTE',
      startedAt: at('2024-03-10T14:22:00Z'),
      admissionSource: {
        system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-SourceOfAdmission',
        code: '19',
        display: 'Usual place of residence unless listed below',
      },
      locationOdsCode: 'RNB01',
      specialty: {
        system: 'https://fhir.nhs.uk/CodeSystem/NHSDataDictionary-TreatmentFunctionCode',
        code: '300',
        display: 'General Internal Medicine Service',
      },
      reason: snomed('29857009', 'Chest pain'),
    },
    overrides,
  );

export const encounterEnded = (overrides: Overrides<EncounterEnded> = {}) =>
  build<EncounterEnded>(
    'EncounterEnded',
    {
      provider: PROVIDERS.acuteTrust,
      sourceRecordId: ADMISSION,
      occurredAt: at('2024-03-14T11:05:00Z'),
      version: 2,
    },
    {
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
        { system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11.9', display: null },
      ],
    },
    overrides,
  );

export const observationRecorded = (overrides: Overrides<ObservationRecorded> = {}) =>
  build<ObservationRecorded>(
    'ObservationRecorded',
    {
      provider: PROVIDERS.careHome,
      sourceRecordId: 'Observation/v16-w-0303',
      occurredAt: at('2024-03-03T08:00:00Z'),
    },
    {
      code: snomed('27113001', 'Body weight'),
      category: 'VITAL_SIGNS',
      effectiveAt: at('2024-03-03T08:00:00Z'),
      valueQuantity: { value: 58.4, unit: 'kg', ucumCode: 'kg' },
      valueCoded: null,
      valueString: null,
      interpretation: 'LOW',
    },
    overrides,
  );

export const immunisationRecorded = (overrides: Overrides<ImmunisationRecorded> = {}) =>
  build<ImmunisationRecorded>(
    'ImmunisationRecorded',
    { sourceRecordId: 'Immunization/hz-i-771', occurredAt: at('2023-10-12T10:15:00Z') },
    {
      vaccine: snomed(
        '39114911000001105',
        'Influenza Tetra MYL vaccine suspension for injection 0.5ml pre-filled syringes',
      ),
      status: 'COMPLETED',
      administeredAt: at('2023-10-12T10:15:00Z'),
      doseNumber: 1,
      batchNumber: 'W4B271AA',
      site: snomed('368208006', 'Left upper arm structure'),
    },
    overrides,
  );

export const carePlanRecorded = (overrides: Overrides<CarePlanRecorded> = {}) =>
  build<CarePlanRecorded>(
    'CarePlanRecorded',
    {
      provider: PROVIDERS.careHome,
      sourceRecordId: 'CarePlan/v16-cp-12',
      occurredAt: at('2024-02-01T12:45:00Z'),
      version: 3,
    },
    {
      title: 'Falls prevention care plan',
      category: snomed('734163000', 'Care plan'),
      status: 'ACTIVE',
      period: { start: days('2024-02-01'), end: null },
      description: 'Walking frame at all times; sensor mat at night; review footwear monthly.',
      addresses: [snomed('129839007', 'At risk for falls')],
    },
    overrides,
  );

export const referralMade = (overrides: Overrides<ReferralMade> = {}) =>
  build<ReferralMade>(
    'ReferralMade',
    { sourceRecordId: 'ServiceRequest/hz-r-3390', occurredAt: at('2024-02-28T12:15:00Z') },
    {
      service: snomed('183519002', 'Referral to cardiology service'),
      recipientOdsCode: PROVIDERS.acuteTrust.odsCode,
      priority: 'TWO_WEEK_WAIT',
      status: 'ACTIVE',
      reason: snomed('49436004', 'Atrial fibrillation'),
      ubrn: '000049731234',
    },
    overrides,
  );

export const socialCareInvolvementRecorded = (overrides: Overrides<SocialCareInvolvementRecorded> = {}) =>
  build<SocialCareInvolvementRecorded>(
    'SocialCareInvolvementRecorded',
    {
      provider: PROVIDERS.council,
      sourceRecordId: 'SocialCare/BCC-ALLOC-55102',
      occurredAt: at('2024-04-02T09:00:00Z'),
      version: 2,
    },
    {
      councilCode: 'E08000025',
      councilName: 'Birmingham City Council',
      involvementType: 'ADULT_SOCIAL_CARE',
      allocatedTeam: 'North Locality Adult Social Care Team',
      teamContact: { system: 'PHONE', value: '0121 303 1234' },
      period: { start: days('2024-03-28'), end: null },
      recordKind: 'ALLOCATION',
      allocatedWorker: 'Sam Patel, Social Worker',
      service: null,
      restricted: false,
    },
    overrides,
  );

export const endOfLifePreferencesRecorded = (overrides: Overrides<EndOfLifePreferencesRecorded> = {}) =>
  build<EndOfLifePreferencesRecorded>(
    'EndOfLifePreferencesRecorded',
    {
      provider: PROVIDERS.hospice,
      sourceRecordId: 'CarePlan/87bu0-acp-41',
      occurredAt: at('2024-02-20T15:00:00Z'),
      version: 2,
    },
    {
      preferredPlaceOfDeath: 'HOSPICE',
      dnacprDecision: 'DO_NOT_ATTEMPT_CPR',
      dnacprDecisionDate: days('2024-02-20'),
      respectFormInPlace: true,
      lastingPowerOfAttorney: 'HEALTH_AND_WELFARE',
      reviewDate: days('2024-05-20'),
    },
    overrides,
  );

export const sharingObjectionRecorded = (overrides: Overrides<SharingObjectionRecorded> = {}) =>
  build<SharingObjectionRecorded>(
    'SharingObjectionRecorded',
    {
      provider: PROVIDERS.gpPractice,
      sourceRecordId: 'Consent/3b9e6f12-8c4d-4a7e-b1f5-0d2c7e9a4b68',
      occurredAt: at('2024-03-04T10:15:00Z'),
      version: 1,
    },
    {
      status: 'ACTIVE',
      code: {
        system: 'http://snomed.info/sct',
        code: '416409005',
        display: 'Refused consent for upload to local shared electronic record',
      },
      recordedBy: null,
      statedOn: days('2024-03-04'),
    },
    overrides,
  );

export const alertRecorded = (overrides: Overrides<AlertRecorded> = {}) =>
  build<AlertRecorded>(
    'AlertRecorded',
    { sourceRecordId: 'Flag/hz-ra-77', occurredAt: at('2024-01-15T10:00:00Z') },
    {
      code: snomed('520471000000105', 'Method of communication: British Sign Language'),
      text: 'Method of communication: British Sign Language',
      category: {
        system: 'https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient',
        code: 'national-reasonable-adjustment-flag',
        display: 'National Reasonable Adjustments Flag',
      },
      reasonableAdjustment: true,
      status: 'ACTIVE',
      period: { start: days('2024-01-15'), end: null },
      authorOdsCode: PROVIDERS.gpPractice.odsCode,
      authorName: PROVIDERS.gpPractice.name,
      notes: 'Book a BSL interpreter for every appointment',
    },
    overrides,
  );

export const documentRecorded = (overrides: Overrides<DocumentRecorded> = {}) =>
  build<DocumentRecorded>(
    'DocumentRecorded',
    {
      provider: PROVIDERS.acuteTrust,
      sourceRecordId: 'DocumentReference/rnb-ds-2291',
      occurredAt: at('2024-06-12T16:30:00Z'),
    },
    {
      status: 'CURRENT',
      docStatus: 'FINAL',
      type: snomed('373942005', 'Discharge summary'),
      category: snomed('823691000000103', 'Clinical letter'),
      documentDate: at('2024-06-12T16:30:00Z'),
      authorOdsCode: PROVIDERS.acuteTrust.odsCode,
      authorName: 'Ward 7, Burntwood General Hospital',
      custodianOdsCode: PROVIDERS.acuteTrust.odsCode,
      encounterSourceRecordId: 'Encounter/rnb-adm-5512',
      period: { start: days('2024-06-08'), end: days('2024-06-12') },
      description: 'Discharge summary: community-acquired pneumonia',
      contentType: 'application/pdf',
      title: 'Discharge summary',
      url: null,
      data: Buffer.from('%PDF-1.4 synthetic discharge summary'),
      size: 35,
      replacesSourceRecordId: 'DocumentReference/rnb-ds-2290',
    },
    overrides,
  );
export const diagnosticReportIssued = (overrides: Overrides<DiagnosticReportIssued> = {}) =>
  build<DiagnosticReportIssued>(
    'DiagnosticReportIssued',
    {
      provider: PROVIDERS.acuteTrust,
      sourceRecordId: 'DiagnosticReport/RNB-LAB-24-118832',
      occurredAt: at('2024-03-11T08:05:00Z'),
      version: 2,
    },
    {
      code: snomed('26604007', 'Full blood count'),
      category: 'PATHOLOGY',
      status: 'AMENDED',
      effectiveAt: at('2024-03-11T08:05:00Z'),
      issuedAt: at('2024-03-11T15:20:00Z'),
      performerOdsCode: PROVIDERS.acuteTrust.odsCode,
      conclusion: 'Haemoglobin corrected after repeat analysis.',
      conclusionCodes: [],
      results: [
        {
          code: { system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' },
          status: 'CORRECTED',
          valueQuantity: { value: 102, unit: 'g/L', ucumCode: 'g/L' },
          valueCoded: null,
          valueString: null,
          referenceRange: '115-165 g/L',
          interpretation: 'LOW',
        },
        {
          code: { system: 'http://loinc.org', code: '26464-8', display: 'Leukocytes [#/volume] in Blood' },
          status: 'FINAL',
          valueQuantity: null,
          valueCoded: null,
          valueString: '>30.0',
          referenceRange: null,
          interpretation: 'UNKNOWN',
        },
      ],
    },
    overrides,
  );

export const procedureRecorded = (overrides: Overrides<ProcedureRecorded> = {}) =>
  build<ProcedureRecorded>(
    'ProcedureRecorded',
    {
      provider: PROVIDERS.acuteTrust,
      sourceRecordId: 'Procedure/RNB-THR-24-0412',
      occurredAt: at('2024-03-12T13:05:00Z'),
    },
    {
      code: snomed('45595009', 'Laparoscopic cholecystectomy'),
      status: 'COMPLETED',
      performedAt: at('2024-03-12T13:05:00Z'),
      performedEndAt: at('2024-03-12T14:20:00Z'),
      bodySite: snomed('28231008', 'Gallbladder structure'),
      reason: snomed('235919008', 'Gallstones'),
      outcome: snomed('385669000', 'Successful'),
      performerOdsCode: null,
    },
    overrides,
  );

export function omitHeader<T extends RecordChangeEvent>(event: T): Omit<T, 'header'> {
  const { header: _header, ...body } = event;
  return body;
}

/** Structural problems the forward path would report (errors only; warnings are not problems). */
export const structuralIssues = (resource: Resource) => validateStructure(resource, resource.resourceType);

/** The drafts the forward mapper makes of a rendered resource; fails the test on any issue. */
export function mappedBack(
  resource: Resource,
  options: Partial<FhirMappingOptions> = {},
): AnyRecordChangeDraft[] {
  const result = mapFhirResource(resource, {
    operation: 'create',
    providerOdsCode: PROVIDERS.gpPractice.odsCode,
    ...options,
  });
  if (!result.ok) throw new Error(`expected drafts, got issues: ${JSON.stringify(result.issues, null, 2)}`);
  // The shared record renders record items only; none maps back to an opt-out.
  const optOut = result.value.find(isOptOutDraft);
  if (optOut) throw new Error(`a rendered ${resource.resourceType} mapped back to an opt-out`);
  return result.value as AnyRecordChangeDraft[];
}
