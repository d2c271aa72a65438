import type { RecordChangeEvent, RecordChangeHeader, RecordOperation } from '@crosscare/events';
import type { Provider } from '@crosscare/governance';
import { regionEventId } from '../identity/event-id';
import type { PatientPlan } from '../patients/patient-plan';
import type { Demographics } from '../patients/person';
import { Random } from '../random/seeded-random';
import type { RegionFrame } from '../region-options';
import { storylinesFor } from '../storylines/storylines-for';
import { DAY } from '../timeline/clock';
import type { Change, EventBody, Message } from '../timeline/message';
import { RecordIds } from '../timeline/source-record';

/** Generator streams of storylines start here, clear of the plan's. */
const STORYLINE_STREAMS = 1000;
const RECORDING_STREAM = 999;

/** Routine care stops this long before a planned death; the later-life storyline tells the last weeks. */
const LAST_WEEKS = 14 * DAY;

/** Stands in for a storyline that has told everything, so its generator can be collected. */
const TOLD: Iterator<Message> = { next: () => ({ done: true, value: undefined }) };

interface PatientRecord {
  readonly id: string;
  version: number;
}

/**
 * One patient's events in time order, pulled one at a time: the storylines' next messages side by side, the
 * earliest turned into events. This is where what storylines share is settled in order: the provider's patient
 * record (registered at the first contact of a provider that shares demographics, changed, closed by a death), the
 * current demographics, and when Crosscare recorded each message.
 */
export class PatientTimeline {
  /** The next event, or undefined when the patient's history is told. */
  head: RecordChangeEvent | undefined;
  /** Which of this patient's messages `head` came from: events of one message share a correlation id. */
  headMessage = 0;
  /** Kept by the region stream: the message it last gave a correlation id, and that id. */
  correlatedMessage = -1;
  correlationId = '';

  private readonly stories: Iterator<Message>[];
  private readonly upcoming: (Message | undefined)[];
  private readonly lastAt: number[];
  private pending: RecordChangeEvent[] = [];
  private pendingIndex = 0;
  private messages = 0;
  private recordedAt = 0;
  private sequence = 0;
  private details: Demographics;
  private readonly patientRecords = new Map<string, PatientRecord>();
  private readonly rng: Random;

  constructor(
    private readonly region: RegionFrame,
    readonly plan: PatientPlan,
  ) {
    const [low, high] = region.seedWords;
    const until = plan.death === undefined ? region.end : Math.min(region.end, plan.death.at - LAST_WEEKS);
    this.rng = new Random(low, high, plan.index, RECORDING_STREAM);
    this.details = plan.person;
    this.stories = storylinesFor(plan).map((storyline, i) =>
      storyline({
        region,
        plan,
        rng: new Random(low, high, plan.index, STORYLINE_STREAMS + i),
        ids: new RecordIds(`${region.recordTag}-${plan.index}-${i}`),
        until,
      })[Symbol.iterator](),
    );
    this.lastAt = this.stories.map(() => plan.registeredAt);
    this.upcoming = this.stories.map((_, i) => this.pull(i));
    this.advance();
  }

  /** Moves `head` to the patient's next event. */
  advance(): void {
    while (this.pendingIndex >= this.pending.length) {
      let earliest = -1;
      for (let i = 0; i < this.upcoming.length; i++) {
        const candidate = this.upcoming[i];
        if (candidate !== undefined && (earliest < 0 || candidate.at < this.upcoming[earliest]!.at))
          earliest = i;
      }
      if (earliest < 0) {
        this.head = undefined;
        return;
      }
      const next = this.upcoming[earliest]!;
      this.upcoming[earliest] = this.pull(earliest);
      this.pending = this.eventsOf(next);
      this.pendingIndex = 0;
      this.messages++;
    }
    this.head = this.pending[this.pendingIndex++];
    this.headMessage = this.messages;
  }

  /** The storyline's next message that can still happen: none after the region's end, none but notices after death. */
  private pull(story: number): Message | undefined {
    const death = this.plan.death;
    for (;;) {
      const result = this.stories[story].next();
      if (result.done === true) return this.finish(story);
      const next = result.value;
      if (next.at < this.lastAt[story]) {
        throw new Error(
          `storyline ${story} of patient ${this.plan.index} went back in time: ` +
            `${new Date(next.at).toISOString()} after ${new Date(this.lastAt[story]).toISOString()}`,
        );
      }
      this.lastAt[story] = next.at;
      if (next.at >= this.region.end) return this.finish(story);
      if (death !== undefined && next.at > death.at && next.posthumous !== true) continue;
      return next;
    }
  }

