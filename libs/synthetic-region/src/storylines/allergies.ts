import type { AllergyReaction } from '@crosscare/events';
import { ALLERGIES } from '../catalogue/episodes';
import { DAY, epochDay, minutesAfter, workingTimeAfter, workingTimeBetween } from '../timeline/clock';
import { message, type EventBody, type Message } from '../timeline/message';
import type { Story } from './story';

/**
 * About one patient in seven has an allergy on the GP record: mostly known before and shared with the record,
 * sometimes newly found. A few are later made more severe, outgrown, or found to be entered in error.
 */
export function* allergies({ plan, rng, ids, until }: Story): Generator<Message> {
  if (!rng.chance(0.14)) return;
  const allergy = rng.weighted(ALLERGIES.map((a) => [a, a.weight] as const));
  const recordedAt = rng.chance(0.85)
    ? minutesAfter(rng, plan.registeredAt, 1, 45)
    : workingTimeBetween(rng, plan.registeredAt + 14 * DAY, until);
  if (recordedAt === undefined || recordedAt >= until) return;

  const severe = allergy.reactions.some((r) => r.code === '39579001');
  const reactions: AllergyReaction[] = allergy.reactions
    .slice(0, rng.between(1, allergy.reactions.length))
    .map((manifestation) => ({ manifestation, severity: severe ? 'SEVERE' : 'MODERATE', onsetAt: null }));
  const body: EventBody<'AllergyRecorded'> = {
    substance: allergy.substance,
    category: allergy.category,
    clinicalStatus: 'ACTIVE',
    criticality: severe ? 'HIGH' : 'LOW',
    reactions,
    onsetDate: rng.chance(0.6)
      ? Math.min(epochDay(recordedAt), plan.person.birthDate + rng.between(365, 20_000))
      : null,
  };
  const record = ids.next('AllergyIntolerance');
  yield message(recordedAt, plan.gp, record.change('AllergyRecorded', body));

  const followUp = workingTimeAfter(rng, recordedAt, 2, 300);
  if (followUp >= until) return;
  const roll = rng.next();
  if (roll < 0.04) {
    yield message(followUp, plan.gp, record.remove('AllergyRecorded', 'ENTERED_IN_ERROR'));
  } else if (roll < 0.1) {
    yield message(followUp, plan.gp, record.change('AllergyRecorded', { ...body, criticality: 'HIGH' }));
  } else if (roll < 0.13 && allergy.category === 'FOOD') {
    yield message(
      followUp,
      plan.gp,
      record.change('AllergyRecorded', { ...body, clinicalStatus: 'RESOLVED' }),
    );
  }
}
