import { CrosscareError } from '@crosscare/errors';

/** One environment variable that failed validation, and why. */
export interface ConfigProblem {
  readonly variable: string;
  readonly reason: string;
}

/**
 * Thrown once at start when the environment is unusable. The message names every bad variable at once, so an
 * operator fixes a deployment in one round instead of one restart per mistake.
 */
export class ConfigError extends CrosscareError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n'),
      { retriable: false },
    );
    this.name = 'ConfigError';
  }
}
