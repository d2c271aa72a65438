import type { EventType, RemovalReason } from '@crosscare/events';
import type { EventBody, RecordChange } from './message';

/**
 * One record in a provider's system, through its versions: created once, then updated with ever higher versions,
 * perhaps removed. Consumers keep the highest version, so the numbering is what makes an update an update.
 */
export class SourceRecord {
  private version = 0;
  private removed = false;

  constructor(
    readonly id: string,
    /** The NHS number the provider files it under, when not the patient's own (a duplicate registration). */
    private readonly nhsNumber?: string,
  ) {}

  get created(): boolean {
    return this.version > 0;
  }

  change<T extends EventType>(type: T, body: EventBody<T>): RecordChange<T> {
    if (this.removed) throw new Error(`${this.id} was removed and cannot change`);
    this.version++;
    return {
      kind: 'record',
      type,
      recordId: this.id,
      version: this.version,
      operation: this.version === 1 ? 'CREATE' : 'UPDATE',
      body,
      ...(this.nhsNumber === undefined ? {} : { nhsNumber: this.nhsNumber }),
    };
  }

  /** A duplicate registration's last version: merged into the patient's own number, which its header carries. */
  mergedInto(body: EventBody<'PatientMerged'>): RecordChange<'PatientMerged'> {
    this.version++;
    return {
      kind: 'record',
      type: 'PatientMerged',
      recordId: this.id,
      version: this.version,
      operation: 'UPDATE',
      body,
    };
  }

  /** The record must no longer be shown; a correction under a new id names it. */
  remove(
    removedEventType: EventType,
    reason: RemovalReason,
    replacedBy: SourceRecord | null = null,
  ): RecordChange<'RecordRemoved'> {
    this.version++;
    this.removed = true;
    return {
      kind: 'record',
      type: 'RecordRemoved',
      recordId: this.id,
      version: this.version,
      operation: 'DELETE',
      body: {
        removedEventType,
        removedSourceRecordId: this.id,
        reason,
        replacedBySourceRecordId: replacedBy?.id ?? null,
      },
      ...(this.nhsNumber === undefined ? {} : { nhsNumber: this.nhsNumber }),
    };
  }
}

/**
 * Record ids for one storyline of one patient. Ids carry the region's seed, so two regions loaded into one stack
 * never share a record, and the storyline's number, so storylines never share one either.
 */
export class RecordIds {
  private count = 0;

  constructor(private readonly prefix: string) {}

  /** A new record, named as a FHIR resource, e.g. `Condition/s42-17-3-1`. */
  next(resource: string, nhsNumber?: string): SourceRecord {
    return new SourceRecord(`${resource}/${this.prefix}-${++this.count}`, nhsNumber);
  }
}
