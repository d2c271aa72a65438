import type { PatientPlan } from '../patients/patient-plan';
import { alerts } from './alerts';
import { allergies } from './allergies';
import { communityNursing } from './community-nursing';
import { demographics } from './demographics';
import { duplicateRegistration } from './duplicate-registration';
import { awayEpisode, emergencies } from './emergencies';
import { healthChecks } from './health-checks';
import { immunisations } from './immunisations';
import { laterLife } from './later-life';
import { longTermCondition } from './long-term-condition';
import { mentalHealth } from './mental-health';
import { minorIllness } from './minor-illness';
import { procedures } from './procedures';
import { referrals } from './referrals';
import { results } from './results';
import { sharingObjection } from './sharing-objection';
import { socialCare } from './social-care';
import type { Storyline } from './story';

/**
 * The threads of one patient's care. The order is part of the region's definition: each storyline's generator and
 * record ids come from its place in this list, and at equal times earlier threads go first (registration first).
 */
export function storylinesFor(plan: PatientPlan): Storyline[] {
  const lines: Storyline[] = [
    demographics,
    healthChecks,
    allergies,
    ...plan.conditions.map(longTermCondition),
    minorIllness,
    immunisations,
    referrals,
    emergencies,
    mentalHealth,
    communityNursing,
    socialCare,
  ];
  if (plan.awayHospital !== undefined) lines.push(awayEpisode);
  if (plan.careHome !== undefined || plan.death !== undefined || plan.palliative) lines.push(laterLife);
  if (plan.duplicateRegistration) lines.push(duplicateRegistration);
  // Last, so that adding it shifted no other storyline's generator or record ids.
  lines.push(sharingObjection);
  // Added after it for the same reason.
  lines.push(results, procedures);
  // After those, for the same reason.
  lines.push(alerts);
  return lines;
}
