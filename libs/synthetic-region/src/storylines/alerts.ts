import type { CodedValue } from '@crosscare/events';
import { snomed } from '../catalogue/code-systems';
import { DAY, epochDay, workingTimeBetween } from '../timeline/clock';
import { message, type EventBody, type Message } from '../timeline/message';
import type { Story } from './story';

/** NHS England's Patient Flag category of the national reasonable adjustment flag. */
const REASONABLE_ADJUSTMENT_CATEGORY: CodedValue = Object.freeze({
  system: 'https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient',
  code: 'national-reasonable-adjustment-flag',
  display: 'National Reasonable Adjustments Flag',
});

/** Adjustments from NHS England's reasonable adjustment flag code list (SNOMED CT). */
const ADJUSTMENTS: readonly CodedValue[] = [
  snomed('285055002', 'Use hearing aid'),
  snomed('441092009', 'Lip read'),
  snomed('520471000000105', 'Method of communication: British Sign Language'),
  snomed('225834007', 'A citizen advocate'),
];

const LIVES_ALONE = snomed('105529008', 'Lives alone');

/**
 * A few patients have a reasonable adjustment flag raised by their practice, which stays; a few others have a local
 * alert that the practice later makes inactive (it no longer applies), as the record's next version.
 */
export function* alerts({ plan, rng, ids, until }: Story): Generator<Message> {
  const raisedAt = workingTimeBetween(rng, plan.registeredAt + 30 * DAY, until - 30 * DAY);
  if (raisedAt === undefined) return;
  if (rng.chance(0.04)) {
    const code = rng.pick(ADJUSTMENTS);
    yield message(
      raisedAt,
      plan.gp,
      ids.next('Flag').change('AlertRecorded', {
        ...alert(code, raisedAt, plan.gp.odsCode),
        category: REASONABLE_ADJUSTMENT_CATEGORY,
        reasonableAdjustment: true,
      }),
    );
    return;
  }
  if (!rng.chance(0.02)) return;
  const flag = ids.next('Flag');
  const body = alert(LIVES_ALONE, raisedAt, plan.gp.odsCode);
  yield message(raisedAt, plan.gp, flag.change('AlertRecorded', body));
  const endedAt = workingTimeBetween(rng, raisedAt + 60 * DAY, until);
  if (endedAt === undefined) return;
  yield message(
    endedAt,
    plan.gp,
    flag.change('AlertRecorded', {
      ...body,
      status: 'INACTIVE',
      period: { start: body.period.start, end: epochDay(endedAt) },
    }),
  );
}

function alert(code: CodedValue, at: number, author: string): EventBody<'AlertRecorded'> {
  return {
    code,
    text: code.display,
    category: null,
    reasonableAdjustment: false,
    status: 'ACTIVE',
    period: { start: epochDay(at), end: null },
    authorOdsCode: author,
    authorName: null,
    notes: null,
  };
}
