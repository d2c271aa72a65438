import { chunksOf } from './outbox-relay';

const row = (id: number, bytes: number) => ({ id, payload: Buffer.alloc(bytes) });

describe('the changelog relay splits what it sends', () => {
  it('given rows within the limit, sends them in one go', () => {
    expect(chunksOf([row(1, 10), row(2, 10)], 100).map((c) => c.map((r) => r.id))).toEqual([[1, 2]]);
  });

  it('given more than the limit, splits in order without exceeding it', () => {
    const chunks = chunksOf([row(1, 60), row(2, 30), row(3, 20), row(4, 90)], 100);
    expect(chunks.map((c) => c.map((r) => r.id))).toEqual([[1, 2], [3], [4]]);
    for (const chunk of chunks)
      expect(chunk.reduce((n, r) => n + r.payload.length, 0)).toBeLessThanOrEqual(100);
  });

  it('given a row larger than the limit, sends it alone rather than never', () => {
    expect(chunksOf([row(1, 10), row(2, 500), row(3, 10)], 100).map((c) => c.map((r) => r.id))).toEqual([
      [1],
      [2],
      [3],
    ]);
  });
});
