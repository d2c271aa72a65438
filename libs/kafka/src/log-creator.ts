import { logLevel, type logCreator } from 'kafkajs';

/** The subset of Nest's LoggerService that kafkajs logs are routed to. */
export interface LogSink {
  /** Nest's signature: the second argument is a stack trace, the third the context. */
  error(message: string, stack?: string, context?: string): void;
  warn(message: string, context?: string): void;
  log(message: string, context?: string): void;
  debug?(message: string, context?: string): void;
}

/**
 * Routes kafkajs's own logging into the service's logger as one line of JSON per entry, so broker errors carry
 * the same context as everything else the service logs. kafkajs never puts SASL passwords in log entries.
 */
export function kafkaLogCreator(sink: LogSink): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      const line = Object.keys(extra).length > 0 ? `${message} ${JSON.stringify(extra)}` : message;
      const context = `kafkajs:${namespace}`;
      switch (effectiveLevel(namespace, level, message)) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          sink.error(line, undefined, context);
          break;
        case logLevel.WARN:
          sink.warn(line, context);
          break;
        case logLevel.INFO:
          sink.log(line, context);
          break;
        default:
          sink.debug?.(line, context);
      }
    };
}

/**
 * kafkajs logs every error response a connection receives at ERROR, including the retriable ones it then retries
 * (a coordinator still loading after a broker start). Those are warnings; a send or fetch that finally fails is
 * reported by the caller's rejected promise.
 */
function effectiveLevel(namespace: string, level: logLevel, message: string): logLevel {
  if (level === logLevel.ERROR && namespace === 'Connection' && message.startsWith('Response '))
    return logLevel.WARN;
  // TransactionalPublisher bounds its retries on purpose (a failed transaction is aborted or fenced, never resumed).
  if (level === logLevel.WARN && message.startsWith('Limiting retries for the idempotent producer'))
    return logLevel.INFO;
  return level;
}
