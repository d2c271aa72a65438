/** Where each collaborative says a number now lives: its survivor, or null when it has not merged the number. */
export interface MergePointers {
  /** This deployment's collaborative (the patient table's merged_into). */
  readonly local: string | null;
  /** The other collaborative (its published record's mergedInto). */
  readonly remote: string | null;
}

export interface MergeResolution {
  /** The number whose record answers. */
  readonly survivor: string;
  /** Every number passed on the way, the asked one first, the survivor last. */
  readonly path: readonly string[];
}

/** Each projector compresses its chains to one hop; two collaboratives' merges may chain, hence a few more. */
export const MAX_MERGE_HOPS = 4;

/**
 * Follows merges from the asked number to the one whose record answers. A merge is applied only by the collaborative
 * whose provider sent it, so either side may know it: this side's pointer wins when both have one (it is what this
 * side's items moved by), the other side's is followed when only it has one. A cycle or an over-long chain stops
 * at the last number reached rather than failing the read: its record is the best answer there is.
 */
export async function followMerges(
  asked: string,
  pointersOf: (nhsNumber: string) => Promise<MergePointers>,
  maxHops = MAX_MERGE_HOPS,
): Promise<MergeResolution> {
  const path = [asked];
  for (let hop = 0; hop < maxHops; hop++) {
    const current = path[path.length - 1];
    const pointers = await pointersOf(current);
    const next = pointers.local ?? pointers.remote;
    if (next === null || next === current || path.includes(next)) break;
    path.push(next);
  }
  return { survivor: path[path.length - 1], path };
}
