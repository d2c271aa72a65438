import type { Provider } from '@crosscare/governance';
import type { PatientPlan } from '../patients/patient-plan';
import type { Random } from '../random/seeded-random';
import type { RegionFrame } from '../region-options';
import type { RecordIds } from '../timeline/source-record';
import type { Message } from '../timeline/message';

/** What a storyline knows while it tells one patient's history. */
export interface Story {
  readonly region: RegionFrame;
  readonly plan: PatientPlan;
  /** The storyline's own generator: what it draws never shifts another storyline's draws. */
  readonly rng: Random;
  readonly ids: RecordIds;
  /**
   * Where routine care stops: the region's end, or a fortnight before a planned death, whose last weeks belong to
   * the later-life storyline. An episode that would run past it is not started.
   */
  readonly until: number;
}

/**
 * One thread of a patient's care (a long-term condition, emergencies, social care...), as the messages providers
 * send, in time order. Threads run side by side; the patient's timeline interleaves them.
 */
export type Storyline = (story: Story) => Iterable<Message>;

/**
 * The messages in time order, those at the same instant in the order they were made (sort is stable). Each is let
 * go as it is told: a region holds every patient's unfinished episode at once.
 */
export function* inTimeOrder(messages: Message[]): Generator<Message> {
  const backwards = messages.sort((a, b) => a.at - b.at).reverse();
  for (let next = backwards.pop(); next !== undefined; next = backwards.pop()) yield next;
}

/** The end of the latest message, for starting the next episode after it. */
export function lastAt(messages: readonly Message[], otherwise: number): number {
  let last = otherwise;
  for (const m of messages) if (m.at > last) last = m.at;
  return last;
}

/** Days until the next event of a Poisson process with `perYear` events a year. */
export function daysUntilNext(rng: Random, perYear: number): number {
  return Math.ceil((-Math.log(1 - rng.next()) * 365) / perYear);
}

/**
 * Whether an episode ending at `end` may be told: always when the patient outlives the region (the region's end
 * cuts it short like any live feed), only when it ends in time when the patient dies, since nobody is discharged
 * after their death.
 */
export function finishesInTime(story: Story, end: number): boolean {
  return story.plan.death === undefined || end < story.until;
}

/**
 * A message without changes at the moment an episode starts. A storyline yields it, and builds the episode only
 * when resumed: the region holds every patient's next episode at once, often months ahead, and a time is cheaper
 * to hold than an episode's messages.
 */
export function episodeStart(at: number, provider: Provider): Message {
  return { at, provider, changes: [] };
}
