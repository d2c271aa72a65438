import { CrosscareError } from './crosscare-error';

/**
 * Postgres SQLSTATEs after which the same transaction, run again, may commit: serialization_failure (40001) and
 * deadlock_detected (40P01). Postgres aborted the transaction to let another finish; nothing was wrong with it.
 */
const RETRIABLE_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01']);

/**
 * Whether retrying the same operation may succeed: the one question every retry loop, dead-letter decision and
 * Retry-After answer asks. A Crosscare error answers with its own flag, a kafkajs error with kafkajs's flag, a
 * Postgres error by its SQLSTATE (a serialization failure or a deadlock). Anything else is a bug, not an outage:
 * not retriable, so a retry loop cannot hide it.
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof CrosscareError || isKafkaJsError(error)) return error.retriable;
  const state = sqlStateOf(error);
  return state !== undefined && RETRIABLE_SQLSTATES.has(state);
}

/**
 * The code of a Postgres failure, thrown by pg or wrapped by TypeORM (QueryFailedError's `driverError`): the
 * SQLSTATE when the server refused a statement, Node's code (ECONNREFUSED...) when the connection failed. Undefined
 * for anything else, Crosscare and kafkajs errors included: their codes are their own, and their flag speaks.
 */
export function sqlStateOf(error: unknown): string | undefined {
  if (error instanceof CrosscareError || isKafkaJsError(error)) return undefined;
  const code =
    (error as { driverError?: { code?: unknown } } | null)?.driverError?.code ??
    (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * kafkajs's errors, known by shape so that this lib imports nothing: every subclass of KafkaJSError is named
 * `KafkaJS...` and carries the boolean `retriable` kafkajs itself retries on.
 */
function isKafkaJsError(error: unknown): error is Error & { readonly retriable: boolean } {
  return (
    error instanceof Error &&
    error.name.startsWith('KafkaJS') &&
    typeof (error as { retriable?: unknown }).retriable === 'boolean'
  );
}

/**
 * SQLSTATEs and socket codes that mean the database could not be reached or went away: class 08 (connection
 * exception), the server shutting down or starting (57P01-57P03), and the socket failing under pg.
 */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  '57P01',
  '57P02',
  '57P03',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/**
 * Whether a Postgres failure is the database being unreachable rather than a statement refused: a service answers
 * it as an outage (503, Retry-After; MLLP's "send again later"), not as a bug. Not part of isRetriable: a retry loop
 * inside one request would only hammer a server that is down. pg reports a connection that ended mid-query without a
 * code, by its message.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  const state = sqlStateOf(error);
  if (state !== undefined && (state.startsWith('08') || CONNECTION_CODES.has(state))) return true;
  const message = error instanceof Error ? error.message : '';
  return UNREACHABLE_MESSAGES.test(message);
}

/**
 * pg's words for a connection that ended mid-query or never opened (no code), and the server's for a database that
 * refuses connections (ALTER DATABASE ... ALLOW_CONNECTIONS false: SQLSTATE 55000, which is otherwise generic).
 */
const UNREACHABLE_MESSAGES =
  /^Connection terminated|^Client has encountered a connection error|^timeout exceeded when trying to connect|is not currently accepting connections$/;
