/**
 * Levels as they appear in a log line. Nest calls `info` `log`; a line says `info`, as every log tool expects.
 */
export const LINE_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'verbose'] as const;
export type LineLevel = (typeof LINE_LEVELS)[number];

/** Nest's level names, most severe first (what a Nest LoggerService's methods are called). */
export const NEST_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type NestLevel = (typeof NEST_LEVELS)[number];

export function lineLevelOf(level: NestLevel): LineLevel {
  return level === 'log' ? 'info' : level;
}

export type LogFormat = 'json' | 'text';
