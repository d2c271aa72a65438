import type { DispenseStatus, Quantity } from '@crosscare/events';
import { quantity } from '../catalogue/code-systems';
import { LONG_TERM_CONDITIONS, type LongTermCondition, type Monitored } from '../catalogue/conditions';
import type { Medicine } from '../catalogue/medicines';
import type { PlannedCondition } from '../patients/patient-plan';
import { epsPrescriptionId, measuredObservation } from '../timeline/bodies';
import { epochDay, workingTimeAfter } from '../timeline/clock';
import { message, type EventBody, type Message } from '../timeline/message';
import type { SourceRecord } from '../timeline/source-record';
import type { Story, Storyline } from './story';

interface Repeat {
  readonly medicine: Medicine;
  readonly record: SourceRecord;
  readonly supply: Quantity;
}

interface Owing {
  readonly at: number;
  readonly records: readonly SourceRecord[];
  readonly bodies: readonly EventBody<'MedicationDispensed'>[];
}

interface Correction {
  readonly at: number;
  readonly wrong: SourceRecord;
  readonly monitored: Monitored;
}

const NEVER = Infinity;

/**
 * A long-term condition in general practice: the problem and its repeats shared when the GP first shares the record
 * (or at diagnosis), a community pharmacy dispensing every issue, reviews with their measurements (now and then one
 * entered in error and corrected), yearly re-authorisation, and for some conditions remission, which stops the
 * repeats.
 */
export function longTermCondition(planned: PlannedCondition): Storyline {
  return (story) => new ConditionCourse(story, planned);
}

/**
 * An iterator rather than a generator, holding only each strand's next due time: every patient of a region has
 * one of these alive for the whole history, and a suspended generator keeps its whole frame.
 */
class ConditionCourse implements Iterable<Message>, Iterator<Message> {
  private readonly condition: LongTermCondition;
  private readonly problem: SourceRecord;
  private readonly repeats: readonly Repeat[];
  private readonly onsetDate: number;
  private readonly cycleDays: number;
  private diagnosed = false;
  private issueDue: number;
  private reviewDue: number;
  private reauthoriseDue: number;
  private remitsAt: number;
  private owing: Owing | undefined;
  private correction: Correction | undefined;

  constructor(
    private readonly story: Story,
    private readonly planned: PlannedCondition,
  ) {
    const { plan, rng, ids, region } = story;
    this.condition = LONG_TERM_CONDITIONS[planned.name];
    const diagnosedDay = epochDay(planned.diagnosedAt);
    this.onsetDate = planned.knownBefore
      ? Math.min(
          diagnosedDay,
          Math.max(plan.person.birthDate + 180, epochDay(region.from) - rng.between(60, 5500)),
        )
      : diagnosedDay;
    this.cycleDays = rng.chance(0.3) ? 56 : 28;
    this.problem = ids.next('Condition');
    this.repeats = this.condition.medicines.map((medicine) => ({
      medicine,
      record: ids.next('MedicationRequest'),
      supply: quantity(
        medicine.issue.value * Math.max(1, Math.round(this.cycleDays / medicine.days)),
        medicine.issue.unit,
        medicine.issue.ucumCode,
      ),
    }));
    const at = planned.diagnosedAt;
    const dispensed = this.repeats.length > 0 && plan.pharmacy !== undefined;
    this.issueDue = dispensed ? workingTimeAfter(rng, at, 0, 3) : NEVER;
    this.reviewDue =
      this.condition.review.length > 0
        ? workingTimeAfter(rng, at, 30, this.condition.reviewEveryDays)
        : NEVER;
    this.reauthoriseDue = this.repeats.length > 0 ? workingTimeAfter(rng, at, 358, 365) : NEVER;
    this.remitsAt = rng.chance(this.condition.remits) ? workingTimeAfter(rng, at, 120, 540) : NEVER;
  }

  [Symbol.iterator](): Iterator<Message> {
    return this;
  }

  next(): IteratorResult<Message, undefined> {
    const next = this.step();
    return next === undefined ? { done: true, value: undefined } : { done: false, value: next };
  }

  private step(): Message | undefined {
    const { plan, until } = this.story;
    if (!this.diagnosed) {
      this.diagnosed = true;
      const at = this.planned.diagnosedAt;
      if (at >= until) return this.end();
      return message(
        at,
        plan.gp,
        this.problem.change('ProblemRecorded', this.problemBody('ACTIVE', null)),
        ...this.repeats.map((r) => this.prescribed(r, 'ACTIVE', epochDay(at) + 365)),
      );
    }
    const next = Math.min(
      this.issueDue,
      this.reviewDue,
      this.reauthoriseDue,
      this.remitsAt,
      this.owing?.at ?? NEVER,
      this.correction?.at ?? NEVER,
    );
    if (next >= until) return this.end();
    if (next === this.owing?.at) return this.completeOwing();
    if (next === this.correction?.at) return this.correct();
    if (next === this.remitsAt) return this.remit();
    if (next === this.issueDue) return this.dispense();
    if (next === this.reviewDue) return this.review();
    return this.reauthorise();
  }

