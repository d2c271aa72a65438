import type { ContactPoint } from '@crosscare/events';
import { GIVEN_NAMES } from '../catalogue/people';
import { ICS_PROFILES } from '../geography/places';
import { ageAt } from '../patients/patient-plan';
import { addressIn, drawName, mobileNumber } from '../patients/person';
import { DAY, workingTimeBetween } from '../timeline/clock';
import { message, type Message, type PatientChange } from '../timeline/message';
import { inTimeOrder, type Story } from './story';

/**
 * The GP registers the patient (or first shares an existing registration), then now and then updates the details:
 * a move within the council's area, a new mobile, a new surname. A care home move is the later-life storyline's.
 */
export function* demographics({ plan, rng, until }: Story): Generator<Message> {
  yield message(plan.registeredAt, plan.gp, { kind: 'registered' });

  const changes: Message[] = [];
  const change = (at: number | undefined, patientChange: PatientChange) => {
    if (at !== undefined) changes.push(message(at, plan.gp, patientChange));
  };
  const settledFrom = plan.registeredAt + 30 * DAY;

  if (plan.person.address !== null && rng.chance(0.12)) {
    const nearby = ICS_PROFILES[plan.home].places.filter((p) => p.councilCode === plan.place.councilCode);
    const place = rng.weighted(nearby.map((p) => [p, p.weight] as const));
    change(workingTimeBetween(rng, settledFrom, plan.careHome?.from ?? until), {
      kind: 'details-changed',
      update: { address: addressIn(rng, place) },
      changed: ['ADDRESS'],
    });
  }
  if (rng.chance(0.18)) {
    const telecom: ContactPoint[] = [
      mobileNumber(rng),
      ...plan.person.telecom.filter((contact) => contact.system !== 'MOBILE'),
    ];
    change(workingTimeBetween(rng, settledFrom, until), {
      kind: 'details-changed',
      update: { telecom },
      changed: ['TELECOM'],
    });
  }
  const age = ageAt(plan, plan.registeredAt);
  if (plan.person.gender === 'FEMALE' && age >= 20 && age < 45 && rng.chance(0.03)) {
    const family = drawName(rng, 'FEMALE', age).family;
    const given = plan.person.name.given.length > 0 ? plan.person.name.given : [rng.pick(GIVEN_NAMES.FEMALE)];
    change(workingTimeBetween(rng, settledFrom, until), {
      kind: 'details-changed',
      update: { name: { prefix: 'Mrs', given: [...given], family } },
      changed: ['NAME'],
    });
  }
  yield* inTimeOrder(changes);
}
