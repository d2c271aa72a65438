import { enabledLogLevels } from './logging-config';

describe('enabledLogLevels', () => {
  it('enables the chosen level and every more severe one', () => {
    expect(enabledLogLevels('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(enabledLogLevels('verbose')).toHaveLength(6);
  });
});