  private end(): undefined {
    this.issueDue = this.reviewDue = this.reauthoriseDue = this.remitsAt = NEVER;
    this.owing = this.correction = undefined;
    return undefined;
  }

  private problemBody(
    clinicalStatus: EventBody<'ProblemRecorded'>['clinicalStatus'],
    abatementDate: number | null,
  ): EventBody<'ProblemRecorded'> {
    return {
      code: this.condition.problem,
      clinicalStatus,
      verificationStatus: 'CONFIRMED',
      significance: 'MAJOR',
      onsetDate: this.onsetDate,
      abatementDate,
    };
  }

  private prescribed(repeat: Repeat, status: 'ACTIVE' | 'STOPPED', courseEndDate: number) {
    return repeat.record.change('MedicationPrescribed', {
      medication: repeat.medicine.product,
      dosageText: repeat.medicine.dosage,
      quantity: repeat.supply,
      courseType: 'REPEAT',
      status,
      courseEndDate,
    });
  }

  private dispense(): Message {
    const { plan, rng, ids } = this.story;
    const pharmacy = plan.pharmacy!;
    const at = this.issueDue;
    const prescriptionId = epsPrescriptionId(rng, plan.gp.odsCode);
    const status: DispenseStatus = rng.weighted([
      ['COMPLETED', 96],
      ['PARTIALLY_DISPENSED', 3],
      ['NOT_DISPENSED', 1],
    ]);
    const records = this.repeats.map(() => ids.next('MedicationDispense'));
    const bodies = this.repeats.map((r): EventBody<'MedicationDispensed'> => ({
      pharmacyOdsCode: pharmacy.odsCode,
      medication: r.medicine.product,
      quantity: r.supply,
      dosageText: r.medicine.dosage,
      prescriptionId,
      status,
    }));
    if (status === 'PARTIALLY_DISPENSED' && this.owing === undefined)
      this.owing = { at: workingTimeAfter(rng, at, 1, 3), records, bodies };
    this.issueDue = workingTimeAfter(rng, at, this.cycleDays - 3, this.cycleDays + 2);
    return message(
      at,
      pharmacy,
      ...records.map((record, i) => record.change('MedicationDispensed', bodies[i])),
    );
  }

  /** The pharmacy hands over what it owed from a partial dispensing. */
  private completeOwing(): Message {
    const { at, records, bodies } = this.owing!;
    this.owing = undefined;
    return message(
      at,
      this.story.plan.pharmacy!,
      ...records.map((record, i) =>
        record.change('MedicationDispensed', { ...bodies[i], status: 'COMPLETED' }),
      ),
    );
  }

  private review(): Message {
    const { plan, rng, ids } = this.story;
    const at = this.reviewDue;
    const { review, reviewEveryDays } = this.condition;
    const records = review.map(() => ids.next('Observation'));
    const changes = review.map((monitored, i) =>
      records[i].change(
        'ObservationRecorded',
        measuredObservation(rng, monitored.measurement, at, monitored.mean),
      ),
    );
    if (this.correction === undefined && rng.chance(0.015))
      this.correction = { at: workingTimeAfter(rng, at, 1, 3), wrong: records[0], monitored: review[0] };
    this.reviewDue = workingTimeAfter(rng, at, reviewEveryDays - 20, reviewEveryDays + 20);
    return message(at, plan.gp, ...changes);
  }

  /** A result filed against the wrong test or mistyped: removed, and replaced by the right one. */
  private correct(): Message {
    const { plan, rng, ids } = this.story;
    const { at, wrong, monitored } = this.correction!;
    this.correction = undefined;
    const replacement = ids.next('Observation');
    return message(
      at,
      plan.gp,
      wrong.remove('ObservationRecorded', 'ENTERED_IN_ERROR', replacement),
      replacement.change(
        'ObservationRecorded',
        measuredObservation(rng, monitored.measurement, at, monitored.mean),
      ),
    );
  }

  private reauthorise(): Message {
    const at = this.reauthoriseDue;
    this.reauthoriseDue = workingTimeAfter(this.story.rng, at, 358, 365);
    const day = epochDay(at);
    return message(
      at,
      this.story.plan.gp,
      ...this.repeats.map((r) => this.prescribed(r, 'ACTIVE', day + 365)),
    );
  }

  /** Remission or resolution ends the course: the repeats stop with it. */
  private remit(): Message {
    const at = this.remitsAt;
    const day = epochDay(at);
    const status = this.planned.name === 'depression' ? 'REMISSION' : 'RESOLVED';
    this.end();
    return message(
      at,
      this.story.plan.gp,
      this.problem.change('ProblemRecorded', this.problemBody(status, day)),
      ...this.repeats.map((r) => this.prescribed(r, 'STOPPED', day)),
    );
  }
}
