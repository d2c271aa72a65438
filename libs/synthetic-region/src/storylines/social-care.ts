import type { SocialCareInvolvementType, SocialCareRecordKind } from '@crosscare/events';
import { ageAt } from '../patients/patient-plan';
import { landlineNumber, workerName } from '../patients/person';
import { DAY, epochDay, minutesAfter, workingTimeAfter, workingTimeBetween } from '../timeline/clock';
import { message, posthumousMessage, type EventBody, type Message } from '../timeline/message';
import type { SourceRecord } from '../timeline/source-record';
import { inTimeOrder, type Story } from './story';

interface Involvement {
  readonly type: SocialCareInvolvementType;
  readonly team: string;
  /** Chance that a safeguarding concern is raised while the case is open. */
  readonly safeguarding: number;
  /** Chance of a service or package of care after the assessment. */
  readonly service: number;
  /** Days until the case closes; undefined while care goes on. */
  readonly closesAfter?: readonly [number, number];
}

function involvementFor(story: Story): Involvement | undefined {
  const { plan, rng } = story;
  const age = ageAt(plan, plan.registeredAt);
  const names = plan.conditions.map((c) => c.name);
  if (age < 18)
    return rng.chance(0.02)
      ? {
          type: 'CHILDREN_SOCIAL_CARE',
          team: "Children's Social Care - Family Support",
          safeguarding: 0.15,
          service: 0.2,
          closesAfter: [90, 270],
        }
      : undefined;
  if (age < 65) {
    if (names.includes('schizophrenia') || names.includes('bipolarDisorder'))
      return rng.chance(plan.cast === 'mental-health' ? 1 : 0.2)
        ? {
            type: 'ADULT_SOCIAL_CARE',
            team: 'Mental Health Social Work Team',
            safeguarding: 0.06,
            service: 0.3,
          }
        : undefined;
    if (rng.chance(0.012))
      return {
        type: 'CARER_SUPPORT',
        team: 'Carers Support Team',
        safeguarding: 0,
        service: 0.5,
        closesAfter: [180, 365],
      };
    return rng.chance(0.008)
      ? {
          type: 'ADULT_SOCIAL_CARE',
          team: 'Adult Social Care - Working Age Adults',
          safeguarding: 0.06,
          service: 0.5,
        }
      : undefined;
  }
  const chance =
    plan.cast === 'later-life'
      ? 1
      : (age >= 75 ? 0.22 : 0.08) +
        (names.includes('dementia') ? 0.3 : 0) +
        (plan.careHome !== undefined ? 0.4 : 0);
  return rng.chance(chance)
    ? { type: 'ADULT_SOCIAL_CARE', team: 'Older Adults Team', safeguarding: 0.06, service: 0.7 }
    : undefined;
}

/**
 * A council's involvement, as it shares it: an assessment, a worker allocated, perhaps a package of care that
 * changes, a safeguarding concern marked restricted, and closure, or records closed after the patient's death.
 */