  /** Lets go of a told storyline: a region holds tens of thousands of patients' storylines at once. */
  private finish(story: number): undefined {
    this.stories[story] = TOLD;
    return undefined;
  }

  private eventsOf(message: Message): RecordChangeEvent[] {
    if (message.changes.length === 0) return [];
    const { provider, at } = message;
    // One request's events are accepted together, a little after they happened, never before an earlier one.
    this.recordedAt = Math.max(at + this.rng.between(2_000, 300_000), this.recordedAt);
    const events: RecordChangeEvent[] = [];
    const ownPatient = message.changes.some((c) => c.kind !== 'record' || c.nhsNumber === undefined);
    if (ownPatient && !this.patientRecords.has(provider.odsCode) && this.sharesDemographics(provider))
      events.push(this.registration(provider, at));
    for (const change of message.changes) {
      const event = this.eventOf(change, provider, at);
      if (event !== undefined) events.push(event);
    }
    return events;
  }

  private eventOf(change: Change, provider: Provider, at: number): RecordChangeEvent | undefined {
    switch (change.kind) {
      case 'record':
        return this.event(
          change.type,
          provider,
          at,
          change.recordId,
          change.version,
          change.operation,
          change.nhsNumber ?? this.plan.nhsNumber,
          change.body,
        );
      // A GP registers explicitly; the registration above already covers a provider that shares demographics.
      case 'registered':
        return this.patientRecords.has(provider.odsCode) ? undefined : this.registration(provider, at);
      case 'details-changed':
        this.details = { ...this.details, ...change.update };
        return this.patientRecordEvent('PatientDetailsChanged', provider, at, {
          ...this.demographicsBody(),
          changedDetails: [...change.changed],
        });
      case 'died':
        return this.patientRecordEvent('PatientDied', provider, at, change.body);
    }
  }

  private registration(provider: Provider, at: number): RecordChangeEvent {
    return this.patientRecordEvent('PatientRegistered', provider, at, this.demographicsBody());
  }

  private demographicsBody(): EventBody<'PatientRegistered'> {
    const { name, birthDate, gender, address, telecom } = this.details;
    return {
      name,
      birthDate,
      gender,
      address,
      telecom: [...telecom],
      registeredGpPracticeOdsCode: this.plan.gp.odsCode,
    };
  }

  private patientRecordEvent<T extends 'PatientRegistered' | 'PatientDetailsChanged' | 'PatientDied'>(
    type: T,
    provider: Provider,
    at: number,
    body: EventBody<T>,
  ): RecordChangeEvent {
    let record = this.patientRecords.get(provider.odsCode);
    if (record === undefined) {
      record = { id: `Patient/${this.region.recordTag}-${this.plan.index}`, version: 0 };
      this.patientRecords.set(provider.odsCode, record);
    }
    record.version++;
    return this.event(
      type,
      provider,
      at,
      record.id,
      record.version,
      record.version === 1 ? 'CREATE' : 'UPDATE',
      this.plan.nhsNumber,
      body,
    );
  }

  private sharesDemographics(provider: Provider): boolean {
    return this.region.directory.policy.mayPublish(provider.type, 'demographics');
  }

  private event(
    type: string,
    provider: Provider,
    at: number,
    sourceRecordId: string,
    sourceRecordVersion: number,
    operation: RecordOperation,
    nhsNumber: string,
    body: object,
  ): RecordChangeEvent {
    const header: RecordChangeHeader = {
      eventId: regionEventId(`${this.region.idNamespace}|${this.plan.nhsNumber}|${this.sequence++}`),
      eventType: type,
      occurredAt: at,
      recordedAt: this.recordedAt,
      providerOdsCode: provider.odsCode,
      ics: provider.ics,
      collaborative: provider.collaborative,
      nhsNumber,
      sourceRecordId,
      sourceRecordVersion,
      operation,
      // Given in stream order by the region stream, which is what makes it `<n>`.
      correlationId: '',
      causationId: null,
    };
    return { header, ...body } as RecordChangeEvent;
  }
}
