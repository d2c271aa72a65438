import { breakGlassReasonOf } from './break-glass';

describe('the reason stated to break the glass', () => {
  it('is absent unless sent', () => {
    expect(breakGlassReasonOf(undefined, 'EMERGENCY_CARE')).toEqual({ ok: true, reason: null });
  });

  it('is kept with its spacing tidied, for EMERGENCY_CARE', () => {
    expect(breakGlassReasonOf('  unconscious   in ED,\tno history ', 'EMERGENCY_CARE')).toEqual({
      ok: true,
      reason: 'unconscious in ED, no history',
    });
  });

  it.each([
    ['with another purpose', 'a perfectly good reason', 'DIRECT_CARE', /only for EMERGENCY_CARE/],
    ['too short to follow up', 'urgent', 'EMERGENCY_CARE', /10 to 500 characters/],
    ['too long to keep in every audit', 'x'.repeat(501), 'EMERGENCY_CARE', /10 to 500 characters/],
    ['with control characters', 'unconscious\u0000 in ED', 'EMERGENCY_CARE', /plain text/],
  ] as const)('is refused %s', (_, header, purpose, problem) => {
    const check = breakGlassReasonOf(header, purpose);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problem).toMatch(problem);
  });
});
