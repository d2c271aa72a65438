import type { CodedValue, ImmunisationStatus } from '@crosscare/events';
import type { Provider } from '@crosscare/governance';
import { LONG_TERM_CONDITIONS } from '../catalogue/conditions';
import { INJECTION_SITES, VACCINES } from '../catalogue/episodes';
import { ageAt, type PatientPlan } from '../patients/patient-plan';
import type { Random } from '../random/seeded-random';
import { DAY, workingTimeAfter, workingTimeBetween, YEAR } from '../timeline/clock';
import { message, type Message } from '../timeline/message';
import type { Story } from './story';

interface Campaign {
  readonly vaccine: CodedValue;
  readonly from: number;
  readonly to: number;
  /** Chance of the vaccination for a patient, 0 when not eligible. */
  uptake(plan: PatientPlan, age: number, inCareHome: boolean): number;
}

const hasLongTermCondition = (plan: PatientPlan) =>
  plan.conditions.some((c) => !LONG_TERM_CONDITIONS[c.name].mentalHealth);

function fluUptake(plan: PatientPlan, age: number, inCareHome: boolean): number {
  if (inCareHome) return 0.85;
  if (age >= 65) return 0.72;
  if (age >= 2 && age < 17) return 0.5;
  if (age >= 18 && hasLongTermCondition(plan)) return 0.45;
  return 0;
}

function covidUptake(spring: boolean) {
  return (_plan: PatientPlan, age: number, inCareHome: boolean): number => {
    if (inCareHome) return 0.8;
    if (age >= 75) return 0.65;
    return !spring && age >= 65 ? 0.55 : 0;
  };
}

/** The national programmes of each year the region spans: flu every autumn, COVID-19 in spring and autumn. */
function campaigns(from: number, to: number): Campaign[] {
  const found: Campaign[] = [];
  for (let year = new Date(from).getUTCFullYear(); year <= new Date(to).getUTCFullYear(); year++) {
    found.push(
      {
        vaccine: VACCINES.covid19,
        from: Date.UTC(year, 3, 15),
        to: Date.UTC(year, 5, 30),
        uptake: covidUptake(true),
      },
      {
        vaccine: VACCINES.influenza,
        from: Date.UTC(year, 8, 15),
        to: Date.UTC(year, 11, 20),
        uptake: fluUptake,
      },
      {
        vaccine: VACCINES.covid19,
        from: Date.UTC(year, 9, 1),
        to: Date.UTC(year, 11, 20),
        uptake: covidUptake(false),
      },
    );
  }
  return found;
}

function batchNumber(rng: Random): string {
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  return `${letters[rng.below(letters.length)]}${letters[rng.below(letters.length)]}${rng.between(1000, 9999)}`;
}

interface Vaccination {
  readonly vaccine: CodedValue;
  readonly status: ImmunisationStatus;
  readonly doseNumber: number | null;
  readonly nasal: boolean;
}

interface Appointment {
  readonly at: number;
  readonly by: Provider;
  readonly given: Vaccination[];
}

/**
 * Vaccinations: the seasonal programmes (by the GP, a community pharmacy, or for school-age children the community
 * trust's school team), childhood MMR, and declines the GP records as not done. Appointments are planned as times
 * and choices; their records are made only as each comes due.
 */
export function* immunisations(story: Story): Generator<Message> {
  const { rng, ids } = story;
  for (const appointment of appointments(story)) {
    yield message(
      appointment.at,
      appointment.by,
      ...appointment.given.map(({ vaccine, status, doseNumber, nasal }) =>
        ids.next('Immunization').change('ImmunisationRecorded', {
          vaccine,
          status,
          administeredAt: appointment.at,
          doseNumber,
          batchNumber: status === 'COMPLETED' ? batchNumber(rng) : null,
          site:
            status !== 'COMPLETED'
              ? null
              : nasal
                ? INJECTION_SITES.nose
                : rng.chance(0.7)
                  ? INJECTION_SITES.leftUpperArm
                  : INJECTION_SITES.rightUpperArm,
        }),
      ),
    );
  }
}

function appointments({ plan, rng, until, region }: Story): Appointment[] {
  const schoolTeam = region.locator.nearest('COMMUNITY_TRUST', plan.home);
  const found: Appointment[] = [];
  // The latest adult flu vaccination: the autumn COVID-19 vaccine is often given at the same appointment.
  let fluVisit: Appointment | undefined;

  for (const campaign of campaigns(region.from, until)) {
    const at = workingTimeBetween(
      rng,
      Math.max(campaign.from, plan.registeredAt),
      Math.min(campaign.to, until),
    );
    if (at === undefined) continue;
    const age = ageAt(plan, at);
    const inCareHome = plan.careHome !== undefined && at >= plan.careHome.from;
    const uptake = campaign.uptake(plan, age, inCareHome);
    if (rng.chance(uptake)) {
      const child = age < 18;
      const flu = campaign.vaccine === VACCINES.influenza;
      const given: Vaccination = {
        vaccine: campaign.vaccine,
        status: 'COMPLETED',
        doseNumber: null,
        nasal: flu && child,
      };
      if (!flu && fluVisit !== undefined && fluVisit.at >= campaign.from && rng.chance(0.5)) {
        fluVisit.given.push(given);
        continue;
      }
      const by =
        child && age >= 4 && schoolTeam.length > 0
          ? rng.pick(schoolTeam)
          : !child && !inCareHome && plan.pharmacy !== undefined && rng.chance(0.45)
            ? plan.pharmacy
            : plan.gp;
      const appointment = { at, by, given: [given] };
      found.push(appointment);
      if (flu && !child) fluVisit = appointment;
    } else if (uptake > 0 && rng.chance(0.15)) {
      found.push({
        at,
        by: plan.gp,
        given: [{ vaccine: campaign.vaccine, status: 'NOT_DONE', doseNumber: null, nasal: false }],
      });
    }
  }

  // MMR at one year and at three years four months, when those birthdays fall inside the history.
  for (const [dose, ageInYears] of [
    [1, 1],
    [2, 3 + 4 / 12],
  ] as const) {
    const due = Math.round(plan.bornAt + ageInYears * YEAR);
    if (due < plan.registeredAt || due + 60 * DAY >= until || !rng.chance(0.9)) continue;
    found.push({
      at: workingTimeAfter(rng, due, 0, 60),
      by: plan.gp,
      given: [{ vaccine: VACCINES.mmr, status: 'COMPLETED', doseNumber: dose, nasal: false }],
    });
  }
  return found.sort((a, b) => a.at - b.at);
}
