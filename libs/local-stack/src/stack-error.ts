import { CrosscareError } from '@crosscare/errors';

/**
 * A problem the operator can fix, with a message that says how. The CLI prints only the message (no stack
 * trace), because the trace of a missing JDK helps nobody.
 */
export class StackError extends CrosscareError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { retriable: false, cause: options?.cause });
    this.name = 'StackError';
  }
}
