import type {
  Address,
  AdministrativeGender,
  ContactPoint,
  DeathNotificationStatus,
  DnacprDecision,
  EndOfLifePreferencesRecorded,
  HumanName,
  LastingPowerOfAttorney,
  PatientDetailsChanged,
  PatientDied,
  PatientRegistered,
  PreferredPlaceOfDeath,
} from '@crosscare/events';
import { newestFirst } from './order';
import { provenanceOf, type Provenance, type ProviderNames } from './provenance';
import { codeOrNull, isoDate, isoDateOrNull, isoInstantOrNull, type Code } from './readable';

/** The patient's details as the provider that changed them last holds them. */
export interface DemographicsEntry {
  readonly name: HumanName;
  readonly birthDate: string;
  readonly gender: AdministrativeGender;
  readonly address: Address | null;
  readonly telecom: ContactPoint[];
  /** How many other providers' details there are, which may differ: a prompt to check before relying on these. */
  readonly otherSources: number;
  readonly provenance: Provenance;
}

export interface RegisteredGpEntry {
  readonly practiceOdsCode: string;
  readonly practiceName: string | null;
  readonly provenance: Provenance;
}

export interface DeathEntry {
  readonly dateOfDeath: string;
  readonly timeOfDeath: string | null;
  readonly notificationStatus: DeathNotificationStatus;
  readonly placeOfDeath: Code | null;
  readonly provenance: Provenance;
}

export interface EndOfLifeEntry {
  readonly preferredPlaceOfDeath: PreferredPlaceOfDeath | null;
  readonly dnacprDecision: DnacprDecision;
  readonly dnacprDecisionDate: string | null;
  readonly respectFormInPlace: boolean;
  readonly lastingPowerOfAttorney: LastingPowerOfAttorney;
  readonly reviewDate: string | null;
  readonly provenance: Provenance;
}

type Details = PatientRegistered | PatientDetailsChanged;

export function demographicsOf(
  details: readonly Details[],
  providerName: ProviderNames | undefined,
): DemographicsEntry | null {
  const [latest] = newestFirst(details);
  if (latest === undefined) return null;
  return {
    name: { prefix: latest.name.prefix, given: [...latest.name.given], family: latest.name.family },
    birthDate: isoDate(latest.birthDate),
    gender: latest.gender,
    address: latest.address && {
      lines: [...latest.address.lines],
      city: latest.address.city,
      district: latest.address.district,
      postcode: latest.address.postcode,
    },
    telecom: latest.telecom.map(({ system, value }) => ({ system, value })),
    otherSources: details.length - 1,
    provenance: provenanceOf(latest, providerName),
  };
}

/** From the latest details that name a practice: a provider that does not know the GP says nothing about it. */
export function registeredGpOf(
  details: readonly Details[],
  providerName: ProviderNames | undefined,
): RegisteredGpEntry | null {
  const [latest] = newestFirst(details.filter((event) => event.registeredGpPracticeOdsCode !== null));
  if (!latest?.registeredGpPracticeOdsCode) return null;
  const practiceOdsCode = latest.registeredGpPracticeOdsCode;
  return {
    practiceOdsCode,
    practiceName: providerName?.(practiceOdsCode) ?? null,
    provenance: provenanceOf(latest, providerName),
  };
}

const DEATH_AUTHORITY: { readonly [S in DeathNotificationStatus]: number } = {
  FORMAL: 2,
  INFORMAL: 1,
  UNKNOWN: 0,
  REMOVED: -1,
};

/**
 * The death notice to show: a formal one (from the death registration) over any informal one (from a provider),
 * then the latest (the sort is stable). A notice marked REMOVED was withdrawn and is not shown.
 */
export function deathOf(
  notices: readonly PatientDied[],
  providerName: ProviderNames | undefined,
): DeathEntry | null {
  const standing = notices.filter((notice) => notice.notificationStatus !== 'REMOVED');
  const [shown] = newestFirst(standing).sort(
    (a, b) => DEATH_AUTHORITY[b.notificationStatus] - DEATH_AUTHORITY[a.notificationStatus],
  );
  if (shown === undefined) return null;
  return {
    dateOfDeath: isoDate(shown.dateOfDeath),
    timeOfDeath: isoInstantOrNull(shown.timeOfDeath),
    notificationStatus: shown.notificationStatus,
    placeOfDeath: codeOrNull(shown.placeOfDeath),
    provenance: provenanceOf(shown, providerName),
  };
}

/** The latest preferences: each event carries the complete current set, so the latest alone is the state. */
export function endOfLifeOf(
  preferences: readonly EndOfLifePreferencesRecorded[],
  providerName: ProviderNames | undefined,
): EndOfLifeEntry | null {
  const [latest] = newestFirst(preferences);
  if (latest === undefined) return null;
  return {
    preferredPlaceOfDeath: latest.preferredPlaceOfDeath,
    dnacprDecision: latest.dnacprDecision,
    dnacprDecisionDate: isoDateOrNull(latest.dnacprDecisionDate),
    respectFormInPlace: latest.respectFormInPlace,
    lastingPowerOfAttorney: latest.lastingPowerOfAttorney,
    reviewDate: isoDateOrNull(latest.reviewDate),
    provenance: provenanceOf(latest, providerName),
  };
}
