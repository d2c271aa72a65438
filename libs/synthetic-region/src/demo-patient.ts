import type { Provider } from '@crosscare/governance';
import { planPatient, type PatientPlan } from './patients/patient-plan';
import { regionFrame, type RegionOptions } from './region-options';

/** A patient whose record spans both collaboratives, for the demo to follow. */
export interface DemoPatient {
  readonly nhsNumber: string;
  /** The patient's place in the region (0 first). */
  readonly index: number;
  readonly gpPractice: Provider;
  /** The acute trust across the collaborative boundary that treats the patient. */
  readonly hospital: Provider;
  /** Whether this is the demo's own story (a GP in QHL, CCR, and an acute trust in QNC, OHC). */
  readonly demoStory: boolean;
}

const DEMO_STORY = (plan: PatientPlan) =>
  plan.gp.ics === 'QHL' && plan.awayHospital?.ics === 'QNC' && plan.death === undefined;

const ACROSS_COLLABORATIVES = (plan: PatientPlan) =>
  plan.awayHospital !== undefined &&
  plan.awayHospital.collaborative !== plan.gp.collaborative &&
  plan.death === undefined;

/**
 * The region's first patient registered with a GP in QHL (CCR) who is treated at an acute trust in QNC (OHC), the
 * story the demo tells; failing that the first whose GP and hospital are in different collaboratives; undefined
 * when the region has neither. Plans patients only (no events), so it is cheap whatever the region's size. With
 * the standard directory the region's first patient is cast in the demo's story, so it is found at once.
 */
export function pickDemoPatient(options: RegionOptions): DemoPatient | undefined {
  const region = regionFrame(options);
  for (const wanted of [DEMO_STORY, ACROSS_COLLABORATIVES]) {
    for (let index = 0; index < region.patients; index++) {
      const plan = planPatient(region, index);
      if (wanted(plan))
        return {
          nhsNumber: plan.nhsNumber,
          index,
          gpPractice: plan.gp,
          hospital: plan.awayHospital!,
          demoStory: wanted === DEMO_STORY,
        };
    }
  }
  return undefined;
}
