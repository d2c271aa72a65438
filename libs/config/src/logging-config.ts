import { z } from 'zod';

/** Nest's level names, most severe first: what a service's logger is given (enabledLogLevels). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** What LOG_LEVEL accepts: the usual names (`info`), and Nest's `log` for `info`, kept for existing settings. */
const LOG_LEVEL_VALUES = ['fatal', 'error', 'warn', 'info', 'log', 'debug', 'verbose'] as const;

export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormatName = (typeof LOG_FORMATS)[number];

export const loggingVariables = {
  LOG_LEVEL: z
    .enum(LOG_LEVEL_VALUES, {
      errorMap: () => ({
        message: `must be one of error, warn, info, debug (or fatal, verbose; log = info)`,
      }),
    })
    .default('info')
    .transform((v): LogLevelName => (v === 'info' ? 'log' : v)),
  LOG_FORMAT: z
    .enum(LOG_FORMATS, {
      errorMap: () => ({ message: 'must be json (one JSON object per line) or text (for debugging)' }),
    })
    .default('json'),
};

/** Nest's logger takes the list of levels to print; everything at or above the chosen one. */
export function enabledLogLevels(level: LogLevelName): LogLevelName[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}
