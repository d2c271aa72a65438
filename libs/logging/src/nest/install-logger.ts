import { Logger } from '@nestjs/common';
import { ServiceLogger } from '../service-logger';
import type { LogFormat, NestLevel } from '../log-levels';

export interface ServiceLoggingConfig {
  /** enabledLogLevels(LOG_LEVEL). */
  readonly logLevels: readonly NestLevel[];
  /** LOG_FORMAT. */
  readonly logFormat: LogFormat;
}

/**
 * The thin Nest adapter: makes the service's logger the one every `new Logger(context)` writes through (Nest's own
 * lines included), before anything logs. Called first thing in each main.ts, right after the configuration is loaded;
 * NestFactory.create is then given the same logger (`logger: Logger` is static, so passing the installed instance
 * keeps Nest from replacing it with its console logger).
 */
export function installServiceLogger(service: string, config: ServiceLoggingConfig): ServiceLogger {
  const logger = new ServiceLogger({ service, format: config.logFormat, levels: config.logLevels });
  Logger.overrideLogger(logger);
  installed = logger;
  return logger;
}

let installed: ServiceLogger | undefined;

/**
 * What NestFactory.create takes as `logger`: the installed service logger when main.ts installed one, else the
 * levels (Nest's console logger: tests that build an app without main.ts).
 */
export function nestLoggerOption(config: ServiceLoggingConfig): ServiceLogger | NestLevel[] {
  return installed ?? [...config.logLevels];
}
