import { z } from 'zod';
import { enabledLogLevels, loggingVariables } from './logging-config';

describe('enabledLogLevels', () => {
  it('enables the chosen level and every more severe one', () => {
    expect(enabledLogLevels('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(enabledLogLevels('verbose')).toHaveLength(6);
  });
});

describe('loggingVariables', () => {
  const schema = z.object(loggingVariables);

  it('defaults to info, as JSON', () => {
    expect(schema.parse({})).toEqual({ LOG_LEVEL: 'log', LOG_FORMAT: 'json' });
  });

  it("takes info and Nest's log for the same level", () => {
    expect(schema.parse({ LOG_LEVEL: 'info' }).LOG_LEVEL).toBe('log');
    expect(schema.parse({ LOG_LEVEL: 'log' }).LOG_LEVEL).toBe('log');
    expect(schema.parse({ LOG_LEVEL: 'debug', LOG_FORMAT: 'text' })).toEqual({
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'text',
    });
  });

  it('names what a bad value should be', () => {
    const result = schema.safeParse({ LOG_LEVEL: 'loud', LOG_FORMAT: 'xml' });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^LOG_LEVEL: must be one of error, warn, info, debug/),
      expect.stringMatching(/^LOG_FORMAT: must be json .* or text/),
    ]);
  });
});