export function* socialCare(story: Story): Generator<Message> {
  const { plan, rng, ids, until, region } = story;
  const involvement = involvementFor(story);
  if (involvement === undefined || plan.council === undefined) return;
  const council = region.directory.councilFor(plan.council.odsCode);
  if (council === undefined) return;
  const provider = plan.council;
  const opened = rng.chance(0.3)
    ? minutesAfter(rng, plan.registeredAt, 30, 600)
    : workingTimeBetween(rng, plan.registeredAt + 7 * DAY, until - 30 * DAY);
  if (opened === undefined) return;

  const messages: Message[] = [];
  const teamContact = landlineNumber(rng, plan.home);
  const involved = (
    recordKind: SocialCareRecordKind,
    start: number,
    fields: Partial<EventBody<'SocialCareInvolvementRecorded'>> = {},
  ): EventBody<'SocialCareInvolvementRecorded'> => ({
    councilCode: council.code,
    councilName: council.name,
    involvementType: involvement.type,
    allocatedTeam: involvement.team,
    teamContact,
    period: { start: epochDay(start), end: null },
    recordKind,
    allocatedWorker: null,
    service: null,
    restricted: false,
    ...fields,
  });
  const close = (record: SourceRecord, body: EventBody<'SocialCareInvolvementRecorded'>, at: number) =>
    record.change('SocialCareInvolvementRecorded', {
      ...body,
      period: { start: body.period.start, end: epochDay(at) },
    });
  // Records still open when the patient dies are closed in the days after; otherwise they stay open.
  const closing = (
    open: SourceRecord,
    body: EventBody<'SocialCareInvolvementRecorded'>,
    closesAt: number | undefined,
  ) => {
    if (closesAt !== undefined && closesAt < until)
      messages.push(message(closesAt, provider, close(open, body, closesAt)));
    else if (plan.death !== undefined) {
      const after = workingTimeAfter(rng, plan.death.at, 1, 10);
      messages.push(posthumousMessage(after, provider, close(open, body, after)));
    }
  };
  const caseClosesAt = involvement.closesAfter && workingTimeAfter(rng, opened, ...involvement.closesAfter);

  const assessment = ids.next('SocialCareAssessment');
  const assessmentBody = involved('ASSESSMENT', opened);
  messages.push(
    message(opened, provider, assessment.change('SocialCareInvolvementRecorded', assessmentBody)),
  );
  const assessed = workingTimeAfter(rng, opened, 14, 42);
  if (assessed < until)
    messages.push(message(assessed, provider, close(assessment, assessmentBody, assessed)));

  const allocation = ids.next('SocialCareAllocation');
  const allocatedAt = workingTimeAfter(rng, opened, 1, 10);
  let allocationBody = involved('ALLOCATION', allocatedAt, { allocatedWorker: workerName(rng) });
  if (allocatedAt < until) {
    messages.push(
      message(allocatedAt, provider, allocation.change('SocialCareInvolvementRecorded', allocationBody)),
    );
    const handedOver = workingTimeAfter(rng, allocatedAt, 60, 200);
    if (rng.chance(0.2) && handedOver < (caseClosesAt ?? until)) {
      allocationBody = { ...allocationBody, allocatedWorker: workerName(rng) };
      messages.push(
        message(handedOver, provider, allocation.change('SocialCareInvolvementRecorded', allocationBody)),
      );
    }
    closing(allocation, allocationBody, caseClosesAt);
  }

  if (assessed < until && rng.chance(involvement.service)) {
    const service = ids.next('SocialCareService');
    const hours = rng.between(2, 14);
    const residentAlready = plan.careHome !== undefined && plan.careHome.from <= assessed;
    let serviceBody = involved('SERVICE', assessed, {
      service:
        involvement.type === 'CARER_SUPPORT'
          ? 'Carer respite, 4 hours a week'
          : residentAlready
            ? `Residential care placement, ${plan.careHome.provider.name}`
            : `Home care, ${hours} hours a week`,
    });
    messages.push(message(assessed, provider, service.change('SocialCareInvolvementRecorded', serviceBody)));
    const reviewed = workingTimeAfter(rng, assessed, 90, 300);
    const movesIntoCareHome =
      plan.careHome !== undefined && plan.careHome.from > assessed ? plan.careHome.from : undefined;
    if (
      !residentAlready &&
      involvement.type === 'ADULT_SOCIAL_CARE' &&
      rng.chance(0.3) &&
      reviewed < (movesIntoCareHome ?? caseClosesAt ?? until)
    ) {
      serviceBody = { ...serviceBody, service: `Home care, ${hours + rng.between(2, 7)} hours a week` };
      messages.push(
        message(reviewed, provider, service.change('SocialCareInvolvementRecorded', serviceBody)),
      );
    }
    closing(service, serviceBody, movesIntoCareHome ?? caseClosesAt);
    if (movesIntoCareHome !== undefined && movesIntoCareHome < until) {
      const placement = ids.next('SocialCareService');
      const placementBody = involved('SERVICE', movesIntoCareHome, {
        service: `Residential care placement, ${plan.careHome!.provider.name}`,
      });
      messages.push(
        message(
          movesIntoCareHome,
          provider,
          placement.change('SocialCareInvolvementRecorded', placementBody),
        ),
      );
      closing(placement, placementBody, undefined);
    }
  }

  if (rng.chance(involvement.safeguarding)) {
    const raised = workingTimeAfter(rng, opened, 10, 200);
    if (raised < (caseClosesAt ?? until)) {
      const concern = ids.next('SocialCareSafeguarding');
      const concernBody = involved('SAFEGUARDING', raised, {
        involvementType: 'SAFEGUARDING',
        allocatedTeam:
          involvement.type === 'CHILDREN_SOCIAL_CARE'
            ? 'Multi-Agency Safeguarding Hub'
            : 'Adult Safeguarding Team',
        allocatedWorker: workerName(rng),
        restricted: true,
      });
      messages.push(message(raised, provider, concern.change('SocialCareInvolvementRecorded', concernBody)));
      closing(concern, concernBody, workingTimeAfter(rng, raised, 14, 60));
    }
  }
  yield* inTimeOrder(messages);
}
