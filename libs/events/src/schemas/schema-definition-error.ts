import { CrosscareError } from '@crosscare/errors';

/**
 * A schema file breaks the contract's rules. The message starts with the file so that whoever edits schemas/
 * sees at once which file to open.
 */
export class SchemaDefinitionError extends CrosscareError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`, { retriable: false });
    this.name = 'SchemaDefinitionError';
  }
}
