import { CrosscareError } from '@crosscare/errors';

/**
 * The registry's one error type: an HTTP status and Confluent's error_code, so that every Confluent-compatible
 * client (Java, Go, Python, kafkajs) sees the body it already knows: {"error_code": 40401, "message": "..."}.
 * Messages follow Confluent's wording where clients or operators might match on it.
 */
export class RegistryError extends CrosscareError {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    // Retriable as the registry's clients read the status (libs/events isRetriableStatus): the store's failure
    // (500, 50001) may pass, while every 4xx is an answer about the request itself.
    super(message, { retriable: status >= 500 || status === 429 });
    this.name = 'RegistryError';
  }
}

export const subjectNotFound = (subject: string) =>
  new RegistryError(404, 40401, `Subject '${subject}' not found.`);

export const versionNotFound = (subject: string, version: number | string) =>
  new RegistryError(404, 40402, `Version ${version} not found for subject '${subject}'.`);

export const schemaNotFound = (detail = 'Schema not found') => new RegistryError(404, 40403, detail);

export const subjectSoftDeleted = (subject: string) =>
  new RegistryError(
    404,
    40404,
    `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`,
  );

export const subjectNotSoftDeleted = (subject: string) =>
  new RegistryError(
    404,
    40405,
    `Subject '${subject}' was not deleted first before being permanently deleted`,
  );

export const versionSoftDeleted = (subject: string, version: number) =>
  new RegistryError(
    404,
    40406,
    `Subject '${subject}' Version ${version} was soft deleted. Set permanent=true to delete permanently`,
  );

export const versionNotSoftDeleted = (subject: string, version: number) =>
  new RegistryError(
    404,
    40407,
    `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
  );

export const subjectCompatibilityNotConfigured = (subject: string) =>
  new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`);

export const subjectModeNotConfigured = (subject: string) =>
  new RegistryError(404, 40409, `Subject '${subject}' does not have subject-level mode configured`);

/** HTTP 409 with error_code 40901; Confluent Platform itself answers error_code 409 (see docs/schemas.md). */
export const incompatibleSchema = (messages: readonly string[]) =>
  new RegistryError(
    409,
    40901,
    `Schema being registered is incompatible with an earlier schema: ${messages.join('; ')}`,
  );

export const invalidSchema = (reason: string) => new RegistryError(422, 42201, `Invalid schema: ${reason}`);

export const invalidVersion = (version: string) =>
  new RegistryError(
    422,
    42202,
    `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );

export const invalidCompatibilityLevel = (level: unknown) =>
  new RegistryError(
    422,
    42203,
    `Invalid compatibility level ${JSON.stringify(level)}. Valid values are none, backward, forward, full, ` +
      'backward_transitive, forward_transitive, and full_transitive',
  );

export const invalidMode = (mode: unknown) =>
  new RegistryError(
    422,
    42204,
    `Invalid mode ${JSON.stringify(mode)}. Valid values are READWRITE, READONLY, READONLY_OVERRIDE, and IMPORT`,
  );

export const operationNotPermitted = (message: string) => new RegistryError(422, 42205, message);

export const idDoesNotMatch = (message: string) => new RegistryError(422, 42207, message);

export const invalidSubject = (subject: string) =>
  new RegistryError(422, 42208, `The specified subject '${subject}' is not valid.`);

export const invalidRequest = (message: string) => new RegistryError(422, 422, message);

/** Missing or wrong credentials: Confluent's code and wording, so clients report it as an auth failure. */
export const unauthorized = () => new RegistryError(401, 40101, 'Unauthorized');

export const writerRoleRequired = (user: string, method: string, path: string) =>
  new RegistryError(403, 40301, `User ${user} may not ${method} ${path}: writer role required`);

export const storeError = () => new RegistryError(500, 50001, 'Error in the backend data store');
