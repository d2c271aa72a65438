import { MINOR_ILLNESSES } from '../catalogue/episodes';
import { ageAt } from '../patients/patient-plan';
import { encounterEnded, encounterStarted, epsPrescriptionId } from '../timeline/bodies';
import { epochDay, minutesAfter, workingTimeAfter } from '../timeline/clock';
import { message, type Change, type Message } from '../timeline/message';
import { daysUntilNext, episodeStart, finishesInTime, inTimeOrder, lastAt, type Story } from './story';

/** GP consultations a year for a short illness, by age. */
function consultationsPerYear(age: number): number {
  if (age < 5) return 1.5;
  if (age < 18) return 0.7;
  if (age < 65) return 0.6;
  return 0.9;
}

/**
 * Short illnesses: a consultation (face to face or by phone), the problem, perhaps an acute prescription the
 * pharmacy dispenses; the course completes and the problem is marked resolved, or now and then removed as
 * entered in error.
 */
export function* minorIllness(story: Story): Generator<Message> {
  const { plan, rng, until } = story;
  let last = plan.registeredAt;
  for (;;) {
    const at = workingTimeAfter(rng, last, daysUntilNext(rng, consultationsPerYear(ageAt(plan, last))), 0);
    if (at >= until) return;
    yield episodeStart(at, plan.gp);
    const messages = illnessEpisode(story, at);
    last = lastAt(messages, at);
    if (!finishesInTime(story, last)) return;
    yield* inTimeOrder(messages);
  }
}

function illnessEpisode({ plan, rng, ids }: Story, at: number): Message[] {
  const { gp, pharmacy } = plan;
  const child = ageAt(plan, at) < 18;
  const illness = rng.pick(MINOR_ILLNESSES.filter((i) => (child ? i.forChildren : i.forAdults)));
  const virtual = rng.chance(0.35);
  const encounter = ids.next('Encounter');
  const problem = ids.next('Condition');
  const ended = minutesAfter(rng, at, 8, 20);
  const onsetDate = epochDay(at) - rng.between(0, 5);
  const messages: Message[] = [
    message(
      at,
      gp,
      encounter.change(
        'EncounterStarted',
        encounterStarted(gp, {
          encounterClass: virtual ? 'VIRTUAL' : 'PRIMARY_CARE',
          startedAt: at,
          reason: illness.problem,
          atSite: !virtual,
        }),
      ),
    ),
  ];
  const onEnd: Change[] = [
    problem.change('ProblemRecorded', {
      code: illness.problem,
      clinicalStatus: 'ACTIVE',
      verificationStatus: rng.chance(0.85) ? 'CONFIRMED' : 'PROVISIONAL',
      significance: 'MINOR',
      onsetDate,
      abatementDate: null,
    }),
    encounter.change('EncounterEnded', encounterEnded(ended, 'DISCHARGED', [illness.problem])),
  ];
  const treatment = illness.treatment !== null && rng.chance(0.7) ? illness.treatment : null;
  if (treatment !== null) {
    const prescription = ids.next('MedicationRequest');
    const body = {
      medication: treatment.product,
      dosageText: treatment.dosage,
      quantity: treatment.issue,
      courseType: 'ACUTE' as const,
      status: 'ACTIVE' as const,
      courseEndDate: epochDay(ended) + treatment.days,
    };
    onEnd.push(prescription.change('MedicationPrescribed', body));
    if (pharmacy !== undefined) {
      const dispensed = minutesAfter(rng, ended, 30, 300);
      messages.push(
        message(
          dispensed,
          pharmacy,
          ids.next('MedicationDispense').change('MedicationDispensed', {
            pharmacyOdsCode: pharmacy.odsCode,
            medication: treatment.product,
            quantity: treatment.issue,
            dosageText: treatment.dosage,
            prescriptionId: epsPrescriptionId(rng, gp.odsCode),
            status: 'COMPLETED',
          }),
        ),
      );
    }
    const completed = workingTimeAfter(rng, ended, treatment.days, treatment.days + 1);
    messages.push(
      message(completed, gp, prescription.change('MedicationPrescribed', { ...body, status: 'COMPLETED' })),
    );
  }
  messages.push(message(ended, gp, ...onEnd));

  const settles = workingTimeAfter(rng, ended, illness.lasts[0], illness.lasts[1]);
  messages.push(
    rng.chance(0.03)
      ? message(settles, gp, problem.remove('ProblemRecorded', 'ENTERED_IN_ERROR'))
      : message(
          settles,
          gp,
          problem.change('ProblemRecorded', {
            code: illness.problem,
            clinicalStatus: 'RESOLVED',
            verificationStatus: 'CONFIRMED',
            significance: 'MINOR',
            onsetDate,
            abatementDate: epochDay(settles),
          }),
        ),
  );
  return messages;
}
