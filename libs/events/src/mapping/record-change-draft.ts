import { createHash } from 'node:crypto';
import type {
  EventType,
  RecordChangeEventMap,
  RecordChangeHeader,
  RecordOperation,
} from '../generated/record-changes';

/**
 * What a format adapter (FHIR, HL7 v2, social care) knows about one record change: the event's body and the header
 * fields that come from the source. The header fields Crosscare owns (event id, provider, ICS, collaborative, when it
 * was accepted, correlation) are added by {@link completeRecordChange} once the request is authenticated, so an
 * adapter can never publish as another provider.
 */
export interface RecordChangeDraft<T extends EventType = EventType> {
  readonly type: T;
  readonly source: RecordChangeSource;
  readonly body: Omit<RecordChangeEventMap[T], 'header'>;
}

/** Any draft, narrowed by `type`. */
export type AnyRecordChangeDraft = { [T in EventType]: RecordChangeDraft<T> }[EventType];

export interface RecordChangeSource {
  /** 10 digits, valid modulus 11: the adapter has validated it. */
  readonly nhsNumber: string;
  /** The provider system's id of the record, e.g. `Condition/123`; with the provider it names the record. */
  readonly sourceRecordId: string;
  /** Monotonic per record: a re-sent version is a duplicate, a higher version wins. */
  readonly sourceRecordVersion: number;
  readonly operation: RecordOperation;
  /** Epoch milliseconds. */
  readonly occurredAt: number;
  readonly causationId?: string | null;
}

/** The authenticated sender and the request a draft arrived in. */
export interface RecordChangeContext {
  readonly providerOdsCode: string;
  readonly ics: string;
  readonly collaborative: string;
  readonly correlationId: string;
  /** Epoch milliseconds. */
  readonly recordedAt: number;
}

/**
 * The event a draft becomes. The event id is derived from (provider, record, version, type), so a re-sent record
 * version gets the same id even if it slipped past de-duplication: consumers that drop repeated ids stay correct.
 */
export function completeRecordChange<T extends EventType>(
  draft: RecordChangeDraft<T>,
  context: RecordChangeContext,
): RecordChangeEventMap[T] {
  const header: RecordChangeHeader = {
    eventId: recordChangeEventId(
      context.providerOdsCode,
      draft.source.sourceRecordId,
      draft.source.sourceRecordVersion,
      draft.type,
    ),
    eventType: draft.type,
    occurredAt: draft.source.occurredAt,
    recordedAt: context.recordedAt,
    providerOdsCode: context.providerOdsCode,
    ics: context.ics,
    collaborative: context.collaborative,
    nhsNumber: draft.source.nhsNumber,
    sourceRecordId: draft.source.sourceRecordId,
    sourceRecordVersion: draft.source.sourceRecordVersion,
    operation: draft.source.operation,
    correlationId: context.correlationId,
    causationId: draft.source.causationId ?? null,
  };
  return { header, ...draft.body } as RecordChangeEventMap[T];
}

/** Namespace for Crosscare's name-based (version 5) event ids; fixed forever, since ids must stay stable. */
const EVENT_ID_NAMESPACE = Buffer.from('6f1f3d52a0a14c8e9d2b7c4e5a1b9f30', 'hex');

/**
 * RFC 4122 version 5 UUID of the record version and event type: a record change's, or OptOutChanged for the opt-out a
 * provider's record states (a GP practice's type 1 objection), whose change id is derived the same way.
 */
export function recordChangeEventId(
  providerOdsCode: string,
  sourceRecordId: string,
  sourceRecordVersion: number,
  eventType: EventType | 'OptOutChanged',
): string {
  const name = `${providerOdsCode}\u0000${sourceRecordId}\u0000${sourceRecordVersion}\u0000${eventType}`;
  const hash = createHash('sha1').update(EVENT_ID_NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
