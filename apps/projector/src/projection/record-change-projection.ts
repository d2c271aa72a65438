import { errorMessage, isRetriable, sqlStateOf } from '@crosscare/errors';
import type { RecordChangeEvent } from '@crosscare/events';
import { isCorrelationId } from '@crosscare/logging';
import { isItemEvent, planBatch } from '@crosscare/projection';
import {
  ChangelogOutbox,
  ConsumedOffsets,
  encodeRecordItem,
  outboxMessagesOf,
  PatientChanges,
  PatientRecordStore,
  recordItemFromPayload,
  type ChangelogEncoder,
} from '@crosscare/read-model';
import type { DataSource, EntityManager } from 'typeorm';
import {
  deadLetterOf,
  type BatchOutcome,
  type DeadLetter,
  type DeadLetterSink,
  type PartitionBatch,
  type SourceMessage,
} from './partition-batch';

export interface RecordChangeProjectionOptions {
  readonly collaborative: string;
  /**
   * Write each change to the changelog outbox: the items it changed, then the patient's head. Off while a rebuild
   * catches up: the live read model keeps publishing, and the switch publishes only what the rebuild changed.
   */
  readonly publishChangelog: boolean;
  /** Encodes the changelog's values (Avro, registry framed): ChangelogSerde. */
  readonly changelog: ChangelogEncoder;
  /** First step of every batch transaction: throws when this read model no longer serves (a rebuild switched). */
  readonly assertServing?: (tx: EntityManager) => Promise<void>;
  /** Called after a batch that wrote changelog messages has committed: the relay publishes them at once. */
  readonly onChangelogWritten?: () => void;
}

/**
 * Projects one partition's batch of record changes into the read model in one transaction, with the partition's
 * next offset and the changed patients' changelog records: the read model, its position and its changelog never
 * disagree. Events that cannot be projected are dead-lettered (the broker has them before the transaction commits)
 * and the partition moves on.
 */
export class RecordChangeProjection {
  private readonly store = new PatientRecordStore();
  private readonly offsets = new ConsumedOffsets();
  private readonly outbox = new ChangelogOutbox();

  constructor(
    private readonly db: DataSource,
    private readonly options: RecordChangeProjectionOptions,
  ) {}

  async project(
    batch: PartitionBatch<RecordChangeEvent>,
    deadLetters: DeadLetterSink,
  ): Promise<BatchOutcome> {
    if (batch.messages.length === 0) return { projected: 0, alreadyApplied: 0, deadLettered: 0, touched: 0 };
    try {
      const outcome = await retryOnConflict(() =>
        this.db.transaction((tx) => this.projectIn(tx, batch, deadLetters)),
      );
      if (outcome.touched > 0) this.options.onChangelogWritten?.();
      return outcome;
    } catch (error) {
      // A value the database refuses (a NUL in a string, a number out of range) fails the whole statement, and with
      // it every event of the batch. Project them one by one to find the culprit; only it is dead-lettered.
      if (!isDataError(error) || batch.messages.length === 1) {
        if (isDataError(error)) return this.deadLetterAlone(batch, deadLetters, errorMessage(error));
        throw error;
      }
      return this.projectOneByOne(batch, deadLetters);
    }
  }

  private async projectIn(
    tx: EntityManager,
    batch: PartitionBatch<RecordChangeEvent>,
    sink: DeadLetterSink,
  ): Promise<BatchOutcome> {
    await this.options.assertServing?.(tx);
    const next = await this.offsets.lock(tx, batch.topic, batch.partition);
    const fresh = batch.messages.filter((m) => next === undefined || BigInt(m.offset) >= next);
    const alreadyApplied = batch.messages.length - fresh.length;
    if (fresh.length === 0) return { projected: 0, alreadyApplied, deadLettered: 0, touched: 0 };

    const letters: DeadLetter[] = [];
    const decoded: { message: SourceMessage<RecordChangeEvent>; event: RecordChangeEvent }[] = [];
    // Each item event is encoded once, as the read model keeps it and the changelog records are assembled from it.
    const items = new Map<RecordChangeEvent, Buffer>();
    for (const message of fresh) {
      if (!message.decoded.ok) {
        letters.push(deadLetterOf(batch, message, message.decoded.reason));
        continue;
      }
      const event = message.decoded.value;
      const stored = storedItemOf(event, message.decoded.payloadAsRead);
      if (typeof stored === 'string') letters.push(deadLetterOf(batch, message, stored, event));
      else {
        if (stored) items.set(event, stored);
        decoded.push({ message, event });
      }
    }
    const plan = planBatch(decoded.map((d) => d.event));
    for (const { index, reason } of plan.rejected)
      letters.push(deadLetterOf(batch, decoded[index].message, reason, decoded[index].event));

    const survivors = await this.store.lockPatients(tx, plan.nhsNumbers);
    const changes = this.options.publishChangelog ? new PatientChanges() : undefined;
    for (const merge of plan.merges) {
      const refused = await this.store.applyMerge(tx, merge, survivors, changes);
      if (refused) {
        const at = decoded.find((d) => d.event.header.eventId === merge.eventId);
        if (at) letters.push(deadLetterOf(batch, at.message, refused.rejected, at.event));
      }
    }
    const writes = plan.writes.map((w) => ({ ...w, item: w.removed ? null : (items.get(w.event) ?? null) }));
    await this.store.writeItems(tx, writes, survivors, changes);
    const touched = changes?.touched().length ?? 0;
    if (changes && touched > 0) await this.publish(tx, changes, correlationsOf(decoded));
    if (letters.length > 0) await sink(letters);
    await this.offsets.advance(tx, batch.topic, batch.partition, BigInt(fresh[fresh.length - 1].offset) + 1n);
    return {
      projected: fresh.length - letters.length,
      alreadyApplied,
      deadLettered: letters.length,
      touched,
    };
  }

