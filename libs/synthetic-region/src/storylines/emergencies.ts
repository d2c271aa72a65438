import type { Provider } from '@crosscare/governance';
import { EMERGENCY_PRESENTATIONS, type EmergencyPresentation } from '../catalogue/episodes';
import { SERVICES } from '../catalogue/services';
import { ageAt } from '../patients/patient-plan';
import type { Random } from '../random/seeded-random';
import { encounterEnded, encounterStarted } from '../timeline/bodies';
import { anyTimeAfter, DAY, minutesAfter } from '../timeline/clock';
import { message, type Message } from '../timeline/message';
import { emergencyEpisode } from './emergency-episode';
import { daysUntilNext, episodeStart, finishesInTime, inTimeOrder, lastAt, type Story } from './story';

/** Emergency department attendances a year, by age. */
function attendancesPerYear(age: number): number {
  if (age < 5) return 0.45;
  if (age < 18) return 0.25;
  if (age < 65) return 0.25;
  if (age < 80) return 0.35;
  return 0.6;
}

function presentationFor(rng: Random, age: number): EmergencyPresentation {
  const band = age < 18 ? 0 : age < 75 ? 1 : 2;
  return rng.weighted(EMERGENCY_PRESENTATIONS.map((p) => [p, p.weight[band]] as const));
}

/**
 * Emergencies at the patient's usual hospital (or, for a minor injury, the community trust's urgent treatment
 * centre), one after another: see emergencyEpisode for what each holds.
 */
export function* emergencies(story: Story): Generator<Message> {
  const { plan, rng, until, region } = story;
  const hospital = plan.hospital;
  if (hospital === undefined) return;
  const treatmentCentres = region.locator.nearest('COMMUNITY_TRUST', plan.home);
  let last = plan.registeredAt;
  for (;;) {
    const age = ageAt(plan, last);
    const at = anyTimeAfter(rng, last, daysUntilNext(rng, attendancesPerYear(age)), 0);
    if (at >= until) return;
    yield episodeStart(at, hospital);
    const presentation = presentationFor(rng, age);
    const messages =
      age < 65 && treatmentCentres.length > 0 && rng.chance(0.1)
        ? minorInjury(story, at, treatmentCentres[0], presentation)
        : emergencyEpisode(story, at, { hospital, presentation, away: false });
    const end = lastAt(messages, at);
    if (!finishesInTime(story, end)) return;
    yield* inTimeOrder(messages);
    last = end;
  }
}

/** An urgent treatment centre seeing a minor injury or illness: in and out within hours. */
function minorInjury(
  { rng, ids }: Story,
  at: number,
  centre: Provider,
  presentation: EmergencyPresentation,
): Message[] {
  const attendance = ids.next('Encounter');
  const seen = minutesAfter(rng, at, 40, 180);
  return [
    message(
      at,
      centre,
      attendance.change(
        'EncounterStarted',
        encounterStarted(centre, {
          encounterClass: 'EMERGENCY',
          startedAt: at,
          specialty: SERVICES.emergencyMedicine.specialty,
          reason: presentation.complaint,
        }),
      ),
    ),
    message(
      seen,
      centre,
      attendance.change('EncounterEnded', encounterEnded(seen, 'DISCHARGED', [presentation.dischargedWith])),
    ),
  ];
}

/**
 * The one episode that brings a patient to a hospital in a neighbouring ICS, often in the other collaborative:
 * an emergency while visiting family, working or shopping across the border. The demo's patient is admitted.
 */
export function* awayEpisode(story: Story): Generator<Message> {
  const { plan, rng, until } = story;
  if (plan.awayHospital === undefined) return;
  const latest = Math.max(plan.registeredAt + 2 * DAY, until - 60 * DAY);
  const at = anyTimeAfter(
    rng,
    plan.registeredAt,
    7,
    Math.max(7, Math.floor((latest - plan.registeredAt) / DAY)),
  );
  if (at >= until) return;
  yield episodeStart(at, plan.awayHospital);
  const cast = plan.cast === 'cross-boundary';
  const presentation = cast
    ? EMERGENCY_PRESENTATIONS.find((p) => p.complaint.code === '267036007')!
    : presentationFor(rng, ageAt(plan, at));
  const messages = emergencyEpisode(story, at, {
    hospital: plan.awayHospital,
    presentation,
    away: true,
    ...(cast ? { admitted: true } : {}),
  });
  if (finishesInTime(story, lastAt(messages, at))) yield* inTimeOrder(messages);
}
