import { snomed } from '../catalogue/code-systems';
import { DAY, epochDay, workingTimeBetween } from '../timeline/clock';
import { message, type EventBody, type Message } from '../timeline/message';
import type { Story } from './story';

/** SNOMED CT 416409005: what a practice codes when a patient refuses upload to a local shared care record. */
const REFUSED_LOCAL_SHARING = snomed(
  '416409005',
  'Refused consent for upload to local shared electronic record',
);

/**
 * A few patients object to their record being shared beyond their GP practice, which codes the objection; some
 * later change their mind, and the practice records the withdrawal as the same record's next version.
 */
export function* sharingObjection({ plan, rng, ids, until }: Story): Generator<Message> {
  if (!rng.chance(0.02)) return;
  const statedAt = workingTimeBetween(rng, plan.registeredAt + 30 * DAY, until - 30 * DAY);
  if (statedAt === undefined) return;
  const objection = ids.next('Consent');
  const body: EventBody<'SharingObjectionRecorded'> = {
    status: 'ACTIVE',
    code: REFUSED_LOCAL_SHARING,
    recordedBy: null,
    statedOn: epochDay(statedAt),
  };
  yield message(statedAt, plan.gp, objection.change('SharingObjectionRecorded', body));
  if (!rng.chance(0.3)) return;
  const withdrawnAt = workingTimeBetween(rng, statedAt + 30 * DAY, until);
  if (withdrawnAt === undefined) return;
  yield message(
    withdrawnAt,
    plan.gp,
    objection.change('SharingObjectionRecorded', {
      ...body,
      status: 'WITHDRAWN',
      statedOn: epochDay(withdrawnAt),
    }),
  );
}
