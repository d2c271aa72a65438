import type {
  Address,
  ContactPoint,
  EventType,
  HumanName,
  PatientDetail,
  RecordChangeEventMap,
  RecordOperation,
} from '@crosscare/events';
import type { Provider } from '@crosscare/governance';

/** An event without its header: what a storyline decides; the patient's timeline adds the envelope. */
export type EventBody<T extends EventType> = Omit<RecordChangeEventMap[T], 'header'>;

/** A change to a record one storyline owns from creation to removal, so it numbers the versions itself. */
export interface RecordChange<T extends EventType = EventType> {
  readonly kind: 'record';
  readonly type: T;
  readonly recordId: string;
  readonly version: number;
  readonly operation: RecordOperation;
  readonly body: EventBody<T>;
  /** The number the provider recorded it under when that is not the patient's own (a duplicate registration). */
  readonly nhsNumber?: string;
}

export type AnyRecordChange = { [T in EventType]: RecordChange<T> }[EventType];

/** What a demographic change sets; the rest of the patient's details stay as they are. */
export interface DemographicsUpdate {
  readonly name?: HumanName;
  readonly address?: Address | null;
  readonly telecom?: readonly ContactPoint[];
}

/**
 * A change to the provider's patient record, which several storylines touch (a GP registers the patient, a move
 * changes the address, a death ends it) and trusts open at the first contact. Its version and its body are only
 * known once every earlier change has happened, so the patient's timeline resolves them in order.
 */
export type PatientChange =
  | { readonly kind: 'registered' }
  | {
      readonly kind: 'details-changed';
      readonly update: DemographicsUpdate;
      readonly changed: readonly PatientDetail[];
    }
  | { readonly kind: 'died'; readonly body: EventBody<'PatientDied'> };

export type Change = AnyRecordChange | PatientChange;

/** What one provider's system sends at one moment: the unit a correlation id covers. */
export interface Message {
  /** When it happened (header.occurredAt), epoch ms. */
  readonly at: number;
  readonly provider: Provider;
  readonly changes: readonly Change[];
  /** Sent after the patient died: the death notices, and records closed because of the death. */
  readonly posthumous?: boolean;
}

export function message(at: number, provider: Provider, ...changes: Change[]): Message {
  return { at, provider, changes };
}

export function posthumousMessage(at: number, provider: Provider, ...changes: Change[]): Message {
  return { at, provider, changes, posthumous: true };
}
