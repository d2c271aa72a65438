import type {
  Address as EventAddress,
  AdministrativeGender,
  AnyRecordChangeDraft,
  ContactPoint as EventContactPoint,
  HumanName as EventHumanName,
  RecordChangeSource,
} from '@crosscare/events';
import type { Address, ContactPoint, HumanName, Patient } from '@medplum/fhirtypes';
import { ODS_ORGANISATION_SYSTEM } from '../fhir-systems';
import { mapCode, odsCodeOf } from '../mapping/codings';
import { daysOfInstant, parsed } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';
import { ownNhsNumber, referencedNhsNumber } from '../mapping/patient-identity';
import { recordSource } from '../mapping/record-source';

const GENDERS: Record<string, AdministrativeGender> = {
  male: 'MALE',
  female: 'FEMALE',
  other: 'OTHER',
  unknown: 'UNKNOWN',
};

/**
 * Patient → PatientRegistered (create) or PatientDetailsChanged (update), plus PatientDied when a death is recorded.
 * A Patient linked `replaced-by` another is a retired duplicate: it yields only PatientMerged, since its details now
 * live on the surviving record.
 */
export function mapPatient(patient: Patient, context: MappingContext): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const nhsNumber = ownNhsNumber(patient.identifier, at, issues);
  const record = recordSource(patient, at, context, []);
  const source: RecordChangeSource | null =
    nhsNumber !== null && record !== null ? { nhsNumber, ...record } : null;

  const replacedBy = (patient.link ?? []).findIndex((link) => link.type === 'replaced-by');
  if (replacedBy >= 0) return merged(patient, replacedBy, source, context);

  const demographics = demographicsOf(patient, at, context);
  const death = deathOf(patient, source, context);
  if (source === null || demographics === null || death === undefined || !issues.isEmpty) return [];
  const drafts: AnyRecordChangeDraft[] = [
    context.operation === 'CREATE'
      ? draft('PatientRegistered', source, demographics)
      : draft('PatientDetailsChanged', source, { ...demographics, changedDetails: [] }),
  ];
  if (death !== null) drafts.push(death);
  return drafts;
}

/**
 * The retired record names its survivor. A link to another Patient record means the provider merged two
 * registrations; a link carrying only an NHS number means the Spine superseded the number.
 */
function merged(patient: Patient, index: number, source: RecordChangeSource | null, context: MappingContext) {
  const { at, issues } = context;
  const other = patient.link?.[index]?.other;
  const location = `${at}.link[${index}].other`;
  const surviving = referencedNhsNumber(other, location, issues, {
    inBundle: context.patients,
    earlier: context.earlierPatients,
  });
  if (surviving !== null && surviving === source?.nhsNumber) {
    issues.invalid(
      location,
      `${location} names the patient's own NHS number: a record cannot be merged into itself`,
    );
  }
  if (source === null || surviving === null || !issues.isEmpty) return [];
  const otherRecord = other?.reference?.startsWith('Patient/') ?? false;
  return [
    draft(
      'PatientMerged',
      { ...source, nhsNumber: surviving },
      {
        retiredNhsNumber: source.nhsNumber,
        survivingNhsNumber: surviving,
        retiredSourceRecordId: otherRecord ? source.sourceRecordId : null,
        reason: otherRecord ? 'DUPLICATE_REGISTRATION' : 'NHS_NUMBER_SUPERSEDED',
      },
    ),
  ];
}

function demographicsOf(patient: Patient, at: string, context: MappingContext) {
  const { issues } = context;
  const name = usualName(patient.name, at, context);
  if (patient.birthDate === undefined) issues.required(`${at}.birthDate`, `${at}.birthDate is required`);
  const birthDate = parsed(patient.birthDate, `${at}.birthDate`, issues)?.days ?? null;
  if (name === null || birthDate === null) return null;
  return {
    name,
    birthDate,
    gender: mapCode(patient.gender, GENDERS, 'UNKNOWN'),
    address: homeAddress(patient.address),
    telecom: (patient.telecom ?? []).flatMap(contactPoint),
    registeredGpPracticeOdsCode: odsCodeOf(patient.generalPractitioner ?? [], ODS_ORGANISATION_SYSTEM),
  };
}

/**
 * A provider records a death informally. Without a date (deceasedBoolean) the date the provider recorded it stands
 * in, so the death is not lost; timeOfDeath stays null. Undefined means the death could not be read.
 */
function deathOf(patient: Patient, source: RecordChangeSource | null, context: MappingContext) {
  const { at, issues } = context;
  if (patient.deceasedDateTime !== undefined) {
    const died = parsed(patient.deceasedDateTime, `${at}.deceasedDateTime`, issues);
    if (died === null) return undefined;
    if (source === null) return null;
    return draft(
      'PatientDied',
      { ...source, occurredAt: died.millis },
      { dateOfDeath: died.days, timeOfDeath: died.hasTime ? died.millis : null, ...INFORMAL },
    );
  }
  if (patient.deceasedBoolean !== true || source === null) return null;
  return draft('PatientDied', source, {
    dateOfDeath: daysOfInstant(source.occurredAt),
    timeOfDeath: null,
    ...INFORMAL,
  });
}

const INFORMAL = { notificationStatus: 'INFORMAL', placeOfDeath: null } as const;

function usualName(names: readonly HumanName[] | undefined, at: string, context: MappingContext) {
  const current = (names ?? []).filter((name) => name.use !== 'old');
  const name =
    current.find((candidate) => candidate.use === 'usual') ??
    current.find((candidate) => candidate.use === 'official') ??
    current[0];
  const index = name === undefined ? -1 : (names ?? []).indexOf(name);
  if (!name?.family?.trim()) {
    const location = index < 0 ? `${at}.name` : `${at}.name[${index}].family`;
    context.issues.required(location, `${location} is required: the patient's family name`);
    return null;
  }
  const result: EventHumanName = {
    prefix: name.prefix?.[0] ?? null,
    given: name.given ?? [],
    family: name.family.trim(),
  };
  return result;
}

function homeAddress(addresses: readonly Address[] | undefined): EventAddress | null {
  const current = (addresses ?? []).filter(
    (address) => address.use !== 'old' && address.period?.end === undefined,
  );
  const address = current.find((candidate) => candidate.use === 'home') ?? current[0];
  if (address === undefined) return null;
  return {
    lines: address.line ?? [],
    city: address.city ?? null,
    district: address.district ?? null,
    postcode: address.postalCode ? ukPostcode(address.postalCode) : null,
  };
}

/** Postcodes travel upper case with one space before the inward code (B152TT → B15 2TT). */
function ukPostcode(value: string): string {
  const compact = value.toUpperCase().replace(/\s+/g, '');
  return compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}

function contactPoint(contact: ContactPoint): EventContactPoint[] {
  if (!contact.value || contact.use === 'old') return [];
  if (contact.system === 'email') return [{ system: 'EMAIL', value: contact.value }];
  if (contact.system === 'sms' || (contact.system === 'phone' && contact.use === 'mobile')) {
    return [{ system: 'MOBILE', value: contact.value }];
  }
  if (contact.system === 'phone') return [{ system: 'PHONE', value: contact.value }];
  return [{ system: 'OTHER', value: contact.value }];
}
