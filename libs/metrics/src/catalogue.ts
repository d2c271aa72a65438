import { CROSSCARE_SERVICES, type CrosscareService } from './service-registry';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One metric a Crosscare service exports: what alert rules, dashboards and docs/operations.md may name. */
export interface CataloguedMetric {
  readonly name: string;
  readonly type: MetricType;
  /** Its own labels; every series also carries the registry's default labels (`service`, `instance`, ...). */
  readonly labels: readonly string[];
  readonly help: string;
  readonly services: readonly CrosscareService[];
}

const ALL: readonly CrosscareService[] = CROSSCARE_SERVICES;
const CONSUMERS: readonly CrosscareService[] = ['projector', 'sde-publisher', 'subscriptions'];
/** The services that connect to Kafka, over TLS with the CA of KAFKA_SSL_CA_FILE. */
const KAFKA_CLIENTS: readonly CrosscareService[] = [
  'ingest',
  'record-api',
  'projector',
  'sde-publisher',
  'subscriptions',
];

/**
 * Every `crosscare_*` metric the services export, beside Node's process metrics (`process_*`, `nodejs_*`, on every
 * service: process-metrics.ts). test/metrics/catalogue.unit.spec.ts builds each service's registry and holds this
 * list to it, both ways; the alert rules' and dashboard's test reads it to know what exists.
 */
