import { CrosscareError } from '@crosscare/errors';

/** One thing wrong with the directory's data, located well enough to fix it in the file. */
export interface DirectoryProblem {
  /** The file, relative to the working directory when inside it. */
  readonly file: string;
  /** Where in the file, e.g. `providers[12] (M12345).type`; `(file)` for the file as a whole. */
  readonly element: string;
  readonly reason: string;
}

/**
 * Thrown at start when the provider directory cannot be trusted. Every problem is named at once, so a directory
 * release or an onboarding wave is fixed in one round, and the service never runs on a partly valid directory:
 * a missing or wrong entry would let a provider publish what it should not, or refuse one that should.
 */
export class DirectoryError extends CrosscareError {
  constructor(
    readonly problems: readonly DirectoryProblem[],
    /** What the files are, for the message: the provider directory, or another reviewed data file read with it. */
    subject = 'provider directory',
  ) {
    super(
      `Invalid ${subject} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.file} ${p.element}: ${p.reason}`).join('\n'),
      { retriable: false },
    );
    this.name = 'DirectoryError';
  }
}
