import type { CodedValue } from '@crosscare/events';
import type { Provider } from '@crosscare/governance';
import { LONG_TERM_CONDITIONS } from '../catalogue/conditions';
import {
  ADMISSION_SOURCES,
  CARE_PLANS,
  DISCHARGE_DESTINATIONS,
  type EmergencyPresentation,
} from '../catalogue/episodes';
import { MEASUREMENTS, type Measurement } from '../catalogue/measurements';
import { MEDICINES } from '../catalogue/medicines';
import { SERVICES } from '../catalogue/services';
import { ageAt } from '../patients/patient-plan';
import { encounterEnded, encounterStarted, measuredObservation, referral } from '../timeline/bodies';
import { epochDay, HOUR, minutesAfter, workingTimeAfter } from '../timeline/clock';
import { dischargeSummary } from '../timeline/documents';
import { message, type Change, type Message } from '../timeline/message';
import type { Story } from './story';

/** What a crew records on scene, and the mean of a patient who needed an ambulance. */
const AMBULANCE_VITALS: readonly (readonly [Measurement, number])[] = [
  [MEASUREMENTS.news2, 3],
  [MEASUREMENTS.oxygenSaturation, 95],
  [MEASUREMENTS.heartRate, 92],
];

export interface EmergencyVisit {
  readonly hospital: Provider;
  readonly presentation: EmergencyPresentation;
  /** Away from home: admitted from, and discharged back to, a temporary address. */
  readonly away: boolean;
  /** Decided by the caller when the story needs it; drawn from the presentation and age otherwise. */
  readonly admitted?: boolean;
}

/** Diagnoses an admission closes with: the acute one, then the patient's long-term conditions that shaped it. */
function dischargeDiagnoses(story: Story, primary: CodedValue): CodedValue[] {
  const comorbidities = story.plan.conditions
    .filter((c) => c.diagnosedAt < story.until)
    .slice(0, 2)
    .map((c) => LONG_TERM_CONDITIONS[c.name].problem);
  return [primary, ...comorbidities];
}

/**
 * One emergency: perhaps an ambulance incident (see and treat, or conveyed with a handover), the emergency
 * department attendance, and for some an admission with its labs, the discharge with diagnoses, a problem and
 * medicines to take home; for older patients, district nursing, council reablement or a few weeks in a care home
 * to recover. Returned as messages (not in time order) for the caller to check and sort.
 */
