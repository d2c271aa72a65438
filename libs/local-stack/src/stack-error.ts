/**
 * A problem the operator can fix, with a message that says how. The CLI prints only the message (no stack
 * trace), because the trace of a missing JDK helps nobody.
 */
export class StackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StackError';
  }
}
