import type { OptOutStatus } from './opt-out-changed';
import { optOutStands } from './opt-out-changed';
import { NdopFileError, type NdopFile } from './ndop-file';

/** What an import of one answer changes on the opt-out topic, and the figures its summary prints. */
export interface NdopImportPlan {
  /** Distinct NHS numbers submitted. */
  readonly cohort: number;
  /** Submitted but not returned: opted out now. */
  readonly optedOut: number;
  /** Opted out now, and not ACTIVE on the topic: each gets an ACTIVE change. */
  readonly newlyActive: readonly string[];
  /** Returned now (may be used), and standing on the topic: each gets a WITHDRAWN change. */
  readonly withdrawn: readonly string[];
  /** Cohort members whose opt-out state the topic already holds. */
  readonly unchanged: number;
}

/**
 * The difference an answer makes. The answer speaks only of the submitted cohort: a number outside it keeps whatever
 * the topic says. Inside it, a number the service did not return has an opt-out (ACTIVE unless already so); a
 * returned number has none, so an opt-out the topic holds for it was withdrawn. A returned number that was never
 * submitted means the files are not a submission and its answer: nothing can be concluded from them, so it is refused.
 *
 * @param current the topic's National Data Opt-out state, by NHS number (other kinds play no part)
 */
export function planNdopImport(
  submitted: NdopFile,
  returned: NdopFile,
  current: ReadonlyMap<string, OptOutStatus>,
): NdopImportPlan {
  const cohort = new Set(submitted.entries.map((e) => e.nhsNumber));
  const stranger = returned.entries.find((e) => !cohort.has(e.nhsNumber));
  if (stranger)
    throw new NdopFileError(
      returned.name,
      stranger.line,
      `this NHS number is not in the submission ${submitted.name}, so the two files are not a submission and its ` +
        'answer',
    );
  const mayBeUsed = new Set(returned.entries.map((e) => e.nhsNumber));
  const newlyActive: string[] = [];
  const withdrawn: string[] = [];
  let optedOut = 0;
  for (const nhsNumber of cohort) {
    const now = current.get(nhsNumber);
    if (mayBeUsed.has(nhsNumber)) {
      if (now !== undefined && optOutStands(now)) withdrawn.push(nhsNumber);
    } else {
      optedOut++;
      if (now !== 'ACTIVE') newlyActive.push(nhsNumber);
    }
  }
  return {
    cohort: cohort.size,
    optedOut,
    newlyActive,
    withdrawn,
    unchanged: cohort.size - newlyActive.length - withdrawn.length,
  };
}
