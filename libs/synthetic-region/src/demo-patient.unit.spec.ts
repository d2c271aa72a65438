import type { RecordChangeEvent } from '@crosscare/events';
import { loadProviderDirectory, providerDirectory, type ProviderDirectory } from '@crosscare/governance';
import { pickDemoPatient } from './demo-patient';
import { generateRegion } from './generate-region';

const directory = loadProviderDirectory();

/** The standard directory with some providers left out, as a test's or a future release's might be. */
function directoryWithout(leaveOut: (p: { type: string; ics: string }) => boolean): ProviderDirectory {
  return providerDirectory({
    version: directory.version,
    onboardingWaves: directory.onboardingWaves,
    collaboratives: directory.collaboratives(),
    icss: directory.icss(),
    providers: directory.providers().filter((p) => !leaveOut(p)),
    policy: directory.policy,
  });
}

const providersOf = (events: RecordChangeEvent[], nhsNumber: string, source: ProviderDirectory) =>
  events
    .filter((e) => e.header.nhsNumber === nhsNumber)
    .map((e) => source.provider(e.header.providerOdsCode)!);

describe('pickDemoPatient', () => {
  it("finds the demo's story: a GP in QHL (CCR), and an acute trust in QNC (OHC) that the events confirm", () => {
    const options = { seed: 42, patients: 50, directory };
    const demo = pickDemoPatient(options)!;
    expect(demo.demoStory).toBe(true);
    expect([demo.gpPractice.ics, demo.gpPractice.type, demo.hospital.ics, demo.hospital.type]).toEqual([
      'QHL',
      'GP_PRACTICE',
      'QNC',
      'ACUTE_TRUST',
    ]);
    const providers = providersOf([...generateRegion(options)], demo.nhsNumber, directory);
    expect(providers.map((p) => p.odsCode)).toEqual(
      expect.arrayContaining([demo.gpPractice.odsCode, demo.hospital.odsCode]),
    );
    expect(new Set(providers.map((p) => p.collaborative))).toEqual(new Set(['CCR', 'OHC']));
  });

  it('finds the same patient whatever the size of the region, and another one for another seed', () => {
    const patient = (seed: number, patients: number) => pickDemoPatient({ seed, patients, directory })!;
    expect(patient(5, 3)).toEqual(patient(5, 500));
    expect(patient(5, 3).gpPractice.odsCode).not.toBe(patient(6, 3).gpPractice.odsCode);
  });

  it('settles for any patient across the collaborative boundary when the directory cannot tell the story', () => {
    const withoutQncHospitals = directoryWithout((p) => p.type === 'ACUTE_TRUST' && p.ics === 'QNC');
    const options = { seed: 42, patients: 100, directory: withoutQncHospitals };
    const demo = pickDemoPatient(options)!;
    expect(demo.demoStory).toBe(false);
    expect(demo.hospital.collaborative).not.toBe(demo.gpPractice.collaborative);
    const providers = providersOf([...generateRegion(options)], demo.nhsNumber, withoutQncHospitals);
    expect(providers.map((p) => p.odsCode)).toContain(demo.hospital.odsCode);
  });

  it('answers undefined for a region whose care never crosses the boundary', () => {
    const birminghamOnly = directoryWithout((p) => p.ics !== 'QHL');
    expect(pickDemoPatient({ seed: 42, patients: 100, directory: birminghamOnly })).toBeUndefined();
  });
});
