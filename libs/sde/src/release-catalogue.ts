import { EVENT_TYPES, type EventType } from '@crosscare/events';

/**
 * What of each record-change event may ever be released to a secure data environment, and in what form. An
 * allowlist: a field not named here never leaves the backbone, whatever a project asks for, so a field added to an
 * event later stays inside until someone classifies it here (and a reviewer sees the change).
 *
 * Never here, and so never released: names, address lines, towns, telecom, NHS numbers (pseudonymised instead),
 * source record ids, prescription ids, UBRNs, batch numbers, staff and team names, every free-text field (dosage
 * text, descriptions, titles, string values, services typed by hand, alerts' text and notes), and documents' content
 * and URLs. Coded values are released as system and code
 * only: the display is the sender's text and some systems put free text there.
 */
export type Treatment =
  /** A CodedValue: { system, code }. */
  | 'coded'
  /** An array of CodedValue: [{ system, code }]. */
  | 'coded-list'
  /** An enum symbol, released as its string. */
  | 'symbol'
  /** An array of enum symbols. */
  | 'symbol-list'
  /** An event date (Avro date), generalised to the project's event-date precision. */
  | 'event-date'
  /** An event time (timestamp-millis), released as a date at the project's event-date precision: never a time. */
  | 'event-time'
  /** A Period of dates, each end generalised to the event-date precision. */
  | 'period'
  /** A date of birth, generalised to the project's birth-date precision (year, or year and month). */
  | 'birth-date'
  /** A Quantity: value, unit and UCUM code. */
  | 'quantity'
  /**
   * A diagnostic report's results: each one's code, status, numeric or coded value and abnormal flag. Never its
   * text value or reference range, which laboratories use for comments.
   */
  | 'result-list'
  | 'int'
  | 'boolean'
  /** An organisation's ODS code (not a person's identifier; a project asks for it explicitly). */
  | 'organisation'
  /** A postcode, cut to the project's geography (area, district or sector). */
  | 'postcode'
  /** An NHS number: released as the patient's pseudonym within the project. */
  | 'patient-pseudonym'
  /** A source record id of the sending provider: released as the record's pseudonym within the project. */
  | 'record-pseudonym'
  /** The name of an event type (RecordRemoved's removedEventType): a name from the contract, not data. */
  | 'event-type';

export interface ReleasableField {
  /** The field's name in the project's rows. */
  readonly name: string;
  /** Where it is in the event: a field name, or a dotted path into a nested record (address.postcode). */
  readonly from: string;
  readonly treatment: Treatment;
}

const f = (name: string, treatment: Treatment, from: string = name): ReleasableField => ({
  name,
  from,
  treatment,
});

