import { testNhsNumber } from '@crosscare/events/synthetic';
import { followMerges, type MergePointers } from './merge-resolution';

const [A, B, C, D] = [1, 2, 3, 4].map(testNhsNumber);

/** Pointers as the two read models hold them: number → survivor on this side, and on the other. */
function pointers(local: Record<string, string>, remote: Record<string, string> = {}) {
  const asked: string[] = [];
  const lookup = (n: string): Promise<MergePointers> => {
    asked.push(n);
    return Promise.resolve({ local: local[n] ?? null, remote: remote[n] ?? null });
  };
  return { lookup, asked };
}

describe('following merges', () => {
  it('given a number nobody merged, then it answers for itself', async () => {
    expect(await followMerges(A, pointers({}).lookup)).toEqual({ survivor: A, path: [A] });
  });

  it('given a number this side retired, then its survivor answers', async () => {
    expect(await followMerges(A, pointers({ [A]: B }).lookup)).toEqual({ survivor: B, path: [A, B] });
  });

  it('given a number only the other collaborative retired, then its survivor answers too', async () => {
    expect(await followMerges(A, pointers({}, { [A]: B }).lookup)).toEqual({ survivor: B, path: [A, B] });
  });

  it('given the two sides disagree, then this side, whose items moved by its merge, wins', async () => {
    expect((await followMerges(A, pointers({ [A]: B }, { [A]: C }).lookup)).survivor).toBe(B);
  });

  it('given merges on both sides that chain, then the chain is followed to its end', async () => {
    expect(await followMerges(A, pointers({ [A]: B }, { [B]: C }).lookup)).toEqual({
      survivor: C,
      path: [A, B, C],
    });
  });

  it('given a cycle between the sides, then it stops at the last new number instead of looping', async () => {
    const { lookup, asked } = pointers({ [A]: B }, { [B]: A });
    expect(await followMerges(A, lookup)).toEqual({ survivor: B, path: [A, B] });
    expect(asked).toEqual([A, B]);
  });

  it('given a chain longer than the hop limit, then it stops at the limit', async () => {
    const { lookup } = pointers({ [A]: B, [B]: C, [C]: D });
    expect(await followMerges(A, lookup, 2)).toEqual({ survivor: C, path: [A, B, C] });
  });
});
