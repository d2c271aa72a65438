import type { CodedValue, LastingPowerOfAttorney, PreferredPlaceOfDeath } from '@crosscare/events';
import type { Provider } from '@crosscare/governance';
import { LONG_TERM_CONDITIONS } from '../catalogue/conditions';
import { CARE_PLANS, DISCHARGE_DESTINATIONS, PLACES_OF_DEATH } from '../catalogue/episodes';
import { icd10 } from '../catalogue/code-systems';
import { MEASUREMENTS } from '../catalogue/measurements';
import { SERVICES } from '../catalogue/services';
import type { DeathPlace } from '../patients/patient-plan';
import { encounterEnded, encounterStarted, measuredObservation, referral } from '../timeline/bodies';
import { anyTimeAfter, DAY, epochDay, HOUR, minutesAfter, workingTimeAfter } from '../timeline/clock';
import { message, posthumousMessage, type EventBody, type Message } from '../timeline/message';
import { inTimeOrder, type Story } from './story';

const PREFERRED_PLACE: Readonly<Record<DeathPlace, PreferredPlaceOfDeath>> = {
  home: 'HOME',
  hospital: 'HOSPITAL',
  hospice: 'HOSPICE',
  careHome: 'CARE_HOME',
};

const PLACE_OF_DEATH: Readonly<Record<DeathPlace, CodedValue>> = {
  home: PLACES_OF_DEATH.home,
  hospital: PLACES_OF_DEATH.hospital,
  hospice: PLACES_OF_DEATH.hospice,
  careHome: PLACES_OF_DEATH.careHome,
};

const PNEUMONIA = icd10('J18.9', 'Pneumonia, unspecified');

/**
 * The end of a life, as the providers around it record it: a move into a care home (the GP changes the address,
 * the home opens a residence, a care plan and regular weights), end-of-life preferences and a DNACPR decision,
 * a hospice's community team, and the death wherever it happens, reported informally by whoever was there and
 * formally by the GP once registered. Records left open are closed after the death.
 */
export function* laterLife(story: Story): Generator<Message> {
  const { plan, rng, ids, region } = story;
  const { death, careHome, gp } = plan;
  const lastDay = death?.at ?? region.end;
  const messages: Message[] = [];
  const problems = plan.conditions.map((c) => LONG_TERM_CONDITIONS[c.name].problem);
  const lifeLimiting = plan.conditions.find((c) => LONG_TERM_CONDITIONS[c.name].lifeLimiting);

  if (careHome !== undefined) {
    const home = careHome.provider;
    const residence = ids.next('Encounter');
    messages.push(
      message(
        careHome.from,
        home,
        residence.change(
          'EncounterStarted',
          encounterStarted(home, { encounterClass: 'OTHER', startedAt: careHome.from }),
        ),
      ),
    );
    if (!careHome.residentAtRegistration)
      messages.push(
        message(workingTimeAfter(rng, careHome.from, 1, 7), gp, {
          kind: 'details-changed',
          update: { address: careHome.address },
          changed: ['ADDRESS'],
        }),
      );
    const carePlan = ids.next('CarePlan');
    const plannedAt = workingTimeAfter(rng, careHome.from, 0, 5);
    const carePlanBody: EventBody<'CarePlanRecorded'> = {
      title: 'Care home care plan',
      category: CARE_PLANS.carePlan,
      status: 'ACTIVE',
      period: { start: epochDay(plannedAt), end: null },
      description:
        'Personal care, mobility, nutrition and what matters to the resident; reviewed with the family.',
      addresses: problems.slice(0, 3),
    };
    messages.push(message(plannedAt, home, carePlan.change('CarePlanRecorded', carePlanBody)));
    for (let review = plannedAt + 182 * DAY, n = 1; review < lastDay - DAY; review += 182 * DAY, n++)
      messages.push(
        message(
          review,
          home,
          carePlan.change('CarePlanRecorded', {
            ...carePlanBody,
            description: `${carePlanBody.description} Review ${n}.`,
          }),
        ),
      );
    for (
      let weighed = workingTimeAfter(rng, careHome.from, 14, 45);
      weighed < lastDay - DAY;
      weighed = workingTimeAfter(rng, weighed, 60, 100)
    )
      messages.push(
        message(
          weighed,
          home,
          ids
            .next('Observation')
            .change('ObservationRecorded', measuredObservation(rng, MEASUREMENTS.bodyWeight, weighed, 62)),
        ),
      );
    if (death !== undefined) {
      const left = death.place === 'careHome' ? death.at : workingTimeAfter(rng, death.at, 0, 2);
      const closed = workingTimeAfter(rng, left, 1, 5);
      messages.push(
        posthumousMessage(
          left,
          home,
          residence.change('EncounterEnded', encounterEnded(left, 'DIED', [], DISCHARGE_DESTINATIONS.died)),
        ),
        posthumousMessage(
          closed,
          home,
          carePlan.change('CarePlanRecorded', {
            ...carePlanBody,
            status: 'COMPLETED',
            period: { start: carePlanBody.period.start, end: epochDay(closed) },
          }),
        ),
      );
    }
  }

  if (plan.palliative) {
    const planFrom = Math.max(plan.registeredAt + 7 * DAY, lastDay - rng.between(60, 300) * DAY);
    const recordedBy =
      careHome !== undefined && planFrom >= careHome.from && rng.chance(0.4) ? careHome.provider : gp;
    const preferences = ids.next('EndOfLifePreference');
    const discussed = workingTimeAfter(rng, planFrom, 0, 3);
    const preferencesBody: EventBody<'EndOfLifePreferencesRecorded'> = {
      preferredPlaceOfDeath: rng.chance(0.8)
        ? PREFERRED_PLACE[death?.place ?? rng.pick(['home', 'hospice'] as const)]
        : null,
      dnacprDecision: 'NO_DECISION',
      dnacprDecisionDate: null,
      respectFormInPlace: false,
      lastingPowerOfAttorney: rng.weighted<LastingPowerOfAttorney>([
        ['NONE', 5],
        ['HEALTH_AND_WELFARE', 2],
        ['BOTH', 2],
        ['PROPERTY_AND_FINANCIAL_AFFAIRS', 1],
      ]),
      reviewDate: epochDay(discussed) + 90,
    };
    if (discussed < lastDay - DAY) {
      messages.push(
        message(discussed, recordedBy, preferences.change('EndOfLifePreferencesRecorded', preferencesBody)),
      );
      const decided = workingTimeAfter(rng, discussed, 21, 90);
      if (decided < lastDay - DAY)
        messages.push(
          message(
            decided,
            recordedBy,
            preferences.change('EndOfLifePreferencesRecorded', {
              ...preferencesBody,
              dnacprDecision: rng.chance(0.85) ? 'DO_NOT_ATTEMPT_CPR' : 'ATTEMPT_CPR',
              dnacprDecisionDate: epochDay(decided),
              respectFormInPlace: true,
              reviewDate: epochDay(decided) + 180,
            }),
          ),
        );
    }
    const hospices = region.locator.nearest('HOSPICE', plan.home);
    if (hospices.length > 0 && (death?.place === 'hospice' || rng.chance(0.5)))
      messages.push(
        ...hospiceCare(
          story,
          hospices[0],
          discussed,
          lifeLimiting && LONG_TERM_CONDITIONS[lifeLimiting.name].problem,
        ),
      );
  }

  if (death !== undefined) messages.push(...dying(story, problems));
  yield* inTimeOrder(messages);
}

