import { currentCorrelationId, isCorrelationId } from './correlation';
import { formatJsonLine, formatTextLine, type LogEntry } from './log-format';
import { lineLevelOf, NEST_LEVELS, type LogFormat, type NestLevel } from './log-levels';

export interface ServiceLoggerOptions {
  /** The service's name in every line: `crosscare-ingest`. */
  readonly service: string;
  readonly format: LogFormat;
  /** The levels written (Nest's names): enabledLogLevels(LOG_LEVEL). */
  readonly levels: readonly NestLevel[];
  /** Where lines go; stdout for info and below, stderr for warn and above unless given. */
  readonly write?: (line: string, level: NestLevel) => void;
  readonly clock?: () => Date;
}

/** A string Node would print as a stack: a first line, then `    at ...` frames. */
const STACK = /^.*\n\s+at .+/s;

/**
 * The service's logger: one JSON object per line (or text, when asked), with the correlation id of the work in
 * progress (withCorrelation), redacted before it is written. It has the methods of Nest's LoggerService and takes their
 * arguments as Nest passes them: `(message, ...params, context)`, where a `Logger` made with a context appends it,
 * a string that looks like a stack is the error's stack, an Error is the error, and a plain object holds structured
 * fields (`logger.warn('relay stalled', { topic, pending })`). The Nest adapter installs it (nest/install-logger.ts);
 * this file stays free of Nest so that it is tested as plain code.
 */
export class ServiceLogger {
  private enabled: Set<NestLevel>;
  private readonly write: (line: string, level: NestLevel) => void;
  private readonly clock: () => Date;

  constructor(private readonly options: ServiceLoggerOptions) {
    this.enabled = new Set(options.levels);
    this.write = options.write ?? writeToStandardStreams;
    this.clock = options.clock ?? (() => new Date());
  }

  get format(): LogFormat {
    return this.options.format;
  }

  log(message: unknown, ...params: unknown[]): void {
    this.emit('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('fatal', message, params);
  }

  setLogLevels(levels: readonly string[]): void {
    this.enabled = new Set(NEST_LEVELS.filter((level) => levels.includes(level)));
  }

  isLevelEnabled(level: NestLevel): boolean {
    return this.enabled.has(level);
  }

  /** The line the arguments make, without writing it (tests; the kafkajs log creator's own checks). */
  entryOf(level: NestLevel, message: unknown, params: readonly unknown[]): LogEntry {
    const rest = [...params];
    let context: string | undefined;
    // Nest's Logger appends its context last (undefined standing in for a missing stack before it).
    if (
      rest.length > 0 &&
      typeof rest[rest.length - 1] === 'string' &&
      !STACK.test(rest[rest.length - 1] as string)
    )
      context = rest.pop() as string;
    let fields: Record<string, unknown> | undefined;
    let error: { message: string; stack?: string } | undefined;
    const extra: string[] = [];
    let text: string;
    if (message instanceof Error) {
      text = message.message;
      error = { message: message.message, stack: message.stack };
    } else if (typeof message === 'string') {
      text = message;
    } else if (message !== null && typeof message === 'object') {
      const { message: inner, ...others } = message as Record<string, unknown>;
      text = typeof inner === 'string' ? inner : '';
      fields = others;
    } else {
      text = String(message);
    }
    for (const param of rest) {
      if (param === undefined || param === null) continue;
      if (param instanceof Error) error = { message: param.message, stack: param.stack };
      else if (typeof param === 'string' && STACK.test(param))
        error = { message: error?.message ?? firstLine(param), stack: param };
      else if (typeof param === 'object') fields = { ...fields, ...(param as Record<string, unknown>) };
      else if (typeof param === 'symbol') extra.push(param.toString());
      else if (typeof param !== 'function') extra.push(`${param as string | number | boolean | bigint}`);
    }
    if (extra.length > 0) text = [text, ...extra].join(' ');
    let correlationId = currentCorrelationId();
    if (fields && isCorrelationId(fields.correlationId)) {
      correlationId = fields.correlationId;
      const { correlationId: _, ...others } = fields;
      fields = others;
    }
    return {
      time: this.clock(),
      level: lineLevelOf(level),
      service: this.options.service,
      context,
      message: text,
      correlationId,
      fields: fields && Object.keys(fields).length > 0 ? fields : undefined,
      error,
    };
  }

  private emit(level: NestLevel, message: unknown, params: readonly unknown[]): void {
    if (!this.enabled.has(level)) return;
    const entry = this.entryOf(level, message, params);
    let line: string;
    try {
      line = this.options.format === 'json' ? formatJsonLine(entry) : formatTextLine(entry);
    } catch {
      // A field that cannot be written (a getter that throws) must not lose the line.
      line = formatJsonLine({ ...entry, fields: { fieldsUnwritable: true } });
    }
    this.write(line, level);
  }
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

function writeToStandardStreams(line: string, level: NestLevel): void {
  const stream = level === 'error' || level === 'fatal' || level === 'warn' ? process.stderr : process.stdout;
  stream.write(`${line}\n`);
}
