import type { CodedValue, ReferralPriority } from '@crosscare/events';
import type { Provider } from '@crosscare/governance';
import { LONG_TERM_CONDITIONS } from '../catalogue/conditions';
import { SERVICES, type Service } from '../catalogue/services';
import { ageAt, type PatientPlan } from '../patients/patient-plan';
import type { Random } from '../random/seeded-random';
import { encounterEnded, encounterStarted, referral, ubrn } from '../timeline/bodies';
import { DAY, minutesAfter, workingTimeAfter, workingTimeBetween } from '../timeline/clock';
import { clinicLetter } from '../timeline/documents';
import { message, type Message } from '../timeline/message';
import type { SourceRecord } from '../timeline/source-record';
import { episodeStart, finishesInTime, inTimeOrder, lastAt, type Story } from './story';

interface Intent {
  readonly at: number;
  readonly service: Service;
  readonly reason: CodedValue | null;
  readonly priority: ReferralPriority;
}

/** Mental health and palliative care have storylines of their own. */
const OUTPATIENT_TYPES = new Set(['ACUTE_TRUST', 'SPECIALIST_TRUST']);

/** Routine outpatient referrals a year, by age. */
function referralsPerYear(age: number): number {
  if (age < 18) return 0.05;
  if (age < 40) return 0.08;
  if (age < 65) return 0.15;
  return 0.25;
}

function routineService(rng: Random, plan: PatientPlan, age: number): Service {
  if (age < 18) return SERVICES.paediatrics;
  const female = plan.person.gender === 'FEMALE';
  return rng.weighted<Service>([
    [SERVICES.ent, 3],
    [SERVICES.dermatology, 3],
    [SERVICES.ophthalmology, age >= 60 ? 4 : 1],
    [SERVICES.generalSurgery, 2],
    [SERVICES.gastroenterology, 2],
    [SERVICES.cardiology, age >= 50 ? 2 : 0.5],
    [SERVICES.gynaecology, female ? 2 : 0],
    [SERVICES.urology, female ? 0.5 : 2],
  ]);
}

/**
 * GP referrals to hospital outpatients, routine or for a long-term condition, a few under the two-week wait: the
 * e-RS referral, the first appointment (often at a specialist trust, for some patients across the ICS border),
 * perhaps a follow-up, and the referral completed, or withdrawn when the patient declines.
 */
export function* referrals(story: Story): Generator<Message> {
  const { plan, rng, until, region } = story;
  const intents: Intent[] = [];
  for (const planned of plan.conditions) {
    const condition = LONG_TERM_CONDITIONS[planned.name];
    const wanted = condition.referral;
    if (wanted === undefined || !OUTPATIENT_TYPES.has(wanted.service.providers[0].type)) continue;
    if (!rng.chance(wanted.probability)) continue;
    const at = planned.knownBefore
      ? workingTimeBetween(rng, plan.registeredAt + 7 * DAY, until)
      : workingTimeAfter(rng, planned.diagnosedAt, 0, 21);
    if (at !== undefined)
      intents.push({
        at,
        service: wanted.service,
        reason: condition.problem,
        priority: condition.lifeLimiting && !planned.knownBefore ? 'TWO_WEEK_WAIT' : 'ROUTINE',
      });
  }
  const age = ageAt(plan, plan.registeredAt);
  const routine = rng.poisson((referralsPerYear(age) * (until - plan.registeredAt)) / (365 * DAY));
  for (let i = 0; i < routine; i++) {
    const at = workingTimeBetween(rng, plan.registeredAt + 7 * DAY, until);
    if (at !== undefined)
      intents.push({
        at,
        service: routineService(rng, plan, age),
        reason: null,
        priority: rng.weighted<ReferralPriority>([
          ['ROUTINE', 85],
          ['URGENT', 12],
          ['TWO_WEEK_WAIT', age >= 40 ? 3 : 0],
        ]),
      });
  }
  intents.sort((a, b) => a.at - b.at);

  let last = plan.registeredAt;
  for (const intent of intents) {
    const at = intent.at > last ? intent.at : workingTimeAfter(rng, last, 1, 14);
    const recipient = recipientFor(story, intent.service);
    if (at >= until || recipient === undefined) continue;
    yield episodeStart(at, plan.gp);
    const messages = referralJourney(story, at, intent, recipient);
    const end = lastAt(messages, at);
    if (!finishesInTime(story, end)) return;
    yield* inTimeOrder(messages);
    last = end;
    if (region.end <= last) return;
  }
}

/** Where the patient is seen: the usual trust, or the trust across the border for patients who use one. */
function recipientFor({ plan, rng, region }: Story, service: Service): Provider | undefined {
  const candidates = region.locator.serving(service, plan.home);
  if (candidates.length === 0) return undefined;
  const usual =
    candidates[0].type === 'ACUTE_TRUST' && plan.hospital !== undefined
      ? plan.hospital
      : rng.pick(candidates);
  return plan.awayHospital !== undefined && usual.type === 'ACUTE_TRUST' && rng.chance(0.4)
    ? plan.awayHospital
    : usual;
}

function referralJourney(
  { plan, rng, ids }: Story,
  at: number,
  intent: Intent,
  recipient: Provider,
): Message[] {
  const { gp } = plan;
  const record = ids.next('ServiceRequest');
  const booking = rng.chance(0.85) ? ubrn(rng) : null;
  const body = referral(
    intent.service.specialty,
    recipient,
    intent.priority,
    'ACTIVE',
    intent.reason,
    booking,
  );
  const messages = [message(at, gp, record.change('ReferralMade', body))];
  if (rng.chance(0.08)) {
    messages.push(
      message(
        workingTimeAfter(rng, at, 7, 30),
        gp,
        record.change('ReferralMade', { ...body, status: 'REVOKED' }),
      ),
    );
    return messages;
  }
  const [soonest, latest] =
    intent.priority === 'TWO_WEEK_WAIT' ? [7, 14] : intent.priority === 'URGENT' ? [14, 42] : [42, 126];
  let appointment = workingTimeAfter(rng, at, soonest, latest);
  const appointments: { readonly encounter: SourceRecord; readonly ended: number }[] = [];
  for (let visit = 0; visit === 0 || (visit === 1 && rng.chance(0.3)); visit++) {
    const encounter = ids.next('Encounter');
    const ended = minutesAfter(rng, appointment, 15, 45);
    messages.push(
      message(
        appointment,
        recipient,
        encounter.change(
          'EncounterStarted',
          encounterStarted(recipient, {
            encounterClass: 'OUTPATIENT',
            startedAt: appointment,
            specialty: intent.service.specialty,
            reason: intent.reason,
          }),
        ),
      ),
      message(
        ended,
        recipient,
        encounter.change(
          'EncounterEnded',
          encounterEnded(ended, 'DISCHARGED', intent.reason === null ? [] : [intent.reason]),
        ),
      ),
    );
    if (visit === 0)
      messages.push(
        message(
          workingTimeAfter(rng, ended, 1, 5),
          gp,
          record.change('ReferralMade', { ...body, status: 'COMPLETED' }),
        ),
      );
    appointments.push({ encounter, ended });
    appointment = workingTimeAfter(rng, ended, 60, 120);
  }
  // Numbered after the visits, so that letters shifted no other record's id; written two days after each clinic.
  for (const { encounter, ended } of appointments) {
    const letter = ids.next('DocumentReference');
    const writtenAt = ended + 2 * DAY;
    messages.push(
      message(
        writtenAt,
        recipient,
        letter.change('DocumentRecorded', clinicLetter(recipient, encounter, writtenAt, letter)),
      ),
    );
  }
  return messages;
}
