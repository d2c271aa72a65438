import { isDatabaseUnreachable } from '@crosscare/errors';
import { HttpMetrics, serviceRegistry } from '@crosscare/metrics';
import { Counter, Histogram, type Registry } from 'prom-client';
import { purposeOfUseOf } from './access/purpose-of-use';

/**
 * How a read ended, from the answer SharedRecordReads decided: served (the record), refused (a refusal the access
 * rules or the request's own faults decided, audited), not-found (a break-glass read of a patient nobody holds),
 * unavailable (503: the audit or alert could not be written, or the read model is away) or error (anything else).
 */
export type ReadOutcome = 'served' | 'refused' | 'not-found' | 'unavailable' | 'error';

export function readOutcomeOf(status: number): ReadOutcome {
  if (status >= 200 && status < 300) return 'served';
  if (status === 404) return 'not-found';
  if (status === 503) return 'unavailable';
  if (status >= 400 && status < 500) return 'refused';
  return 'error';
}

/** A read that threw rather than answered: the read model's database away is an outage, the rest errors. */
export function thrownOutcomeOf(error: unknown): ReadOutcome {
  return isDatabaseUnreachable(error) ? 'unavailable' : 'error';
}

/** The declared purpose of use, as the closed enum it must be; `none` when not declared, `invalid` when not one. */
export function purposeLabel(header: string | undefined): string {
  if (!header?.trim()) return 'none';
  const purpose = purposeOfUseOf(header);
  return purpose.ok ? purpose.purpose : 'invalid';
}

/**
 * The record API's /metrics: reads by outcome and purpose, how long they take, and audit writes that failed (every
 * one a request refused 503 for want of its audit, or a break-glass read its alert). No label names a reader,
 * organisation or patient.
 */
export class RecordApiMetrics {
  readonly registry: Registry = serviceRegistry('record-api');
  readonly http = new HttpMetrics(this.registry);

  readonly reads = new Counter({
    name: 'crosscare_record_api_reads_total',
    help: 'Shared record reads, by outcome (served, refused, not-found, unavailable, error) and declared purpose of use',
    labelNames: ['outcome', 'purpose'] as const,
    registers: [this.registry],
  });

  readonly readSeconds = new Histogram({
    name: 'crosscare_record_api_read_seconds',
    help: 'Time to answer one shared record read, audit write included, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly auditFailures = new Counter({
    name: 'crosscare_record_api_audit_failures_total',
    help: 'Audit events (RecordAccessed) or access alerts (AccessAlertRaised) that could not be written to Kafka',
    registers: [this.registry],
  });

  readonly searches = new Counter({
    name: 'crosscare_record_api_searches_total',
    help: 'Searches of a patient history (FHIR search or a section of the record route), by outcome and resource type searched',
    labelNames: ['outcome', 'resource'] as const,
    registers: [this.registry],
  });

  readonly searchSeconds = new Histogram({
    name: 'crosscare_record_api_search_seconds',
    help: 'Time to answer one search of a patient history, audit write included, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** One search answered. `resource` is one of the searchable types, or 'other' for a type nobody can search. */
  searched(outcome: ReadOutcome, resource: string, seconds: number): void {
    this.searches.inc({ outcome, resource });
    this.searchSeconds.observe({ outcome }, seconds);
  }

  read(outcome: ReadOutcome, purpose: string, seconds: number): void {
    this.reads.inc({ outcome, purpose });
    this.readSeconds.observe({ outcome }, seconds);
  }
}
