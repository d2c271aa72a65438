import { CARE_PLANS } from '../catalogue/episodes';
import { MEASUREMENTS } from '../catalogue/measurements';
import { SERVICES } from '../catalogue/services';
import { ageAt } from '../patients/patient-plan';
import { encounterEnded, encounterStarted, measuredObservation, referral } from '../timeline/bodies';
import { DAY, epochDay, minutesAfter, workingTimeAfter, workingTimeBetween } from '../timeline/clock';
import { message, type EventBody, type Message } from '../timeline/message';
import { inTimeOrder, type Story } from './story';

/**
 * Frail older patients on the district nurses' caseload: the GP's referral, a care plan and weight at the first
 * visit, weekly home visits for a few months, then discharge from the caseload, which completes the plan.
 */
export function* communityNursing({ plan, rng, ids, until, region }: Story): Generator<Message> {
  const age = ageAt(plan, plan.registeredAt);
  const wanted = plan.cast === 'later-life' || (age >= 75 && rng.chance(age >= 85 ? 0.3 : 0.15));
  if (!wanted) return;
  const nurses = region.locator.serving(SERVICES.communityNursing, plan.home);
  const referredAt = workingTimeBetween(rng, plan.registeredAt + 14 * DAY, until - 30 * DAY);
  if (nurses.length === 0 || referredAt === undefined) return;
  const nurse = nurses[0];
  const messages: Message[] = [];

  const referralRecord = ids.next('ServiceRequest');
  const referralBody = referral(SERVICES.communityNursing.specialty, nurse, 'ROUTINE', 'ACTIVE', null, null);
  messages.push(message(referredAt, plan.gp, referralRecord.change('ReferralMade', referralBody)));

  const carePlan = ids.next('CarePlan');
  let visitAt = workingTimeAfter(rng, referredAt, 2, 10);
  const carePlanBody: EventBody<'CarePlanRecorded'> = {
    title: 'District nursing care plan',
    category: CARE_PLANS.carePlan,
    status: 'ACTIVE',
    period: { start: epochDay(visitAt), end: null },
    description: 'Pressure area care, medicines support and falls prevention at home.',
    addresses: [],
  };
  const lastVisitBy = Math.min(until, workingTimeAfter(rng, visitAt, 28, 112));
  let last = visitAt;
  for (let first = true; visitAt < lastVisitBy; first = false) {
    const visit = ids.next('Encounter');
    const done = minutesAfter(rng, visitAt, 20, 50);
    messages.push(
      message(
        visitAt,
        nurse,
        visit.change(
          'EncounterStarted',
          encounterStarted(nurse, {
            encounterClass: 'HOME_VISIT',
            startedAt: visitAt,
            specialty: SERVICES.communityNursing.specialty,
            atSite: false,
          }),
        ),
      ),
    );
    const findings = first
      ? [
          carePlan.change('CarePlanRecorded', carePlanBody),
          ids
            .next('Observation')
            .change('ObservationRecorded', measuredObservation(rng, MEASUREMENTS.bodyWeight, done, 64)),
        ]
      : [];
    messages.push(
      message(done, nurse, ...findings, visit.change('EncounterEnded', encounterEnded(done, 'DISCHARGED'))),
    );
    if (first)
      messages.push(
        message(
          workingTimeAfter(rng, done, 1, 5),
          plan.gp,
          referralRecord.change('ReferralMade', { ...referralBody, status: 'COMPLETED' }),
        ),
      );
    last = done;
    visitAt = workingTimeAfter(rng, done, 5, 9);
  }
  const discharged = workingTimeAfter(rng, last, 1, 7);
  if (carePlan.created && discharged < until)
    messages.push(
      message(
        discharged,
        nurse,
        carePlan.change('CarePlanRecorded', {
          ...carePlanBody,
          status: 'COMPLETED',
          period: { start: carePlanBody.period.start, end: epochDay(discharged) },
        }),
      ),
    );
  yield* inTimeOrder(messages);
}
