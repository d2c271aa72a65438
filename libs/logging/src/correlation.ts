import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The correlation id: one per provider request (or MLLP message), from ingest's HTTP header through the events' Kafka
 * header to the projectors' changelog and the subscription service's notifications, so one request can be followed
 * across every service's log (docs/operations.md, "Logs").
 */

/** The HTTP header a caller may send and every Crosscare HTTP answer carries. */
export const HTTP_CORRELATION_HEADER = 'X-Correlation-Id';

/** The Kafka header on record changes (ingest), changelog messages (projectors) and audit records (record API). */
export const CORRELATION_HEADER = 'crosscare-correlation-id';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** A correlation id as Crosscare accepts one from outside: 1 to 100 of `A-Z a-z 0-9 . _ : -`. */
export function isCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && CORRELATION_ID.test(value);
}

/** The caller's X-Correlation-Id when it is sane (it lands in logs, headers and the audit trail), else a new one. */
export function correlationIdOf(sent: string | undefined, generate: () => string = randomUUID): string {
  return isCorrelationId(sent) ? sent : generate();
}

/** A Kafka message's headers as kafkajs gives them, without depending on kafkajs. */
export type MessageHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/**
 * The correlation id a Kafka message carries in `crosscare-correlation-id`, or undefined when it has none (messages
 * from before the header, rebuild fills, other producers) or one that is not a correlation id.
 */
export function correlationIdFromHeaders(headers: MessageHeaders | undefined): string | undefined {
  let value = headers?.[CORRELATION_HEADER];
  if (Array.isArray(value)) value = value[0];
  if (value === undefined) return undefined;
  const text = value.toString();
  return isCorrelationId(text) ? text : undefined;
}

const current = new AsyncLocalStorage<string>();

/** Runs `work` with `correlationId` as the current one: every line it logs, however deep and async, carries it. */
export function withCorrelation<T>(correlationId: string | undefined, work: () => T): T {
  return correlationId === undefined ? work() : current.run(correlationId, work);
}

/** The correlation id of the work in progress, if it runs under withCorrelation. */
export function currentCorrelationId(): string | undefined {
  return current.getStore();
}

/** The distinct ids among `ids`, in first-seen order (undefined dropped): a batch's, for a debug line. */
export function distinctCorrelationIds(ids: Iterable<string | undefined | null>): string[] {
  const seen = new Set<string>();
  for (const id of ids) if (id) seen.add(id);
  return [...seen];
}
