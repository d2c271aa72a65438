import { purposeOfUseOf } from './purpose-of-use';

describe('purpose of use', () => {
  it.each(['DIRECT_CARE', 'EMERGENCY_CARE', 'SAFEGUARDING', ' SAFEGUARDING '])(
    'given X-Purpose-Of-Use %j, then the purpose is accepted',
    (header) => expect(purposeOfUseOf(header)).toEqual({ ok: true, purpose: header.trim() }),
  );

  it('given no header, then the reason says it is required and lists the purposes', () => {
    expect(purposeOfUseOf(undefined)).toEqual({
      ok: false,
      reason: 'X-Purpose-Of-Use is required: one of DIRECT_CARE, EMERGENCY_CARE, SAFEGUARDING',
    });
    expect(purposeOfUseOf('  ')).toMatchObject({ ok: false });
  });

  it.each(['direct_care', 'RESEARCH', 'DIRECT_CARE,SAFEGUARDING'])(
    'given the unknown purpose %j, then it is refused with what was sent',
    (header) => {
      const result = purposeOfUseOf(header);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toContain(`"${header}"`);
    },
  );
});
