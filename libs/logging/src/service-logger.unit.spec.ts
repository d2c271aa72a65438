import { withCorrelation } from './correlation';
import { ServiceLogger } from './service-logger';

function recordingLogger(format: 'json' | 'text' = 'json', levels = ['fatal', 'error', 'warn', 'log']) {
  const lines: { line: string; level: string }[] = [];
  const logger = new ServiceLogger({
    service: 'crosscare-test',
    format,
    levels: levels as never,
    write: (line, level) => lines.push({ line, level }),
    clock: () => new Date('2026-12-06T12:00:00.000Z'),
  });
  const parsed = () => lines.map(({ line }) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed };
}

describe('ServiceLogger', () => {
  it('writes one JSON object per line with time, level, service, context and message', () => {
    const { logger, lines, parsed } = recordingLogger();
    // As a Nest Logger made with a context calls it: the context last.
    logger.log('listening on http://127.0.0.1:8082', 'Ingest');
    expect(lines).toHaveLength(1);
    expect(lines[0].line).not.toContain('\n');
    expect(parsed()[0]).toEqual({
      time: '2026-12-06T12:00:00.000Z',
      level: 'info',
      service: 'crosscare-test',
      context: 'Ingest',
      message: 'listening on http://127.0.0.1:8082',
    });
  });

  it('adds the correlation id of the work in progress, and structured fields', async () => {
    const { logger, parsed } = recordingLogger();
    await withCorrelation('req-1', async () => {
      await Promise.resolve();
      logger.warn('relay stalled', { topic: 't', pending: 3 }, 'Relay');
    });
    logger.warn('explicit', { correlationId: 'req-2', events: 2 });
    expect(parsed()).toEqual([
      expect.objectContaining({ correlationId: 'req-1', context: 'Relay', topic: 't', pending: 3 }),
      expect.objectContaining({ correlationId: 'req-2', events: 2, message: 'explicit' }),
    ]);
    expect(parsed()[1]).not.toHaveProperty('context');
  });

  it('gives an error its message, and its stack only at error level', () => {
    const { logger, parsed } = recordingLogger();
    const failure = new Error('connection refused');
    logger.error('could not publish', failure, 'Relay');
    logger.warn('retrying', failure, 'Relay');
    logger.error(failure);
    const [atError, atWarn, bare] = parsed();
    expect(atError).toMatchObject({
      level: 'error',
      message: 'could not publish',
      error: 'connection refused',
    });
    expect(atError.stack).toEqual(expect.stringContaining('connection refused\n    at '));
    expect(atWarn).toMatchObject({ level: 'warn', error: 'connection refused' });
    expect(atWarn).not.toHaveProperty('stack');
    expect(bare).toMatchObject({ message: 'connection refused', error: 'connection refused' });
  });

  it("takes Nest's (message, stack, context) form of error", () => {
    const { logger, parsed } = recordingLogger();
    const stack = new Error('boom').stack!;
    logger.error('Unhandled', stack, 'ExceptionsHandler');
    logger.error('no stack', undefined, 'Ctx');
    expect(parsed()[0]).toMatchObject({ context: 'ExceptionsHandler', error: 'Error: boom', stack });
    expect(parsed()[1]).toEqual(expect.objectContaining({ context: 'Ctx', message: 'no stack' }));
    expect(parsed()[1]).not.toHaveProperty('error');
  });

  it('redacts NHS numbers wherever they are: message, fields, keys, errors, stacks', () => {
    const { logger, lines } = recordingLogger();
    logger.error(
      'no record for 9990000018',
      { nhsNumber: 9434765919, byPatient: { '999 000 0018': 1 } },
      new Error('Patient 999-000-0018 unknown'),
      'Ctx',
    );
    expect(lines[0].line).not.toMatch(/999.?000.?0018|9434765919/);
    expect(lines[0].line.match(/\[nhs-number\]/g)).toHaveLength(5);
    expect(() => JSON.parse(lines[0].line) as unknown).not.toThrow();
  });

  it('keeps its own keys: a field named like one is written as field.<name>', () => {
    const { logger, parsed } = recordingLogger();
    logger.log('x', { level: 'mine', time: 1 });
    expect(parsed()[0]).toMatchObject({ level: 'info', 'field.level': 'mine', 'field.time': 1 });
  });

  it('writes only the enabled levels, and follows setLogLevels', () => {
    const { logger, lines } = recordingLogger('json', ['fatal', 'error', 'warn']);
    logger.log('info');
    logger.debug('debug');
    logger.warn('warn');
    logger.setLogLevels(['fatal', 'error', 'warn', 'log', 'debug']);
    logger.debug('debug now');
    expect(lines.map((l) => (JSON.parse(l.line) as { message: string }).message)).toEqual([
      'warn',
      'debug now',
    ]);
    expect(lines.map((l) => l.level)).toEqual(['warn', 'debug']);
  });

  it('writes text when asked, redacted too', () => {
    const { logger, lines } = recordingLogger('text');
    withCorrelation('req-9', () => logger.log('patient 9990000018 read', { items: 2 }, 'Record'));
    expect(lines[0].line).toBe(
      '2026-12-06T12:00:00.000Z INFO  [Record] patient [nhs-number] read {"items":2} (correlation req-9)',
    );
  });
});
