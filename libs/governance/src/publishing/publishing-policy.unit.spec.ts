import { loadProviderDirectory } from '../directory/load-provider-directory';
import { PROVIDER_TYPES, type Provider } from '../directory/provider';
import { RECORD_KINDS } from './record-kind';

const sut = loadProviderDirectory({ onboardingDirs: [] }).policy;
const sender = (
  type: Provider['type'],
  odsCode = 'FA123',
): Pick<Provider, 'odsCode' | 'type' | 'status'> => ({
  odsCode,
  type,
  status: 'ACTIVE',
});

describe('the committed publishing policy', () => {
  it('lets a community pharmacy publish dispensing but not admissions, and says why', () => {
    expect(sut.mayPublish('COMMUNITY_PHARMACY', 'dispensing')).toBe(true);
    expect(sut.mayPublish('COMMUNITY_PHARMACY', 'admission')).toBe(false);
    expect(sut.forbiddenReason(sender('COMMUNITY_PHARMACY'), 'dispensing')).toBeUndefined();
    expect(sut.forbiddenReason(sender('COMMUNITY_PHARMACY'), 'admission')).toBe(
      'FA123 is a community pharmacy, and a community pharmacy may not publish admission records',
    );
  });

  it('lets trusts with hospital pharmacies publish dispensing (discharge medicines), but not GP practices or hospices', () => {
    for (const type of [
      'ACUTE_TRUST',
      'MENTAL_HEALTH_TRUST',
      'COMMUNITY_TRUST',
      'SPECIALIST_TRUST',
    ] as const) {
      expect(sut.mayPublish(type, 'dispensing')).toBe(true);
    }
    expect(sut.mayPublish('GP_PRACTICE', 'dispensing')).toBe(false);
    expect(sut.mayPublish('HOSPICE', 'dispensing')).toBe(false);
  });

  it('lets a council send the social care format but not HL7 v2', () => {
    expect(sut.mayUseFormat('LOCAL_AUTHORITY', 'social-care')).toBe(true);
    expect(sut.mayUseFormat('LOCAL_AUTHORITY', 'hl7v2')).toBe(false);
    expect(sut.formatForbiddenReason(sender('LOCAL_AUTHORITY', 'L1N'), 'hl7v2')).toBe(
      'L1N is a local authority, and a local authority may not send hl7v2 input (it may send social-care)',
    );
  });

  it('keeps social care and safeguarding to councils', () => {
    const publishers = (kind: 'social-care' | 'safeguarding') =>
      (['GP_PRACTICE', 'ACUTE_TRUST', 'LOCAL_AUTHORITY', 'COMMUNITY_PHARMACY', 'HOSPICE'] as const).filter(
        (t) => sut.mayPublish(t, kind),
      );
    expect(publishers('social-care')).toEqual(['LOCAL_AUTHORITY']);
    expect(publishers('safeguarding')).toEqual(['LOCAL_AUTHORITY']);
  });

  it("keeps a patient's objection to sharing to GP practices: an ICB's IG team records one through its own narrow path", () => {
    const publishers = PROVIDER_TYPES.filter((type) => sut.mayPublish(type, 'sharing-objection'));
    expect(publishers).toEqual(['GP_PRACTICE']);
    expect(sut.forbiddenReason(sender('ACUTE_TRUST', 'RRK'), 'sharing-objection')).toBe(
      'RRK is an acute trust, and an acute trust may not publish sharing objection records',
    );
  });

  it("keeps a patient's type 1 objection to secondary use to GP practices: the practice is who records it", () => {
    const publishers = PROVIDER_TYPES.filter((type) => sut.mayPublish(type, 'secondary-use-objection'));
    expect(publishers).toEqual(['GP_PRACTICE']);
    expect(sut.forbiddenReason(sender('ACUTE_TRUST', 'RRK'), 'secondary-use-objection')).toBe(
      'RRK is an acute trust, and an acute trust may not publish secondary use objection records',
    );
  });

  it('lets acute trusts publish emergency attendances and admissions in FHIR or HL7 v2, but not ambulance incidents', () => {
    expect(sut.mayPublish('ACUTE_TRUST', 'emergency-attendance')).toBe(true);
    expect(sut.mayPublish('ACUTE_TRUST', 'admission')).toBe(true);
    expect(sut.mayPublish('ACUTE_TRUST', 'ambulance-incident')).toBe(false);
    expect(sut.mayPublish('AMBULANCE_TRUST', 'ambulance-incident')).toBe(true);
    expect(sut.formats('ACUTE_TRUST')).toEqual(['fhir', 'hl7v2']);
  });

  it('lets GP practices publish demographics but not dispensing, and mental health trusts no emergency attendances', () => {
    expect(sut.mayPublish('GP_PRACTICE', 'demographics')).toBe(true);
    expect(sut.forbiddenReason(sender('GP_PRACTICE', 'M12345'), 'dispensing')).toBe(
      'M12345 is a GP practice, and a GP practice may not publish dispensing records',
    );
    expect(sut.forbiddenReason(sender('MENTAL_HEALTH_TRUST', 'RXT'), 'emergency-attendance')).toBe(
      'RXT is a mental health trust, and a mental health trust may not publish emergency attendance records',
    );
  });

  it('lets every type remove what it published', () => {
    const types = [
      'GP_PRACTICE',
      'CARE_HOME',
      'LOCAL_AUTHORITY',
      'AMBULANCE_TRUST',
      'COMMUNITY_PHARMACY',
    ] as const;
    expect(types.filter((t) => !sut.mayPublish(t, 'removal'))).toEqual([]);
    expect(sut.recordKinds('LOCAL_AUTHORITY')).toEqual(['social-care', 'safeguarding', 'removal']);
  });

  it('refuses everything from an inactive provider, whatever its type may publish', () => {
    const closed = { ...sender('GP_PRACTICE', 'M12345'), status: 'INACTIVE' as const };
    expect(RECORD_KINDS.filter((kind) => sut.forbiddenReason(closed, kind) === undefined)).toEqual([]);
    expect(sut.forbiddenReason(closed, 'consultation')).toBe(
      'M12345 is inactive in the provider directory and may not publish records',
    );
  });
});
