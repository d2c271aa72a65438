import type {
  AdministrativeGender,
  ContactPoint as EventContactPoint,
  PatientDetailsChanged,
  PatientDied,
  PatientRegistered,
} from '@crosscare/events';
import type { Address, ContactPoint, Extension, HumanName, Identifier, Patient } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM } from '../../fhir-systems';
import { CROSSCARE_EXTENSIONS } from '../crosscare-definitions';
import {
  codeableConcept,
  fhirDate,
  fhirInstant,
  nonEmpty,
  optional,
  organisationReference,
} from '../fhir-values';
import { type RenderContext, recordMeta, sourceRecordIdentifier } from '../render-context';
import { patientResourceId } from '../resource-ids';

type PatientDetails = PatientRegistered | PatientDetailsChanged;

const GENDERS: Record<AdministrativeGender, Patient['gender']> = {
  MALE: 'male',
  FEMALE: 'female',
  OTHER: 'other',
  UNKNOWN: 'unknown',
};

const UK_CORE_DEATH_NOTIFICATION_STATUS =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeathNotificationStatus';
const DEATH_NOTIFICATION_STATUS_CODES = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DeathNotificationStatus';
/** PDS death notification statuses, as UK Core codes them. */
const DEATH_NOTIFICATIONS = {
  INFORMAL: {
    code: '1',
    display:
      'Informal - death notice received via an update from a local NHS Organisation such as GP or Trust',
  },
  FORMAL: { code: '2', display: 'Formal - death notice received from Registrar of Deaths' },
  REMOVED: { code: 'U', display: 'Removed' },
} as const;

/**
 * The patient as the shared record shows them: identified by NHS number, with the details one provider holds and the
 * death another may have recorded. Either may be missing; the NHS number alone still makes a Patient to refer to.
 * meta follows the details when there are any, else the death.
 */
export function renderPatient(
  details: PatientDetails | null,
  death: PatientDied | null,
  context: RenderContext,
): Patient {
  const shown = details ?? death;
  return {
    resourceType: 'Patient',
    id: patientResourceId(context.nhsNumber),
    ...optional('meta', shown && recordMeta(shown.header)),
    ...nonEmpty('extension', death === null ? [] : deathExtensions(death)),
    identifier: identifiers(details, death, context.nhsNumber),
    ...(details === null ? {} : demographics(details, context)),
    ...(death === null ? {} : deceased(death)),
  };
}

/** The NHS number, then each provider record shown (details and death may come from the same record). */
function identifiers(details: PatientDetails | null, death: PatientDied | null, nhsNumber: string) {
  const records = new Map<string, Identifier>();
  for (const event of [details, death]) {
    if (event === null) continue;
    const identifier = sourceRecordIdentifier(event.header);
    records.set(`${identifier.system}|${identifier.value}`, identifier);
  }
  return [{ system: NHS_NUMBER_SYSTEM, value: nhsNumber }, ...records.values()];
}

function demographics(details: PatientDetails, context: RenderContext): Partial<Patient> {
  const gp = details.registeredGpPracticeOdsCode;
  return {
    name: [humanName(details)],
    ...nonEmpty('telecom', details.telecom.map(contactPoint)),
    gender: GENDERS[details.gender],
    birthDate: fhirDate(details.birthDate),
    ...optional('address', details.address && [homeAddress(details.address)]),
    ...optional(
      'generalPractitioner',
      gp === null ? null : [organisationReference(gp, context.providerName(gp))],
    ),
  };
}

function humanName({ name }: PatientDetails): HumanName {
  return {
    use: 'usual',
    family: name.family,
    ...nonEmpty('given', name.given),
    ...optional('prefix', name.prefix === null ? null : [name.prefix]),
  };
}

function homeAddress(address: NonNullable<PatientDetails['address']>): Address {
  return {
    use: 'home',
    ...nonEmpty('line', address.lines),
    ...optional('city', address.city),
    ...optional('district', address.district),
    ...optional('postalCode', address.postcode),
  };
}

function contactPoint(contact: EventContactPoint): ContactPoint {
  switch (contact.system) {
    case 'PHONE':
      return { system: 'phone', value: contact.value };
    case 'MOBILE':
      return { system: 'phone', use: 'mobile', value: contact.value };
    case 'EMAIL':
      return { system: 'email', value: contact.value };
    case 'OTHER':
      return { system: 'other', value: contact.value };
  }
}

/**
 * A death with its time is a dateTime, without it a date. A removed notice withdraws the death, so the patient is
 * shown as not deceased, with the notification status saying why.
 */
function deceased(death: PatientDied): Partial<Patient> {
  if (death.notificationStatus === 'REMOVED') return { deceasedBoolean: false };
  return {
    deceasedDateTime:
      death.timeOfDeath === null ? fhirDate(death.dateOfDeath) : fhirInstant(death.timeOfDeath),
  };
}

function deathExtensions(death: PatientDied): Extension[] {
  const extensions: Extension[] = [];
  if (death.notificationStatus !== 'UNKNOWN') {
    const status = DEATH_NOTIFICATIONS[death.notificationStatus];
    extensions.push({
      url: UK_CORE_DEATH_NOTIFICATION_STATUS,
      extension: [
        {
          url: 'deathNotificationStatus',
          valueCodeableConcept: { coding: [{ system: DEATH_NOTIFICATION_STATUS_CODES, ...status }] },
        },
      ],
    });
  }
  if (death.placeOfDeath !== null) {
    extensions.push({
      url: CROSSCARE_EXTENSIONS.placeOfDeath,
      valueCodeableConcept: codeableConcept(death.placeOfDeath),
    });
  }
  return extensions;
}
