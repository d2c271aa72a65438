import { CrosscareError, errorMessage } from '@crosscare/errors';
import type { EventSerde } from '@crosscare/events';
import type { Message } from 'kafkajs';

/** Sends one message to a topic and resolves once every in-sync replica has it (RecordProducer.send). */
export type AuditSend = (record: { topic: string; messages: Message[] }) => Promise<unknown>;

/**
 * Why an audit event (or an access alert) could not be written. A read must then fail: no record leaves the service
 * unaudited, and no break-glass read is served without its alert. Retriable: the cause is a broker, registry or
 * network outage, not the request.
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

/** One record for an audit topic: its schema name, the value, the message key and the request's correlation id. */
export interface AuditRecord<M, N extends keyof M> {
  readonly name: N;
  readonly value: M[N];
  readonly key: string | null;
  readonly correlationId: string;
}

/**
 * Writes audit records to one topic, each acknowledged (acks=all) before the caller goes on. A write that takes
 * longer than the timeout counts as failed; kafkajs may still complete it later, which only ever adds an audit event
 * for an answer that was refused, never the other way round.
 */
export class AuditTrail<M extends Record<string, object>> {
  constructor(
    private readonly serde: EventSerde<M>,
    private readonly send: AuditSend,
    readonly topic: string,
    private readonly timeoutMs: number,
  ) {}

  async record<N extends keyof M & string>(record: AuditRecord<M, N>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AuditUnavailableError(this.topic, `no acknowledgement within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      await Promise.race([this.write(record), timeout]);
    } catch (error) {
      if (error instanceof AuditUnavailableError) throw error;
      throw new AuditUnavailableError(this.topic, errorMessage(error), error);
    } finally {
      clearTimeout(timer);
    }
  }

  private async write<N extends keyof M & string>(record: AuditRecord<M, N>): Promise<void> {
    const value = await this.serde.encode(record.name, record.value);
    await this.send({
      topic: this.topic,
      messages: [{ key: record.key, value, headers: { 'crosscare-correlation-id': record.correlationId } }],
    });
  }
}
