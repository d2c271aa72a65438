import { logLevel, type logCreator } from 'kafkajs';

/** The subset of Nest's LoggerService that kafkajs logs are routed to. */
export interface LogSink {
  /**
   * One argument only: a Nest Logger made with its own context ('Kafka') would print any further argument as a
   * second message, so the kafkajs namespace travels inside the line instead.
   */
  error(message: string): void;
  warn(message: string): void;
  log(message: string): void;
  debug?(message: string): void;
}

/**
 * Routes kafkajs's own logging into the service's logger as one line of JSON per entry, so broker errors carry
 * the same context as everything else the service logs. kafkajs never puts SASL passwords in log entries.
 */
export function kafkaLogCreator(sink: LogSink): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      const line = `[kafkajs:${namespace}] ${message}${Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : ''}`;
      switch (effectiveLevel(namespace, level, message, line)) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          sink.error(line);
          break;
        case logLevel.WARN:
          sink.warn(line);
          break;
        case logLevel.INFO:
          sink.log(line);
          break;
        default:
          sink.debug?.(line);
      }
    };
}

/**
 * kafkajs logs every error response a connection receives at ERROR, including the retriable ones it then retries
 * (a coordinator still loading after a broker start). Those are warnings; a send or fetch that finally fails is
 * reported by the caller's rejected promise.
 */
function effectiveLevel(namespace: string, level: logLevel, message: string, line: string): logLevel {
  // CONCURRENT_TRANSACTIONS (in the message, or in the error of a connection's response): the coordinator is still
  // writing the previous commit's markers and kafkajs retries in a few ms. Routine for transactional producers.
  if (line.includes('another concurrent operation on the same transaction')) return logLevel.DEBUG;
  if (level === logLevel.ERROR && namespace === 'Connection' && message.startsWith('Response '))
    return logLevel.WARN;
  // TransactionalPublisher bounds its retries on purpose (a failed transaction is aborted or fenced, never resumed).
  if (level === logLevel.WARN && message.startsWith('Limiting retries for the idempotent producer'))
    return logLevel.INFO;
  return level;
}
