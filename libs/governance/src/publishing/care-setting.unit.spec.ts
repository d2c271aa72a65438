import { PROVIDER_TYPES } from '../directory/provider';
import { careSettingOf } from './care-setting';

describe('careSettingOf', () => {
  it('gives every provider type a care setting, pharmacies and ambulances their own', () => {
    expect(PROVIDER_TYPES.map(careSettingOf)).not.toContain(undefined);
    expect(careSettingOf('COMMUNITY_PHARMACY')).toBe('PHARMACY');
    expect(careSettingOf('AMBULANCE_TRUST')).toBe('AMBULANCE');
    expect(careSettingOf('MENTAL_HEALTH_TRUST')).toBe('MENTAL_HEALTH');
  });
});
