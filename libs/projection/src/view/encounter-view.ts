import {
  MILLIS_PER_DAY,
  type CareSetting,
  type EncounterClass,
  type EncounterEnded,
  type EncounterOutcome,
  type EncounterStarted,
} from '@crosscare/events';
import { compareCodeUnits } from '../item-key';
import { provenanceOf, type Provenance, type ProviderNames } from './provenance';
import { codeOf, codeOrNull, isoInstant, type Code } from './readable';

export interface EncounterStart {
  readonly encounterClass: EncounterClass;
  readonly careSetting: CareSetting;
  readonly startedAt: string;
  readonly admissionSource: Code | null;
  readonly locationOdsCode: string | null;
  readonly specialty: Code | null;
  readonly reason: Code | null;
  readonly provenance: Provenance;
}

export interface EncounterEnd {
  readonly endedAt: string;
  readonly outcome: EncounterOutcome;
  readonly dischargeDestination: Code | null;
  readonly diagnoses: Code[];
  readonly provenance: Provenance;
}

/**
 * One encounter, its two parts paired. Either part may be missing: the end of an encounter can reach Crosscare
 * before its start, or the start may have been removed.
 */
export interface EncounterEntry {
  /** True while no end has been recorded. */
  readonly open: boolean;
  readonly started: EncounterStart | null;
  readonly ended: EncounterEnd | null;
}

export interface EncounterWindow {
  readonly now: number;
  readonly recentDays: number;
}

/** An encounter's current parts, as a provider's one record: either may be missing. */
export interface EncounterPair {
  readonly started?: EncounterStarted;
  readonly ended?: EncounterEnded;
}

/**
 * Encounters that started within the window, or are still open however long ago they started, newest first. An
 * encounter known only by its end is placed, and judged recent, by when it ended.
 */
export function encountersOf(
  starts: readonly EncounterStarted[],
  ends: readonly EncounterEnded[],
  window: EncounterWindow,
  names: ProviderNames | undefined,
): EncounterEntry[] {
  const since = window.now - window.recentDays * MILLIS_PER_DAY;
  return encounterPairs(starts, ends)
    .filter((pair) => pair.ended === undefined || placedAt(pair) >= since)
    .sort((a, b) => placedAt(b) - placedAt(a) || compareCodeUnits(eventIdOf(a), eventIdOf(b)))
    .map((pair) => encounterEntryOf(pair.started ?? null, pair.ended ?? null, names));
}

/** Each encounter's start and end paired by the provider's record they belong to. */
export function encounterPairs(
  starts: readonly EncounterStarted[],
  ends: readonly EncounterEnded[],
): EncounterPair[] {
  const pairs = new Map<string, { started?: EncounterStarted; ended?: EncounterEnded }>();
  const pairOf = (event: EncounterStarted | EncounterEnded) => {
    const key = JSON.stringify([event.header.providerOdsCode, event.header.sourceRecordId]);
    let pair = pairs.get(key);
    if (pair === undefined) pairs.set(key, (pair = {}));
    return pair;
  };
  for (const started of starts) pairOf(started).started = started;
  for (const ended of ends) pairOf(ended).ended = ended;
  return [...pairs.values()];
}

/** One encounter as the view shows it, from whichever of its parts are known (at least one). */
export function encounterEntryOf(
  started: EncounterStarted | null,
  ended: EncounterEnded | null,
  names: ProviderNames | undefined,
): EncounterEntry {
  return {
    open: ended === null,
    started: started === null ? null : startOf(started, names),
    ended: ended === null ? null : endOf(ended, names),
  };
}

function placedAt(pair: EncounterPair): number {
  return pair.started?.startedAt ?? (pair.ended as EncounterEnded).endedAt;
}

function eventIdOf(pair: EncounterPair): string {
  return (pair.started ?? (pair.ended as EncounterEnded)).header.eventId;
}

function startOf(event: EncounterStarted, names: ProviderNames | undefined): EncounterStart {
  return {
    encounterClass: event.encounterClass,
    careSetting: event.careSetting,
    startedAt: isoInstant(event.startedAt),
    admissionSource: codeOrNull(event.admissionSource),
    locationOdsCode: event.locationOdsCode,
    specialty: codeOrNull(event.specialty),
    reason: codeOrNull(event.reason),
    provenance: provenanceOf(event, names),
  };
}

function endOf(event: EncounterEnded, names: ProviderNames | undefined): EncounterEnd {
  return {
    endedAt: isoInstant(event.endedAt),
    outcome: event.outcome,
    dischargeDestination: codeOrNull(event.dischargeDestination),
    diagnoses: event.diagnoses.map(codeOf),
    provenance: provenanceOf(event, names),
  };
}
