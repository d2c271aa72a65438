/**
 * What the projector's transactions see of Kafka: a batch of one partition's messages, already decoded where
 * possible. No kafkajs types, so the projection runs the same under a test, a rebuild or the live consumer.
 */
export interface PartitionBatch<T> {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly SourceMessage<T>[];
}

export interface SourceMessage<T> {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly decoded: Decoded<T>;
  /**
   * The Kafka header `crosscare-correlation-id`: the provider request the message came from. Absent on messages
   * without it (older changelog messages, a rebuild's fill, other producers); a record change carries it in its
   * header too.
   */
  readonly correlationId?: string;
}

/** A message either decoded, or could never be (corrupt frame, unknown schema): the latter is a dead letter. */
export type Decoded<T> =
  | {
      readonly ok: true;
      readonly value: T;
      /** The value's Avro payload, when it was written with this projector's own schema (see payloadAsRead). */
      readonly payloadAsRead?: Buffer;
    }
  | { readonly ok: false; readonly reason: string };

/** A message the projector will not project, with why; published to the dead-letter topic before the offset moves. */
export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly reason: string;
  readonly eventType?: string;
  readonly eventId?: string;
}

/** Sends dead letters and resolves once the broker has them all; the transaction commits only after that. */
export type DeadLetterSink = (letters: readonly DeadLetter[]) => Promise<void>;

export interface BatchOutcome {
  /** Messages projected by this call. */
  readonly projected: number;
  /** Messages at offsets the read model had already covered (a redelivery after a crash or rebalance). */
  readonly alreadyApplied: number;
  readonly deadLettered: number;
  /** Patients whose record changed. */
  readonly touched: number;
}

export function deadLetterOf<T>(
  batch: Pick<PartitionBatch<T>, 'topic' | 'partition'>,
  message: SourceMessage<T>,
  reason: string,
  event?: { header: { eventType: string; eventId: string } },
): DeadLetter {
  return {
    topic: batch.topic,
    partition: batch.partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    reason,
    eventType: event?.header.eventType,
    eventId: event?.header.eventId,
  };
}
