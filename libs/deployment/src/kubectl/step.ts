/** One line when a step starts and one when it ends, with its duration, so a CI log shows where the time went. */
export type Step = <T>(label: string, work: () => Promise<T>) => Promise<T>;

export function consoleStep(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Step {
  return async (label, work) => {
    const started = Date.now();
    write(`▸ ${label} ...`);
    const took = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
    try {
      const result = await work();
      write(`✓ ${label} (${took()})`);
      return result;
    } catch (error) {
      write(`✗ ${label} (${took()})`);
      throw error;
    }
  };
}

export const silentStep: Step = (_label, work) => work();
