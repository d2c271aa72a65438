type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * The error `work` throws, for tests that assert on its fields. Fails the test (with the unexpected error itself)
 * when `work` throws nothing or throws something other than a `type`.
 */
export function thrownBy<E>(type: ErrorClass<E>, work: () => unknown): E {
  try {
    work();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name} to be thrown, but nothing was`);
}

/** The same for a promise: the `type` it rejects with. */
export async function rejectionOf<E>(type: ErrorClass<E>, promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a rejection with a ${type.name}, but the promise resolved`);
}