export const METRIC_CATALOGUE: readonly CataloguedMetric[] = [
  // Shared by every HTTP service (http-metrics.ts).
  {
    name: 'crosscare_http_requests_total',
    type: 'counter',
    labels: ['route', 'method', 'status'],
    help: 'HTTP requests answered, by matched route pattern (`unmatched` when none matched; `/metrics` not counted)',
    services: ALL,
  },
  {
    name: 'crosscare_http_request_seconds',
    type: 'histogram',
    labels: ['route', 'method'],
    help: 'Time from a request arriving to its answer being written',
    services: ALL,
  },
  // Every consumer (consumer-lag.ts, dead-letters.ts).
  {
    name: 'crosscare_consumer_lag',
    type: 'gauge',
    labels: ['group', 'topic', 'partition'],
    help: "Offsets between a partition's end and the position the group stored with what it produced",
    services: CONSUMERS,
  },
  {
    name: 'crosscare_consumer_lag_measured_timestamp_seconds',
    type: 'gauge',
    labels: ['group'],
    help: "When the group's lag was last measured (Unix seconds): a stuck monitor shows as an old timestamp",
    services: CONSUMERS,
  },
  {
    name: 'crosscare_dead_letters_total',
    type: 'counter',
    labels: ['topic'],
    help: 'Messages set aside on the service’s dead-letter topic, by the topic they came from',
    services: CONSUMERS,
  },
  {
    name: 'crosscare_tls_certificate_expiry_timestamp_seconds',
    type: 'gauge',
    labels: ['certificate'],
    help: 'When a certificate the service loaded expires (Unix seconds); `kafka-ca` is KAFKA_SSL_CA_FILE',
    services: KAFKA_CLIENTS,
  },
  // Ingest.
  {
    name: 'crosscare_ingest_requests_total',
    type: 'counter',
    labels: ['route', 'format', 'provider_type', 'status'],
    help: 'Requests answered, by way in (fhir, hl7v2, social-care, mllp), format, sender’s provider type and status',
    services: ['ingest'],
  },
  {
    name: 'crosscare_ingest_rejected_total',
    type: 'counter',
    labels: ['route', 'reason'],
    help: 'Requests refused, by way in and reason (invalid, unauthenticated, forbidden, too-large, unavailable, ...)',
    services: ['ingest'],
  },
  {
    name: 'crosscare_ingest_transaction_events',
    type: 'histogram',
    labels: [],
    help: 'New events accepted per request that had any accepted',
    services: ['ingest'],
  },
  {
    name: 'crosscare_ingest_publish_seconds',
    type: 'histogram',
    labels: [],
    help: 'Time from an event’s acceptance (outbox row committed) to the relay publishing it',
    services: ['ingest'],
  },
  {
    name: 'crosscare_ingest_outbox_pending',
    type: 'gauge',
    labels: [],
    help: 'Accepted events not yet published (the whole deployment)',
    services: ['ingest'],
  },
  {
    name: 'crosscare_ingest_outbox_oldest_seconds',
    type: 'gauge',
    labels: [],
    help: 'Age of the oldest accepted event not yet published',
    services: ['ingest'],
  },
  {
    name: 'crosscare_ingest_relay_leader',
    type: 'gauge',
    labels: [],
    help: '1 when this instance is the one relaying the outbox',
    services: ['ingest'],
  },
  {
    name: 'crosscare_ingest_events_published_total',
    type: 'counter',
    labels: [],
    help: 'Accepted events this instance published',
    services: ['ingest'],
  },
  // Record API.
  {
    name: 'crosscare_record_api_reads_total',
    type: 'counter',
    labels: ['outcome', 'purpose'],
    help: 'Shared record reads by outcome (served, refused, not-found, unavailable, error) and declared purpose of use',
    services: ['record-api'],
  },
  {
    name: 'crosscare_record_api_read_seconds',
    type: 'histogram',
    labels: ['outcome'],
    help: 'Time to answer a shared record read, audit write included',
    services: ['record-api'],
  },
  {
    name: 'crosscare_record_api_searches_total',
    type: 'counter',
    labels: ['outcome', 'resource'],
    help: 'Searches of a patient history by outcome and FHIR resource type searched (a closed list)',
    services: ['record-api'],
  },
  {
    name: 'crosscare_record_api_search_seconds',
    type: 'histogram',
    labels: ['outcome'],
    help: 'Time to answer a search of a patient history, audit write included',
    services: ['record-api'],
  },
  {
    name: 'crosscare_record_api_audit_failures_total',
    type: 'counter',
    labels: [],
    help: 'Audit events or access alerts that could not be written (each request concerned answered 503)',
    services: ['record-api'],
  },
  // Schema registry.
  {
    name: 'crosscare_registry_requests_total',
    type: 'counter',
    labels: ['operation', 'status'],
    help: 'Registry requests by operation (register, lookup, get-schema, compatibility, list-subjects, ...) and status',
    services: ['schema-registry'],
  },
  {
    name: 'crosscare_registry_request_seconds',
    type: 'histogram',
    labels: ['operation'],
    help: 'Time to answer a registry request, by operation',
    services: ['schema-registry'],
  },
  {
    name: 'crosscare_registry_schemas',
    type: 'gauge',
    labels: [],
    help: 'Schemas stored, counted at each scrape',
    services: ['schema-registry'],
  },
  // Projector.
  {
    name: 'crosscare_projector_events_total',
    type: 'counter',
    labels: ['topic', 'outcome'],
    help: 'Messages consumed, by topic and outcome (projected, already_applied, dead_lettered)',
    services: ['projector'],
  },
  {
    name: 'crosscare_projector_batch_seconds',
    type: 'histogram',
    labels: ['topic'],
    help: 'Time to project one partition batch: decode, database transaction, commit',
    services: ['projector'],
  },
  {
    name: 'crosscare_projector_high_watermark',
    type: 'gauge',
    labels: ['topic', 'partition'],
    help: 'End offset of a partition as last seen in a fetch by this instance',
    services: ['projector'],
  },
  {
    name: 'crosscare_projector_remote_changelog_gaps_total',
    type: 'counter',
    labels: ['topic'],
    help: 'Records of the other collaborative’s changelog whose sequence skipped numbers',
    services: ['projector'],
  },
  {
    name: 'crosscare_projector_changelog_published_total',
    type: 'counter',
    labels: [],
    help: 'Changelog records the outbox relay published',
    services: ['projector'],
  },
  {
    name: 'crosscare_projector_outbox_pending',
    type: 'gauge',
    labels: [],
    help: 'Changelog records committed to the outbox and not yet published, as last seen by the relay',
    services: ['projector'],
  },
  // SDE publisher.
  {
    name: 'crosscare_sde_events_total',
    type: 'counter',
    labels: ['topic', 'outcome'],
    help: 'Source messages processed, by topic and outcome',
    services: ['sde-publisher'],
  },
  {
    name: 'crosscare_sde_rows_total',
    type: 'counter',
    labels: ['project', 'outcome'],
    help: 'Rows queued, withheld, tombstoned or republished, by approved project',
    services: ['sde-publisher'],
  },
  {
    name: 'crosscare_sde_messages_published_total',
    type: 'counter',
    labels: [],
    help: 'Messages the outbox relay published to SDE topics',
    services: ['sde-publisher'],
  },
  {
    name: 'crosscare_sde_outbox_pending',
    type: 'gauge',
    labels: [],
    help: 'Messages the relay found waiting in its last round',
    services: ['sde-publisher'],
  },
  {
    name: 'crosscare_sde_batch_seconds',
    type: 'histogram',
    labels: ['topic'],
    help: 'Time to process one source batch, database commit included',
    services: ['sde-publisher'],
  },
  {
    name: 'crosscare_subscriber_grant_expiry_timestamp_seconds',
    type: 'gauge',
    labels: ['subscriber', 'kind'],
    help: 'When an unrevoked subscriber grant with an expiry expires (Unix seconds); kind changelog or sde-project',
    services: ['sde-publisher'],
  },
  // Subscription service.
  {
    name: 'crosscare_subscriptions_record_changes_total',
    type: 'counter',
    labels: ['outcome'],
    help: 'Record changes consumed or dead-lettered',
    services: ['subscriptions'],
  },
  {
    name: 'crosscare_subscriptions_events_numbered_total',
    type: 'counter',
    labels: [],
    help: 'Subscription events numbered: one per subscription a record change notifies',
    services: ['subscriptions'],
  },
  {
    name: 'crosscare_subscriptions_deliveries_total',
    type: 'counter',
    labels: ['channel', 'kind', 'outcome'],
    help: 'Notifications sent, by channel (rest-hook, websocket), kind and outcome (delivered, failed)',
    services: ['subscriptions'],
  },
  {
    name: 'crosscare_subscriptions_retries_total',
    type: 'counter',
    labels: ['channel'],
    help: 'Delivery attempts made after a failed one to the same subscription',
    services: ['subscriptions'],
  },
  {
    name: 'crosscare_subscriptions_events_delivered_total',
    type: 'counter',
    labels: [],
    help: 'Subscription events subscribers acknowledged',
    services: ['subscriptions'],
  },
  {
    name: 'crosscare_subscriptions_matchable',
    type: 'gauge',
    labels: [],
    help: 'Subscriptions matched against (not off)',
    services: ['subscriptions'],
  },
  {
    name: 'crosscare_subscriptions_by_status',
    type: 'gauge',
    labels: ['status'],
    help: 'Subscriptions in each status (requested, active, error, off), counted at each scrape',
    services: ['subscriptions'],
  },
  {
    name: 'crosscare_subscriptions_batch_seconds',
    type: 'histogram',
    labels: [],
    help: 'Time to match and number one source batch, commit included',
    services: ['subscriptions'],
  },
  {
    name: 'crosscare_subscriptions_delivery_seconds',
    type: 'histogram',
    labels: [],
    help: 'An endpoint’s answer time for one notification',
    services: ['subscriptions'],
  },
];

/** The catalogued metrics one service exports. */
export function metricsOf(service: CrosscareService): readonly CataloguedMetric[] {
  return METRIC_CATALOGUE.filter((m) => m.services.includes(service));
}
