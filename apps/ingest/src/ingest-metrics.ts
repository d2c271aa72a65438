import type { ProviderType } from '@crosscare/governance';
import { HttpMetrics, serviceRegistry } from '@crosscare/metrics';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The way a request came in: the HTTP route family, or the MLLP listener. */
export type IngestRoute = 'fhir' | 'hl7v2' | 'social-care' | 'mllp';

/** What the intake was sent, as far as the request tells before reading it; `none` for a request without a body. */
export type IngestFormat =
  'fhir-json' | 'fhir-xml' | 'hl7v2' | 'social-care-json' | 'social-care-csv' | 'none';

/** Why a request was refused: a closed set read from the status ingest answered with (ingest-error.ts). */
export type IngestRejection =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'precondition-failed'
  | 'too-large'
  | 'unsupported-media-type'
  | 'rate-limited'
  | 'unavailable'
  | 'error';

const REJECTIONS: Readonly<Record<number, IngestRejection>> = {
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-found',
  409: 'conflict',
  412: 'precondition-failed',
  413: 'too-large',
  415: 'unsupported-media-type',
  422: 'invalid',
  429: 'rate-limited',
  503: 'unavailable',
};

/** The rejection a status means; undefined for an answer that accepted (2xx). */
export function rejectionOf(status: number): IngestRejection | undefined {
  if (status < 400) return undefined;
  return REJECTIONS[status] ?? (status >= 500 ? 'error' : 'invalid');
}

/** `GP_PRACTICE` → `gp-practice`; `unknown` before the sender is authenticated. */
export function providerTypeLabel(type: ProviderType | undefined): string {
  return type === undefined ? 'unknown' : type.toLowerCase().replace(/_/g, '-');
}

/** One answered request, over HTTP or MLLP. */
export interface IngestRequest {
  readonly route: IngestRoute;
  readonly format: IngestFormat;
  readonly providerType?: ProviderType;
  readonly status: number;
}

/**
 * Ingest's /metrics registry and what it counts: every request by way in, format, sender's provider type and status,
 * refusals by reason, events per accepted request, and the time from acceptance to the relay's publish. The relay's
 * own gauges (relay-metrics.ts) are on the same registry. No label names a provider, patient or record.
 */
export class IngestMetrics {
  readonly registry: Registry = serviceRegistry('ingest');
  readonly http = new HttpMetrics(this.registry);

  readonly requests = new Counter({
    name: 'crosscare_ingest_requests_total',
    help: 'Requests answered, by way in (fhir, hl7v2, social-care, mllp), format, the sender provider type and status',
    labelNames: ['route', 'format', 'provider_type', 'status'] as const,
    registers: [this.registry],
  });

  readonly rejected = new Counter({
    name: 'crosscare_ingest_rejected_total',
    help: 'Requests refused, by way in and reason (invalid, unauthenticated, forbidden, too-large, unavailable, ...)',
    labelNames: ['route', 'reason'] as const,
    registers: [this.registry],
  });

  readonly transactionEvents = new Histogram({
    name: 'crosscare_ingest_transaction_events',
    help: 'Events a request had accepted (new ones, not duplicates of what was accepted before), per request that had any',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [this.registry],
  });

  readonly publishSeconds = new Histogram({
    name: 'crosscare_ingest_publish_seconds',
    help: "Time from an event's acceptance (its outbox row committed) to the relay's Kafka transaction publishing it",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  request(r: IngestRequest): void {
    this.requests.inc({
      route: r.route,
      format: r.format,
      provider_type: providerTypeLabel(r.providerType),
      status: String(r.status),
    });
    const reason = rejectionOf(r.status);
    if (reason) this.rejected.inc({ route: r.route, reason });
  }

  /** Rows the relay published, each with when it was accepted (epoch ms); clocks apart never make it negative. */
  published(acceptedAt: readonly number[], now = Date.now()): void {
    for (const at of acceptedAt) this.publishSeconds.observe(Math.max(0, now - at) / 1000);
  }
}