/** The hospice's community team until the death or the region's end, and the last days on its ward. */
function hospiceCare(
  story: Story,
  hospice: Provider,
  from: number,
  condition: CodedValue | undefined,
): Message[] {
  const { plan, rng, ids, region } = story;
  const { death, gp } = plan;
  const messages: Message[] = [];
  const admittedAt =
    death?.place === 'hospice' ? anyTimeAfter(rng, death.at - rng.between(3, 12) * DAY, 0, 0) : undefined;
  const visitsUntil = (admittedAt ?? death?.at ?? region.end) - DAY;
  const referredAt = workingTimeAfter(rng, from, 1, 14);
  if (referredAt >= visitsUntil) return messages;

  const referralRecord = ids.next('ServiceRequest');
  const referralBody = referral(
    SERVICES.palliativeMedicine.specialty,
    hospice,
    'URGENT',
    'ACTIVE',
    condition ?? null,
    null,
  );
  messages.push(message(referredAt, gp, referralRecord.change('ReferralMade', referralBody)));
  const carePlan = ids.next('CarePlan');
  let carePlanBody: EventBody<'CarePlanRecorded'> | undefined;
  let visitAt = workingTimeAfter(rng, referredAt, 2, 10);
  for (let visits = 0; visits < 10 && visitAt < visitsUntil; visits++) {
    const visit = ids.next('Encounter');
    const done = minutesAfter(rng, visitAt, 30, 75);
    messages.push(
      message(
        visitAt,
        hospice,
        visit.change(
          'EncounterStarted',
          encounterStarted(hospice, {
            encounterClass: 'HOME_VISIT',
            startedAt: visitAt,
            specialty: SERVICES.palliativeMedicine.specialty,
            atSite: false,
          }),
        ),
      ),
      message(done, hospice, visit.change('EncounterEnded', encounterEnded(done, 'DISCHARGED'))),
    );
    if (carePlanBody === undefined) {
      carePlanBody = {
        title: 'Advance care plan',
        category: CARE_PLANS.advanceCarePlan,
        status: 'ACTIVE',
        period: { start: epochDay(done), end: null },
        description: 'Symptom control, anticipatory medicines and the support the family wants.',
        addresses: condition === undefined ? [] : [condition],
      };
      messages.push(
        message(done, hospice, carePlan.change('CarePlanRecorded', carePlanBody)),
        message(
          workingTimeAfter(rng, done, 1, 3),
          gp,
          referralRecord.change('ReferralMade', { ...referralBody, status: 'COMPLETED' }),
        ),
      );
    }
    visitAt = workingTimeAfter(rng, done, 10, 21);
  }

  if (admittedAt !== undefined && death !== undefined) {
    const stay = ids.next('Encounter');
    messages.push(
      message(
        admittedAt,
        hospice,
        stay.change(
          'EncounterStarted',
          encounterStarted(hospice, {
            encounterClass: 'INPATIENT',
            startedAt: admittedAt,
            specialty: SERVICES.palliativeMedicine.specialty,
            reason: condition ?? null,
          }),
        ),
      ),
      message(
        death.at,
        hospice,
        stay.change(
          'EncounterEnded',
          encounterEnded(
            death.at,
            'DIED',
            condition === undefined ? [] : [condition],
            DISCHARGE_DESTINATIONS.died,
          ),
        ),
      ),
    );
  }
  if (carePlanBody !== undefined && death !== undefined) {
    const closed = workingTimeAfter(rng, death.at, 1, 5);
    const { start } = carePlanBody.period;
    messages.push(
      posthumousMessage(
        closed,
        hospice,
        carePlan.change('CarePlanRecorded', {
          ...carePlanBody,
          status: 'COMPLETED',
          period: { start, end: epochDay(closed) },
        }),
      ),
    );
  }
  return messages;
}

