import { logLevel, type logCreator } from 'kafkajs';

/**
 * The subset of Nest's LoggerService that kafkajs logs are routed to: the service's logger (@crosscare/logging), through
 * a Nest Logger whose context is 'Kafka'. The entry's own fields travel as structured fields under `kafka`.
 */
export interface LogSink {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  log(message: string, fields?: Record<string, unknown>): void;
  debug?(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Routes kafkajs's own logging into the service's logger, so that its lines are the service's JSON lines, with the
 * same correlation id and redaction: the message as kafkajs wrote it, and its namespace and fields under `kafka`
 * (kafkajs's `correlationId` there is a protocol request number, not Crosscare's). kafkajs never puts SASL passwords,
 * or message values, in log entries.
 */
export function kafkaLogCreator(sink: LogSink): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const {
        message,
        timestamp: _timestamp,
        logger: _logger,
        ...extra
      } = log as typeof log & { logger?: unknown };
      const fields = { kafka: { namespace, ...extra } };
      const line = `${message} ${JSON.stringify(extra)}`;
      switch (effectiveLevel(namespace, level, message, line)) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          sink.error(message, fields);
          break;
        case logLevel.WARN:
          sink.warn(message, fields);
          break;
        case logLevel.INFO:
          sink.log(message, fields);
          break;
        default:
          sink.debug?.(message, fields);
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