/** The releasable fields of each event, beside the header's (pseudonym, dates, provider context). */
export const RELEASE_CATALOGUE: Readonly<Record<EventType, readonly ReleasableField[]>> = {
  // The alert's coded content only: its text, notes and author never leave (notes are free text about a person).
  AlertRecorded: [
    f('code', 'coded'),
    f('category', 'coded'),
    f('reasonableAdjustment', 'boolean'),
    f('status', 'symbol'),
    f('period', 'period'),
  ],
  AllergyRecorded: [
    f('substance', 'coded'),
    f('category', 'symbol'),
    f('clinicalStatus', 'symbol'),
    f('criticality', 'symbol'),
    f('onsetDate', 'event-date'),
  ],
  CarePlanRecorded: [
    f('category', 'coded'),
    f('status', 'symbol'),
    f('period', 'period'),
    f('addresses', 'coded-list'),
  ],
  // That a document of a kind was written, and when: never its content, URL, title, description or authors.
  DocumentRecorded: [f('type', 'coded'), f('documentDate', 'event-time')],
  EncounterEnded: [
    f('endedAt', 'event-time'),
    f('outcome', 'symbol'),
    f('dischargeDestination', 'coded'),
    f('diagnoses', 'coded-list'),
  ],
  EncounterStarted: [
    f('encounterClass', 'symbol'),
    f('careSetting', 'symbol'),
    f('startedAt', 'event-time'),
    f('admissionSource', 'coded'),
    f('locationOdsCode', 'organisation'),
    f('specialty', 'coded'),
    f('reason', 'coded'),
  ],
  // The report's coded content; its conclusion is the reporter's free text and never leaves.
  DiagnosticReportIssued: [
    f('code', 'coded'),
    f('category', 'symbol'),
    f('status', 'symbol'),
    f('effectiveAt', 'event-time'),
    f('performerOdsCode', 'organisation'),
    f('conclusionCodes', 'coded-list'),
    f('results', 'result-list'),
  ],
  EndOfLifePreferencesRecorded: [
    f('preferredPlaceOfDeath', 'symbol'),
    f('dnacprDecision', 'symbol'),
    f('dnacprDecisionDate', 'event-date'),
    f('respectFormInPlace', 'boolean'),
    f('lastingPowerOfAttorney', 'symbol'),
    f('reviewDate', 'event-date'),
  ],
  ImmunisationRecorded: [
    f('vaccine', 'coded'),
    f('status', 'symbol'),
    f('administeredAt', 'event-time'),
    f('doseNumber', 'int'),
    f('site', 'coded'),
  ],
  MedicationDispensed: [
    f('pharmacyOdsCode', 'organisation'),
    f('medication', 'coded'),
    f('quantity', 'quantity'),
    f('status', 'symbol'),
  ],
  MedicationPrescribed: [
    f('medication', 'coded'),
    f('quantity', 'quantity'),
    f('courseType', 'symbol'),
    f('status', 'symbol'),
    f('courseEndDate', 'event-date'),
  ],
  ObservationRecorded: [
    f('code', 'coded'),
    f('category', 'symbol'),
    f('effectiveAt', 'event-time'),
    f('valueQuantity', 'quantity'),
    f('valueCoded', 'coded'),
    f('interpretation', 'symbol'),
  ],
  PatientDetailsChanged: [
    f('birthDate', 'birth-date'),
    f('gender', 'symbol'),
    f('postcode', 'postcode', 'address.postcode'),
    f('registeredGpPracticeOdsCode', 'organisation'),
    f('changedDetails', 'symbol-list'),
  ],
  PatientDied: [
    f('dateOfDeath', 'event-date'),
    f('notificationStatus', 'symbol'),
    f('placeOfDeath', 'coded'),
  ],
  PatientMerged: [
    f('retiredPseudonym', 'patient-pseudonym', 'retiredNhsNumber'),
    f('survivingPseudonym', 'patient-pseudonym', 'survivingNhsNumber'),
    f('reason', 'symbol'),
  ],
  PatientRegistered: [
    f('birthDate', 'birth-date'),
    f('gender', 'symbol'),
    f('postcode', 'postcode', 'address.postcode'),
    f('registeredGpPracticeOdsCode', 'organisation'),
  ],
  ProcedureRecorded: [
    f('code', 'coded'),
    f('status', 'symbol'),
    f('performedAt', 'event-time'),
    f('bodySite', 'coded'),
    f('reason', 'coded'),
    f('outcome', 'coded'),
    f('performerOdsCode', 'organisation'),
  ],
  ProblemRecorded: [
    f('code', 'coded'),
    f('clinicalStatus', 'symbol'),
    f('verificationStatus', 'symbol'),
    f('significance', 'symbol'),
    f('onsetDate', 'event-date'),
    f('abatementDate', 'event-date'),
  ],
  RecordRemoved: [
    f('removedEventType', 'event-type'),
    f('removedRecordId', 'record-pseudonym', 'removedSourceRecordId'),
    f('reason', 'symbol'),
    f('replacedByRecordId', 'record-pseudonym', 'replacedBySourceRecordId'),
  ],
  ReferralMade: [
    f('service', 'coded'),
    f('recipientOdsCode', 'organisation'),
    f('priority', 'symbol'),
    f('status', 'symbol'),
    f('reason', 'coded'),
  ],
  // An objection to direct-care sharing, not to research: its status alone, if a project asks.
  SharingObjectionRecorded: [f('status', 'symbol')],
  // Restricted (safeguarding) involvements are never released at all: see the minimiser.
  SocialCareInvolvementRecorded: [
    f('councilCode', 'organisation'),
    f('involvementType', 'symbol'),
    f('period', 'period'),
    f('recordKind', 'symbol'),
  ],
};

/**
 * Fields of the header a project may ask for, beside those every row carries (pseudonym, row id, record id, event
 * type, operation, occurred date at the project's precision).
 */
export const CONTEXT_FIELDS = ['ics', 'collaborative', 'providerType', 'providerOdsCode'] as const;
export type ContextField = (typeof CONTEXT_FIELDS)[number];

export function isEventType(name: string): name is EventType {
  return (EVENT_TYPES as readonly string[]).includes(name);
}
