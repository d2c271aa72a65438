export interface CrosscareErrorOptions {
  /**
   * Whether the same operation, tried again unchanged, may succeed: true for an outage (a broker, registry or
   * database that did not answer), false when the input, the configuration or the code is at fault.
   */
  readonly retriable: boolean;
  /** What went wrong underneath (ES2022 `Error.cause`); left unset when nothing did. */
  readonly cause?: unknown;
}

/**
 * The root of every error Crosscare defines, as KafkaJSError is of kafkajs's. Each subclass keeps its own name,
 * fields and message, and states once, in its call to this constructor, whether it is retriable: `isRetriable`
 * reads that flag, so no caller keeps its own list of which errors are outages.
 */
export class CrosscareError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options: CrosscareErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable;
  }
}
