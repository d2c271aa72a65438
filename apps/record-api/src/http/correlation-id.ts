/** The caller's X-Correlation-Id when it is sane, else a new one: one rule for every Crosscare HTTP service. */
export { correlationIdOf } from '@crosscare/logging';
