import { CrosscareError } from '@crosscare/errors';

/**
 * What stops an export: a bad --out, a project whose rows or schemas cannot be read as approved, a store that is not
 * the publisher's. Not retriable: running it again unchanged fails the same way (an outage surfaces as the
 * database's or the registry's own error instead).
 */
export class SdeExportError extends CrosscareError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}
