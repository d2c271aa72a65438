import { CrosscareError, errorMessage } from '@crosscare/errors';
import type { EventSerde } from '@crosscare/events';
import type { Message } from 'kafkajs';
import type { RecordAccessed } from './record-accessed';

/** Sends one message to the audit topic and resolves once every in-sync replica has it (RecordProducer.send). */
export type AuditSend = (record: { topic: string; messages: Message[] }) => Promise<unknown>;

/**
 * Why a read could not be audited. The read must then fail: no record leaves the service unaudited. Retriable: the
 * cause is a broker, registry or network outage, not the request.
 */
export class AuditUnavailableError extends CrosscareError {
  constructor(
    readonly topic: string,
    message: string,
    cause?: unknown,
  ) {
    super(`the audit event could not be written to ${topic}: ${message}`, { retriable: true, cause });
    this.name = 'AuditUnavailableError';
  }
}

/**
 * Writes RecordAccessed events, each acknowledged (acks=all) before the read's answer is sent. A write that takes
 * longer than the timeout counts as failed; kafkajs may still complete it later, which only ever adds an audit
 * event for an answer that was refused, never the other way round.
 */
export class AuditTrail {
  constructor(
    private readonly serde: EventSerde<{ RecordAccessed: RecordAccessed }>,
    private readonly send: AuditSend,
    readonly topic: string,
    private readonly timeoutMs: number,
  ) {}

  async record(event: RecordAccessed): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AuditUnavailableError(this.topic, `no acknowledgement within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      await Promise.race([this.write(event), timeout]);
    } catch (error) {
      if (error instanceof AuditUnavailableError) throw error;
      throw new AuditUnavailableError(this.topic, errorMessage(error), error);
    } finally {
      clearTimeout(timer);
    }
  }

  private async write(event: RecordAccessed): Promise<void> {
    const value = await this.serde.encode('RecordAccessed', event);
    await this.send({
      topic: this.topic,
      // Keyed like every Crosscare topic, by the patient, so one patient's accesses stay in order on one partition.
      messages: [
        {
          key: event.resolvedNhsNumber,
          value,
          headers: { 'crosscare-correlation-id': event.correlationId },
        },
      ],
    });
  }
}
