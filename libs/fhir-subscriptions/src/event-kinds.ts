import type { EncounterClass } from '@crosscare/events';

/**
 * The `event-kind` filter's values: the encounter classes as a FHIR search value is written (lower case, dashes).
 * Total over EncounterClass, so a new class does not reach subscribers unnamed.
 */
const EVENT_KIND_OF: { readonly [C in EncounterClass]: string } = {
  INPATIENT: 'inpatient',
  DAY_CASE: 'day-case',
  OUTPATIENT: 'outpatient',
  EMERGENCY: 'emergency',
  AMBULANCE_INCIDENT: 'ambulance-incident',
  COMMUNITY: 'community',
  HOME_VISIT: 'home-visit',
  VIRTUAL: 'virtual',
  PRIMARY_CARE: 'primary-care',
  OTHER: 'other',
};

export const EVENT_KINDS: readonly string[] = Object.values(EVENT_KIND_OF);

export const eventKindOf = (encounterClass: EncounterClass): string => EVENT_KIND_OF[encounterClass];
