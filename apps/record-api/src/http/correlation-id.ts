import { randomUUID } from 'node:crypto';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The caller's X-Correlation-Id when it is sane (it lands in logs and the audit trail), else a new one. */
export function correlationIdOf(sent: string | undefined, generate: () => string = randomUUID): string {
  return sent !== undefined && CORRELATION_ID.test(sent) ? sent : generate();
}
