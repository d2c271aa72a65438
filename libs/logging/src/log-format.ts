import type { LineLevel } from './log-levels';
import { redactNhsNumbers, redactValue } from './redact';

/** One log line before it is written. */
export interface LogEntry {
  readonly time: Date;
  readonly level: LineLevel;
  readonly service: string;
  readonly context?: string;
  readonly message: string;
  readonly correlationId?: string;
  /** Structured fields: counts, ids, topics. Never patient data (docs/operations.md, "Logs"). */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** An error's message (and its stack, written only at error and fatal). */
  readonly error?: { readonly message: string; readonly stack?: string };
}

const RESERVED = new Set([
  'time',
  'level',
  'service',
  'context',
  'message',
  'correlationId',
  'error',
  'stack',
]);

/**
 * The entry as one line of JSON (no newline): `time`, `level`, `service`, `context`, `correlationId`, `message`, the
 * fields, then `error` and `stack`. Every string, number and key is redacted (redactNhsNumbers). A field named like
 * one of those keys is written as `field.<name>` rather than replacing it.
 */
export function formatJsonLine(entry: LogEntry): string {
  const line: Record<string, unknown> = {
    time: entry.time.toISOString(),
    level: entry.level,
    service: entry.service,
  };
  if (entry.context) line.context = redactNhsNumbers(entry.context);
  if (entry.correlationId) line.correlationId = redactNhsNumbers(entry.correlationId);
  line.message = redactNhsNumbers(entry.message);
  const fields = entry.fields ? (redactValue(entry.fields) as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(fields)) line[RESERVED.has(key) ? `field.${key}` : key] = value;
  if (entry.error) {
    line.error = redactNhsNumbers(entry.error.message);
    if (entry.error.stack && (entry.level === 'error' || entry.level === 'fatal'))
      line.stack = redactNhsNumbers(entry.error.stack);
  }
  return JSON.stringify(line);
}

/**
 * The entry for a person at a terminal (LOG_FORMAT=text, an explicit opt-in for debugging): one line, then the stack
 * at error level. Redacted as the JSON line is.
 */
export function formatTextLine(entry: LogEntry): string {
  const parts = [entry.time.toISOString(), entry.level.toUpperCase().padEnd(5)];
  if (entry.context) parts.push(`[${entry.context}]`);
  parts.push(entry.error ? `${entry.message}: ${entry.error.message}` : entry.message);
  if (entry.fields && Object.keys(entry.fields).length > 0)
    parts.push(JSON.stringify(redactValue(entry.fields)));
  if (entry.correlationId) parts.push(`(correlation ${entry.correlationId})`);
  let text = parts.join(' ');
  if (entry.error?.stack && (entry.level === 'error' || entry.level === 'fatal'))
    text += `\n${entry.error.stack}`;
  return redactNhsNumbers(text);
}