export function emergencyEpisode(story: Story, at: number, visit: EmergencyVisit): Message[] {
  const { plan, rng, ids, region } = story;
  const { hospital, presentation } = visit;
  const age = ageAt(plan, at);
  const inCareHome = plan.careHome !== undefined && at >= plan.careHome.from;
  const messages: Message[] = [];

  let arrival = at;
  const ambulances = region.locator.nearest('AMBULANCE_TRUST', plan.home);
  if (ambulances.length > 0 && rng.chance(age >= 80 || inCareHome ? 0.55 : 0.25)) {
    const ambulance = ambulances[0];
    const incident = ids.next('Encounter');
    messages.push(
      message(
        at,
        ambulance,
        incident.change(
          'EncounterStarted',
          encounterStarted(ambulance, {
            encounterClass: 'AMBULANCE_INCIDENT',
            startedAt: at,
            reason: presentation.complaint,
            atSite: false,
          }),
        ),
      ),
    );
    const onScene = minutesAfter(rng, at, 8, 30);
    messages.push(
      message(
        onScene,
        ambulance,
        ...AMBULANCE_VITALS.map(([measurement, mean]) =>
          ids
            .next('Observation')
            .change('ObservationRecorded', measuredObservation(rng, measurement, onScene, mean)),
        ),
      ),
    );
    const handover = minutesAfter(rng, onScene, 30, 90);
    const seeAndTreat = visit.admitted !== true && rng.chance(0.15);
    messages.push(
      message(
        handover,
        ambulance,
        incident.change(
          'EncounterEnded',
          seeAndTreat
            ? encounterEnded(
                handover,
                'DISCHARGED',
                [presentation.complaint],
                DISCHARGE_DESTINATIONS.usualResidence,
              )
            : encounterEnded(handover, 'TRANSFERRED', [presentation.complaint]),
        ),
      ),
    );
    if (seeAndTreat) return messages;
    arrival = handover;
  }

  const admissionSource = inCareHome
    ? ADMISSION_SOURCES.careHome
    : visit.away
      ? ADMISSION_SOURCES.temporaryResidence
      : ADMISSION_SOURCES.usualResidence;
  const attendance = ids.next('Encounter');
  messages.push(
    message(
      arrival,
      hospital,
      attendance.change(
        'EncounterStarted',
        encounterStarted(hospital, {
          encounterClass: 'EMERGENCY',
          startedAt: arrival,
          admissionSource,
          specialty: SERVICES.emergencyMedicine.specialty,
          reason: presentation.complaint,
        }),
      ),
    ),
  );
  if (rng.chance(0.5)) {
    const sampled = minutesAfter(rng, arrival, 30, 80);
    messages.push(
      message(
        sampled,
        hospital,
        ids
          .next('Observation')
          .change('ObservationRecorded', measuredObservation(rng, MEASUREMENTS.cReactiveProtein, sampled)),
        ids
          .next('Observation')
          .change('ObservationRecorded', measuredObservation(rng, MEASUREMENTS.haemoglobin, sampled)),
      ),
    );
  }
  const leftDepartment = minutesAfter(rng, arrival, 90, 470);
  const admitted =
    visit.admitted ??
    rng.chance(Math.min(0.9, presentation.admission * (age >= 75 ? 2.5 : age >= 65 ? 1.6 : 1)));
  if (!admitted) {
    const left = rng.chance(0.03);
    messages.push(
      message(
        leftDepartment,
        hospital,
        attendance.change(
          'EncounterEnded',
          encounterEnded(
            leftDepartment,
            left ? 'LEFT_BEFORE_COMPLETION' : 'DISCHARGED',
            left ? [] : [presentation.dischargedWith],
            visit.away ? DISCHARGE_DESTINATIONS.temporaryResidence : DISCHARGE_DESTINATIONS.usualResidence,
          ),
        ),
      ),
    );
    return messages;
  }

  const stay = ids.next('Encounter');
  messages.push(
    message(
      leftDepartment,
      hospital,
      attendance.change('EncounterEnded', encounterEnded(leftDepartment, 'ADMITTED')),
      stay.change(
        'EncounterStarted',
        encounterStarted(hospital, {
          encounterClass: 'INPATIENT',
          startedAt: leftDepartment,
          admissionSource,
          specialty: presentation.admittedTo.specialty,
          reason: presentation.complaint,
        }),
      ),
    ),
  );
  const ward = minutesAfter(rng, leftDepartment, 6 * 60, 20 * 60);
  messages.push(
    message(
      ward,
      hospital,
      ids
        .next('Observation')
        .change('ObservationRecorded', measuredObservation(rng, MEASUREMENTS.news2, ward, 2)),
    ),
  );
  const [shortest, longest] = presentation.stay;
  const longer = age >= 75 ? 1.5 : 1;
  const discharged = workingTimeAfter(rng, ward, Math.max(1, shortest), Math.round(longest * longer));
  const careHomes = region.locator.nearest('CARE_HOME', plan.home);
  const toCareHome = !inCareHome && !visit.away && age >= 80 && careHomes.length > 0 && rng.chance(0.15);
  const destination =
    inCareHome || toCareHome ? DISCHARGE_DESTINATIONS.careHome : DISCHARGE_DESTINATIONS.usualResidence;

  const discharge: Change[] = [
    stay.change(
      'EncounterEnded',
      encounterEnded(
        discharged,
        'DISCHARGED',
        dischargeDiagnoses(story, presentation.admittedWith),
        destination,
      ),
    ),
    ids.next('Condition').change('ProblemRecorded', {
      code: presentation.admittedWith,
      clinicalStatus: 'ACTIVE',
      verificationStatus: 'CONFIRMED',
      significance: 'UNKNOWN',
      onsetDate: epochDay(at),
      abatementDate: null,
    }),
  ];
  const medicine =
    presentation.admittedWith.code.startsWith('J') || presentation.admittedWith.code.startsWith('A')
      ? MEDICINES.amoxicillin
      : MEDICINES.paracetamol;
  discharge.push(
    ids.next('MedicationRequest').change('MedicationPrescribed', {
      medication: medicine.product,
      dosageText: medicine.dosage,
      quantity: medicine.issue,
      courseType: 'ACUTE',
      status: 'ACTIVE',
      courseEndDate: epochDay(discharged) + medicine.days,
    }),
  );
  const nurses = region.locator.nearest('COMMUNITY_TRUST', plan.home);
  const nursing =
    !visit.away && age >= 75 && nurses.length > 0 && rng.chance(0.4)
      ? {
          nurse: nurses[0],
          record: ids.next('ServiceRequest'),
          body: referral(
            SERVICES.communityNursing.specialty,
            nurses[0],
            'URGENT',
            'ACTIVE',
            presentation.admittedWith,
            null,
          ),
        }
      : undefined;
  if (nursing !== undefined) discharge.push(nursing.record.change('ReferralMade', nursing.body));
  messages.push(message(discharged, hospital, ...discharge));
  const admittedAt = leftDepartment;

  if (nursing !== undefined) {
    const { nurse } = nursing;
    let visitAt = workingTimeAfter(rng, discharged, 1, 3);
    for (let visitNumber = rng.between(2, 5); visitNumber > 0; visitNumber--) {
      const contact = ids.next('Encounter');
      const done = minutesAfter(rng, visitAt, 20, 50);
      messages.push(
        message(
          visitAt,
          nurse,
          contact.change(
            'EncounterStarted',
            encounterStarted(nurse, {
              encounterClass: 'HOME_VISIT',
              startedAt: visitAt,
              specialty: SERVICES.communityNursing.specialty,
              atSite: false,
            }),
          ),
        ),
        message(done, nurse, contact.change('EncounterEnded', encounterEnded(done, 'DISCHARGED'))),
      );
      visitAt = workingTimeAfter(rng, done, 5, 9);
    }
    messages.push(
      message(
        visitAt,
        hospital,
        nursing.record.change('ReferralMade', { ...nursing.body, status: 'COMPLETED' }),
      ),
    );
  }

  const council = plan.council === undefined ? undefined : region.directory.councilFor(plan.council.odsCode);
  if (!visit.away && !toCareHome && !inCareHome && age >= 75 && council !== undefined && rng.chance(0.3)) {
    const reablement = ids.next('SocialCareService');
    const starts = workingTimeAfter(rng, discharged, 1, 3);
    const body = {
      councilCode: council.code,
      councilName: council.name,
      involvementType: 'REABLEMENT' as const,
      allocatedTeam: 'Reablement Service',
      teamContact: null,
      period: { start: epochDay(starts), end: null },
      recordKind: 'SERVICE' as const,
      allocatedWorker: null,
      service: 'Reablement, up to 6 weeks',
      restricted: false,
    };
    const ends = workingTimeAfter(rng, starts, 28, 42);
    messages.push(
      message(starts, plan.council!, reablement.change('SocialCareInvolvementRecorded', body)),
      message(
        ends,
        plan.council!,
        reablement.change('SocialCareInvolvementRecorded', {
          ...body,
          period: { start: body.period.start, end: epochDay(ends) },
        }),
      ),
    );
  }

  if (toCareHome) {
    const home = rng.pick(careHomes);
    const residence = ids.next('Encounter');
    const plannedCare = ids.next('CarePlan');
    const arrives = discharged + rng.between(1, 4) * HOUR;
    const leaves = workingTimeAfter(rng, arrives, 14, 42);
    const carePlan = {
      title: 'Discharge to assess: short stay care plan',
      category: CARE_PLANS.carePlan,
      status: 'ACTIVE' as const,
      period: { start: epochDay(arrives), end: null },
      description: 'Recovery after a hospital stay while long-term needs are assessed.',
      addresses: [presentation.admittedWith],
    };
    messages.push(
      message(
        arrives,
        home,
        residence.change(
          'EncounterStarted',
          encounterStarted(home, { encounterClass: 'OTHER', startedAt: arrives }),
        ),
        plannedCare.change('CarePlanRecorded', carePlan),
      ),
      message(
        leaves,
        home,
        plannedCare.change('CarePlanRecorded', {
          ...carePlan,
          status: 'COMPLETED',
          period: { start: carePlan.period.start, end: epochDay(leaves) },
        }),
        residence.change(
          'EncounterEnded',
          encounterEnded(leaves, 'DISCHARGED', [], DISCHARGE_DESTINATIONS.usualResidence),
        ),
      ),
    );
  }
  // Numbered last, so that the summary shifted no other record's id; sent once the ward has written it.
  const summary = ids.next('DocumentReference');
  messages.push(
    message(
      discharged + 2 * HOUR,
      hospital,
      summary.change(
        'DocumentRecorded',
        dischargeSummary(hospital, stay, admittedAt, discharged, presentation.admittedWith),
      ),
    ),
  );
  return messages;
}
