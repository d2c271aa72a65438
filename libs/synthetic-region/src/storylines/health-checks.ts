import { CONTACT_REASONS } from '../catalogue/episodes';
import { MEASUREMENTS, SMOKING_STATUS } from '../catalogue/measurements';
import { ageAt } from '../patients/patient-plan';
import { encounterEnded, encounterStarted, measuredObservation } from '../timeline/bodies';
import { DAY, minutesAfter, workingTimeBetween } from '../timeline/clock';
import { message, type Message } from '../timeline/message';
import { inTimeOrder, type Story } from './story';

/**
 * Routine checks: smoking status and BMI when an adult's record is first shared, the NHS Health Check for 40 to
 * 74 year olds without a long-term condition, and a community pharmacy's blood pressure check or consultation.
 */
export function* healthChecks({ plan, rng, ids, until }: Story): Generator<Message> {
  const age = ageAt(plan, plan.registeredAt);
  if (age < 18) return;
  const { gp, pharmacy } = plan;
  const messages: Message[] = [];

  const first = minutesAfter(rng, plan.registeredAt, 1, 30);
  const baseline = [
    ids.next('Observation').change('ObservationRecorded', {
      code: SMOKING_STATUS.code,
      category: 'SOCIAL_HISTORY',
      effectiveAt: first,
      valueQuantity: null,
      valueCoded: rng.weighted(SMOKING_STATUS.answers),
      valueString: null,
      interpretation: null,
    }),
  ];
  if (rng.chance(0.6))
    baseline.push(
      ids
        .next('Observation')
        .change('ObservationRecorded', measuredObservation(rng, MEASUREMENTS.bodyMassIndex, first)),
    );
  messages.push(message(first, gp, ...baseline));

  const checked = plan.conditions.length === 0 && age >= 40 && age < 75 && rng.chance(0.4);
  const checkAt = checked ? workingTimeBetween(rng, plan.registeredAt + 30 * DAY, until) : undefined;
  if (checkAt !== undefined) {
    messages.push(
      message(
        checkAt,
        gp,
        ...[
          MEASUREMENTS.systolicBloodPressure,
          MEASUREMENTS.diastolicBloodPressure,
          MEASUREMENTS.cholesterol,
          MEASUREMENTS.bodyMassIndex,
        ].map((measurement) =>
          ids
            .next('Observation')
            .change('ObservationRecorded', measuredObservation(rng, measurement, checkAt)),
        ),
      ),
    );
  }

  if (pharmacy !== undefined && age >= 40 && rng.chance(0.06)) {
    const at = workingTimeBetween(rng, plan.registeredAt + 7 * DAY, until);
    if (at !== undefined)
      messages.push(
        message(
          at,
          pharmacy,
          ...[MEASUREMENTS.systolicBloodPressure, MEASUREMENTS.diastolicBloodPressure].map((measurement) =>
            ids
              .next('Observation')
              .change('ObservationRecorded', measuredObservation(rng, measurement, at, 132)),
          ),
        ),
      );
  }

  // Pharmacy First: the pharmacist sees the patient instead of the GP for a minor complaint.
  const seenAt =
    pharmacy !== undefined && rng.chance(0.08)
      ? workingTimeBetween(rng, plan.registeredAt + 7 * DAY, until)
      : undefined;
  if (pharmacy !== undefined && seenAt !== undefined) {
    const consultation = ids.next('Encounter');
    const ended = minutesAfter(rng, seenAt, 10, 25);
    messages.push(
      message(
        seenAt,
        pharmacy,
        consultation.change(
          'EncounterStarted',
          encounterStarted(pharmacy, {
            encounterClass: 'PRIMARY_CARE',
            startedAt: seenAt,
            reason: CONTACT_REASONS.consultation,
          }),
        ),
      ),
      message(
        ended,
        pharmacy,
        ids
          .next('Observation')
          .change('ObservationRecorded', measuredObservation(rng, MEASUREMENTS.bodyTemperature, ended, 37.4)),
        consultation.change('EncounterEnded', encounterEnded(ended, 'DISCHARGED')),
      ),
    );
  }
  yield* inTimeOrder(messages);
}