/** The death: the last admission when it happens in hospital, the informal notice from where it happened, the formal one. */
function dying(story: Story, problems: readonly CodedValue[]): Message[] {
  const { plan, rng, ids, region } = story;
  const death = plan.death!;
  const messages: Message[] = [];
  const informal = (provider: Provider, at: number, timeOfDeath: number | null) =>
    posthumousMessage(at, provider, {
      kind: 'died',
      body: {
        dateOfDeath: epochDay(death.at),
        timeOfDeath,
        notificationStatus: 'INFORMAL',
        placeOfDeath: PLACE_OF_DEATH[death.place],
      },
    });

  const hospital = plan.hospital;
  if (death.place === 'hospital' && hospital !== undefined) {
    const attended = anyTimeAfter(rng, death.at - rng.between(2, 12) * DAY, 0, 0);
    const admitted = minutesAfter(rng, attended, 120, 360);
    const attendance = ids.next('Encounter');
    const stay = ids.next('Encounter');
    const primary = rng.chance(0.5) || problems.length === 0 ? PNEUMONIA : problems[0];
    messages.push(
      message(
        attended,
        hospital,
        attendance.change(
          'EncounterStarted',
          encounterStarted(hospital, {
            encounterClass: 'EMERGENCY',
            startedAt: attended,
            specialty: SERVICES.emergencyMedicine.specialty,
          }),
        ),
      ),
      message(
        admitted,
        hospital,
        attendance.change('EncounterEnded', encounterEnded(admitted, 'ADMITTED')),
        stay.change(
          'EncounterStarted',
          encounterStarted(hospital, {
            encounterClass: 'INPATIENT',
            startedAt: admitted,
            specialty: SERVICES.geriatricMedicine.specialty,
          }),
        ),
      ),
      message(
        death.at,
        hospital,
        stay.change(
          'EncounterEnded',
          encounterEnded(death.at, 'DIED', [primary], DISCHARGE_DESTINATIONS.died),
        ),
      ),
      informal(hospital, death.at, death.at),
    );
  } else if (death.place === 'hospice' || death.place === 'careHome') {
    const where =
      death.place === 'careHome' ? plan.careHome?.provider : region.locator.nearest('HOSPICE', plan.home)[0];
    messages.push(
      where === undefined
        ? informal(plan.gp, workingTimeAfter(rng, death.at, 0, 1), null)
        : informal(where, death.at, death.at),
    );
  } else {
    // A death at home is verified and reported by the practice, the next working day at the latest.
    messages.push(informal(plan.gp, workingTimeAfter(rng, death.at, 0, 1), null));
  }
  messages.push(
    posthumousMessage(workingTimeAfter(rng, death.at, 3, 10) + HOUR, plan.gp, {
      kind: 'died',
      body: {
        dateOfDeath: epochDay(death.at),
        timeOfDeath: null,
        notificationStatus: 'FORMAL',
        placeOfDeath: PLACE_OF_DEATH[death.place],
      },
    }),
  );
  return messages;
}
