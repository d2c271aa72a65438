import { CrosscareError } from '@crosscare/errors';

/** Confluent's error_code values that callers act on; the registry sends more, all kept in `errorCode`. */
export const RegistryErrorCode = {
  SubjectNotFound: 40401,
  VersionNotFound: 40402,
  SchemaNotFound: 40403,
  /** Confluent Platform answers 409; Confluent-compatible registries (ours included) answer 40901. */
  IncompatibleSchema: 409,
  IncompatibleSchemaCompat: 40901,
  InvalidSchema: 42201,
} as const;

export interface SchemaRegistryErrorDetails {
  /** HTTP status; absent when no answer came back (network failure, timeout). */
  readonly status?: number;
  /** Confluent's error_code from the {error_code, message} body, when the registry sent one. */
  readonly errorCode?: number;
  readonly retriable: boolean;
  readonly cause?: unknown;
}

/**
 * A registry request that failed. `retriable` says whether the same request may succeed later unchanged: the
 * registry was unreachable, slow, overloaded or failing (network, timeout, 5xx, 429). Any other 4xx is an answer
 * about the request itself and will not change on retry.
 *
 * Messages name the method and path, never the registry's URL, so credentials in its user info cannot leak.
 */
export class SchemaRegistryError extends CrosscareError {
  readonly status?: number;
  readonly errorCode?: number;

  constructor(message: string, details: SchemaRegistryErrorDetails) {
    super(message, { retriable: details.retriable, cause: details.cause });
    this.name = 'SchemaRegistryError';
    this.status = details.status;
    this.errorCode = details.errorCode;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  get isIncompatible(): boolean {
    return (
      this.errorCode === RegistryErrorCode.IncompatibleSchema ||
      this.errorCode === RegistryErrorCode.IncompatibleSchemaCompat
    );
  }
}

/** 5xx is the registry's own failure; 429 asks the caller to come back later. */
export function isRetriableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}
