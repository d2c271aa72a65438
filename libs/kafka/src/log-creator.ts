import { logLevel, type logCreator } from 'kafkajs';

/** The subset of Nest's LoggerService that kafkajs logs are routed to. */
export interface LogSink {
  error(message: string, context?: string): void;
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
      switch (level) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          sink.error(line, context);
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
