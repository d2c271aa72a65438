/**
 * Progress for long-running stack commands: one line when a step starts, one when it ends with its duration,
 * and throttled "still working" lines in between, so a CI log shows where the time went.
 */
export interface Progress {
  step<T>(label: string, work: (tick: (detail: string) => void) => Promise<T>): Promise<T>;
  info(message: string): void;
}

export function consoleProgress(
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Progress {
  return {
    async step(label, work) {
      const started = Date.now();
      let lastTick = started;
      write(`▸ ${label} ...`);
      const tick = (detail: string) => {
        const now = Date.now();
        if (now - lastTick < 3000) return;
        lastTick = now;
        write(`  … ${detail} (${seconds(now - started)})`);
      };
      try {
        const result = await work(tick);
        write(`✓ ${label} (${seconds(Date.now() - started)})`);
        return result;
      } catch (error) {
        write(`✗ ${label} (${seconds(Date.now() - started)})`);
        throw error;
      }
    },
    info(message) {
      write(message);
    },
  };
}

export const silentProgress: Progress = {
  step: (_label, work) => work(() => undefined),
  info: () => undefined,
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
