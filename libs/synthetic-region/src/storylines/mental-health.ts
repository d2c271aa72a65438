import { LONG_TERM_CONDITIONS, type LongTermConditionName } from '../catalogue/conditions';
import { CARE_PLANS } from '../catalogue/episodes';
import { SERVICES } from '../catalogue/services';
import { ageAt } from '../patients/patient-plan';
import { encounterEnded, encounterStarted, referral } from '../timeline/bodies';
import { DAY, epochDay, minutesAfter, workingTimeAfter } from '../timeline/clock';
import { message, type EventBody, type Message } from '../timeline/message';
import { inTimeOrder, type Story } from './story';

const SEVERE: readonly LongTermConditionName[] = ['schizophrenia', 'bipolarDisorder'];

/**
 * Care from the mental health trust: the GP's referral, an assessment, the trust's own problem entry and care plan
 * (a crisis plan for severe mental illness, reviewed every six months), community contacts every few weeks, rarely
 * an admission, and for those who recover a discharge that completes the plan. Severe illness stays open.
 */
export function* mentalHealth(story: Story): Generator<Message> {
  const { plan, rng, ids, until, region } = story;
  const planned = plan.conditions.find((c) => {
    const referralFor = LONG_TERM_CONDITIONS[c.name].referral;
    return (
      LONG_TERM_CONDITIONS[c.name].mentalHealth &&
      referralFor !== undefined &&
      rng.chance(referralFor.probability)
    );
  });
  if (planned === undefined) return;
  const condition = LONG_TERM_CONDITIONS[planned.name];
  const severe = SEVERE.includes(planned.name);
  const age = ageAt(plan, planned.diagnosedAt);
  const service =
    age < 18
      ? SERVICES.childAndAdolescentPsychiatry
      : planned.name === 'dementia'
        ? SERVICES.oldAgePsychiatry
        : SERVICES.adultMentalIllness;
  const trusts = region.locator.serving(service, plan.home);
  if (trusts.length === 0) return;
  const trust = trusts[0];

  const referredAt = planned.knownBefore
    ? workingTimeAfter(rng, plan.registeredAt, 1, 120)
    : workingTimeAfter(rng, planned.diagnosedAt, 0, 30);
  const assessedAt = workingTimeAfter(rng, referredAt, severe ? 3 : 14, severe ? 14 : 56);
  if (assessedAt >= until) return;

  const messages: Message[] = [];
  const referralRecord = ids.next('ServiceRequest');
  const referralBody = referral(
    service.specialty,
    trust,
    severe ? 'URGENT' : 'ROUTINE',
    'ACTIVE',
    condition.problem,
    null,
  );
  messages.push(message(referredAt, plan.gp, referralRecord.change('ReferralMade', referralBody)));

  const contact = (
    at: number,
    encounterClass: 'OUTPATIENT' | 'COMMUNITY' | 'HOME_VISIT',
    minutes: number,
  ) => {
    const encounter = ids.next('Encounter');
    const ended = minutesAfter(rng, at, minutes - 15, minutes + 15);
    messages.push(
      message(
        at,
        trust,
        encounter.change(
          'EncounterStarted',
          encounterStarted(trust, {
            encounterClass,
            startedAt: at,
            specialty: service.specialty,
            reason: condition.problem,
            atSite: encounterClass !== 'HOME_VISIT',
          }),
        ),
      ),
      message(
        ended,
        trust,
        encounter.change('EncounterEnded', encounterEnded(ended, 'DISCHARGED', [condition.problem])),
      ),
    );
    return ended;
  };

  let last = contact(assessedAt, 'OUTPATIENT', 60);
  messages.push(
    message(
      last,
      trust,
      ids.next('Condition').change('ProblemRecorded', {
        code: condition.problem,
        clinicalStatus: 'ACTIVE',
        verificationStatus: 'CONFIRMED',
        significance: 'UNKNOWN',
        onsetDate: Math.min(epochDay(assessedAt), epochDay(planned.diagnosedAt)),
        abatementDate: null,
      }),
    ),
    message(
      workingTimeAfter(rng, last, 2, 7),
      plan.gp,
      referralRecord.change('ReferralMade', { ...referralBody, status: 'COMPLETED' }),
    ),
  );

  const carePlan = ids.next('CarePlan');
  const plannedAt = workingTimeAfter(rng, last, 1, 14);
  const carePlanBody: EventBody<'CarePlanRecorded'> = {
    title: severe
      ? 'Mental health crisis and contingency plan'
      : planned.name === 'dementia'
        ? 'Memory service care plan'
        : 'Community mental health care plan',
    category: CARE_PLANS.carePlan,
    status: 'ACTIVE',
    period: { start: epochDay(plannedAt), end: null },
    description: severe
      ? 'Early warning signs, who to call in a crisis, and the treatment the patient prefers.'
      : 'Goals agreed with the patient, the support offered and when it will be reviewed.',
    addresses: [condition.problem],
  };
  messages.push(message(plannedAt, trust, carePlan.change('CarePlanRecorded', carePlanBody)));

  const leavesServiceAt = severe ? until : workingTimeAfter(rng, plannedAt, 90, 300);
  let admittedAt = severe && rng.chance(0.15) ? workingTimeAfter(rng, plannedAt, 60, 400) : Infinity;
  let reviewDue = plannedAt + 182 * DAY;
  let reviews = 0;
  for (;;) {
    const next = workingTimeAfter(rng, last, 14, 42);
    if (next >= Math.min(until, leavesServiceAt)) break;
    if (reviewDue <= next) {
      reviews++;
      messages.push(
        message(
          reviewDue,
          trust,
          carePlan.change('CarePlanRecorded', {
            ...carePlanBody,
            description: `${carePlanBody.description} Review ${reviews}.`,
          }),
        ),
      );
      reviewDue += 182 * DAY;
    }
    if (admittedAt <= next) {
      const stay = ids.next('Encounter');
      const discharged = workingTimeAfter(rng, next, 14, 40);
      if (discharged >= until) break;
      messages.push(
        message(
          next,
          trust,
          stay.change(
            'EncounterStarted',
            encounterStarted(trust, {
              encounterClass: 'INPATIENT',
              startedAt: next,
              specialty: service.specialty,
              reason: condition.problem,
            }),
          ),
        ),
        message(
          discharged,
          trust,
          stay.change('EncounterEnded', encounterEnded(discharged, 'DISCHARGED', [condition.problem])),
        ),
      );
      last = discharged;
      admittedAt = Infinity;
      reviewDue = Math.max(reviewDue, last + DAY);
      continue;
    }
    last = contact(next, rng.chance(0.3) ? 'HOME_VISIT' : 'COMMUNITY', 45);
  }
  if (!severe) {
    const closed = workingTimeAfter(rng, last, 1, 14);
    if (closed < until)
      messages.push(
        message(
          closed,
          trust,
          carePlan.change('CarePlanRecorded', {
            ...carePlanBody,
            status: 'COMPLETED',
            period: { start: carePlanBody.period.start, end: epochDay(closed) },
          }),
        ),
      );
  }
  yield* inTimeOrder(messages);
}
