import { EMERGENCY_PRESENTATIONS } from '../catalogue/episodes';
import { SERVICES } from '../catalogue/services';
import { encounterEnded, encounterStarted } from '../timeline/bodies';
import { DAY, minutesAfter, workingTimeAfter, workingTimeBetween } from '../timeline/clock';
import { message, type Message } from '../timeline/message';
import type { Story } from './story';

/**
 * A provider registers the patient a second time under another NHS number (a temporary number at an emergency
 * attendance, or a practice that missed the existing registration), records care under it, then merges the
 * duplicate into the patient's own number: PatientMerged is the duplicate record's next version.
 */
export function* duplicateRegistration({ plan, rng, ids, until }: Story): Generator<Message> {
  const provider = plan.hospital !== undefined && rng.chance(0.7) ? plan.hospital : plan.gp;
  const registeredAt = workingTimeBetween(rng, plan.registeredAt + 14 * DAY, until - 30 * DAY);
  if (registeredAt === undefined) return;
  const duplicate = ids.next('Patient', plan.duplicateNhsNumber);
  const { person } = plan;
  yield message(
    registeredAt,
    provider,
    duplicate.change('PatientRegistered', {
      name: person.name,
      birthDate: person.birthDate,
      gender: person.gender,
      address: person.address,
      telecom: [],
      registeredGpPracticeOdsCode: plan.gp.odsCode,
    }),
  );
  let last = registeredAt;
  if (provider !== plan.gp) {
    const presentation = rng.pick(EMERGENCY_PRESENTATIONS);
    const attendance = ids.next('Encounter', plan.duplicateNhsNumber);
    const started = minutesAfter(rng, registeredAt, 1, 10);
    last = minutesAfter(rng, started, 90, 300);
    yield message(
      started,
      provider,
      attendance.change(
        'EncounterStarted',
        encounterStarted(provider, {
          encounterClass: 'EMERGENCY',
          startedAt: started,
          specialty: SERVICES.emergencyMedicine.specialty,
          reason: presentation.complaint,
        }),
      ),
    );
    yield message(
      last,
      provider,
      attendance.change('EncounterEnded', encounterEnded(last, 'DISCHARGED', [presentation.dischargedWith])),
    );
  }
  yield message(
    workingTimeAfter(rng, last, 2, 20),
    provider,
    duplicate.mergedInto({
      retiredNhsNumber: plan.duplicateNhsNumber,
      survivingNhsNumber: plan.nhsNumber,
      retiredSourceRecordId: duplicate.id,
      reason: 'DUPLICATE_REGISTRATION',
    }),
  );
}
