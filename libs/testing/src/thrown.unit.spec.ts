import { rejectionOf, thrownBy } from './thrown';

class Expected extends Error {}
class Other extends Error {}

describe('thrownBy / rejectionOf', () => {
  it('return the error of the expected class', async () => {
    const error = new Expected('boom');
    expect(
      thrownBy(Expected, () => {
        throw error;
      }),
    ).toBe(error);
    expect(await rejectionOf(Expected, Promise.reject(error))).toBe(error);
  });

  it('rethrow an error of another class, so the test shows what really happened', async () => {
    const other = new Other('unexpected');
    expect(() =>
      thrownBy(Expected, () => {
        throw other;
      }),
    ).toThrow(other);
    await expect(rejectionOf(Expected, Promise.reject(other))).rejects.toBe(other);
  });

  it('fail when nothing is thrown', async () => {
    expect(() => thrownBy(Expected, () => 1)).toThrow('expected a Expected to be thrown, but nothing was');
    await expect(rejectionOf(Expected, Promise.resolve(1))).rejects.toThrow('but the promise resolved');
  });
});