  /**
   * Numbers each touched patient's change and writes its messages to the outbox: changed items, then the head, each
   * with the correlation id of the request that changed the patient (the header `crosscare-correlation-id`).
   */
  private async publish(
    tx: EntityManager,
    changes: PatientChanges,
    correlationOf: (nhsNumber: string) => string | undefined,
  ): Promise<void> {
    const heads = await this.store.nextSequences(tx, changes);
    const messages = await outboxMessagesOf(
      heads,
      changes,
      this.options.collaborative,
      this.options.changelog,
    );
    await this.outbox.add(
      tx,
      messages.map((m) => ({ ...m, correlationId: correlationOf(m.nhsNumber) })),
    );
  }

  private async projectOneByOne(
    batch: PartitionBatch<RecordChangeEvent>,
    sink: DeadLetterSink,
  ): Promise<BatchOutcome> {
    const total = { projected: 0, alreadyApplied: 0, deadLettered: 0, touched: 0 };
    for (const message of batch.messages) {
      const outcome = await this.project({ ...batch, messages: [message] }, sink);
      total.projected += outcome.projected;
      total.alreadyApplied += outcome.alreadyApplied;
      total.deadLettered += outcome.deadLettered;
      total.touched += outcome.touched;
    }
    return total;
  }

  /** A single message the database refused: dead-letter it and move the offset past it, in a transaction of its own. */
  private deadLetterAlone(
    batch: PartitionBatch<RecordChangeEvent>,
    sink: DeadLetterSink,
    reason: string,
  ): Promise<BatchOutcome> {
    const [message] = batch.messages;
    return this.db.transaction(async (tx) => {
      await this.options.assertServing?.(tx);
      const next = await this.offsets.lock(tx, batch.topic, batch.partition);
      if (next !== undefined && BigInt(message.offset) < next)
        return { projected: 0, alreadyApplied: 1, deadLettered: 0, touched: 0 };
      const event = message.decoded.ok ? message.decoded.value : undefined;
      await sink([deadLetterOf(batch, message, `the read model refused the event: ${reason}`, event)]);
      await this.offsets.advance(tx, batch.topic, batch.partition, BigInt(message.offset) + 1n);
      return { projected: 0, alreadyApplied: 0, deadLettered: 1, touched: 0 };
    });
  }
}

/**
 * Which request changed each patient in a batch: the correlation id of the patient's last event in it (its Kafka
 * header, else the event's own header). A patient changed only through another's event (a merge's other side) takes
 * the batch's id when the whole batch is one request's; otherwise none.
 */
export function correlationsOf(
  decoded: readonly { message: SourceMessage<RecordChangeEvent>; event: RecordChangeEvent }[],
): (nhsNumber: string) => string | undefined {
  const byPatient = new Map<string, string>();
  for (const { message, event } of decoded) {
    const id = message.correlationId ?? event.header.correlationId;
    if (isCorrelationId(id)) byPatient.set(event.header.nhsNumber, id);
  }
  const ids = new Set(byPatient.values());
  const single = ids.size === 1 ? [...ids][0] : undefined;
  return (nhsNumber) => byPatient.get(nhsNumber) ?? single;
}

/** An item event's bytes as the read model stores them, undefined for other events, or why it cannot be stored. */
function storedItemOf(event: RecordChangeEvent, payloadAsRead?: Buffer): Buffer | undefined | string {
  if (!isItemEvent(event)) return undefined;
  try {
    // Most events were written with the very schema the projector reads them with: their bytes are stored as is.
    if (payloadAsRead) return recordItemFromPayload(event.header.eventType, payloadAsRead);
    return encodeRecordItem(event);
  } catch (error) {
    return `the event cannot be stored as an item of the changelog: ${errorMessage(error)}`;
  }
}

/**
 * Runs a transaction again when Postgres broke a deadlock by aborting it (40P01) or refused it for serialization
 * (40001). Batches lock patients in sorted order, but a merge's survivor is only known, and locked, after the first
 * round, so two batches touching the same patients from both ends can still meet; the retry is the designed answer.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      // Only what the database refused is run again here: any other retriable failure (a registry or broker
      // outage) goes up to the consumer, whose redelivery of the batch is its retry.
      if (attempt >= attempts || sqlStateOf(error) === undefined || !isRetriable(error)) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 50 * attempt));
    }
  }
}

/**
 * Postgres classes 22 (data exception) and 23 (integrity constraint): the data is at fault, and retrying the same
 * data fails the same way. Everything else (connections, deadlocks, serialization) is worth retrying as it is.
 */
export function isDataError(error: unknown): boolean {
  const code = sqlStateOf(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}
