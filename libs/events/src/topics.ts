/** The six ICSs' record-change topics are named here and nowhere else. */
export const DEFAULT_TOPIC_PREFIX = 'crosscare';

/**
 * The record-change topic of an ICS, e.g. `crosscare.qhl.record-changes.v1`: the event store for every provider in
 * that ICS, keyed by NHS number. The prefix lets tests and parallel environments share one cluster.
 */
export function recordChangeTopic(ics: string, prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.${ics.toLowerCase()}.record-changes.v1`;
}

/**
 * A collaborative's changelog, e.g. `crosscare.ccr.patient-records.v2`: compacted, partitioned by NHS number, one
 * message per current item of each patient's record (keyed by NHS number and item) and one head per patient (keyed
 * by NHS number); see docs/projections.md. What cross-ICS subscribers follow. Version 2 replaced the whole-record
 * v1 topic, whose messages grew with the patient's history.
 */
export function changelogTopic(collaborative: string, prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.${collaborative.toLowerCase()}.patient-records.v2`;
}

/** Events a collaborative's projector could not decode or project, with the reason in headers. */
export function projectorDeadLetterTopic(
  collaborative: string,
  prefix: string = DEFAULT_TOPIC_PREFIX,
): string {
  return `${prefix}.${collaborative.toLowerCase()}.projector-dead-letters.v1`;
}

/**
 * Dead letters re-driven by `npm run dlq -- replay`: the projector consumes this beside its ICS topics, so a replay
 * never rewrites an ICS topic, which other consumers read too.
 */
export function projectorRetryTopic(collaborative: string, prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.${collaborative.toLowerCase()}.projector-retries.v1`;
}

/** Every read of a shared record, one audit event each: who, in what role and organisation, why, and when. */
export function recordAccessAuditTopic(prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.audit.record-access.v1`;
}

/**
 * What a privacy officer must look at: break-glass reads and users or addresses refused again and again
 * (AccessAlertRaised). Kept forever, like the audit it points into.
 */
export function accessAlertTopic(prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.audit.access-alerts.v1`;
}

/** Every grant, revocation and expiry of a subscriber's access: who, what, under which agreement, by whom. */
export function subscriberGrantAuditTopic(prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.audit.subscriber-grants.v1`;
}

/**
 * Patients' opt-outs from secondary use (OptOutChanged): compacted, keyed by `<nhsNumber>/<kind>` and partitioned by
 * NHS number. Written by the National Data Opt-out import and by ingest (a GP practice's type 1 objection); read by the
 * SDE publisher alone.
 */
export function optOutTopic(prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.opt-outs.v1`;
}

/** Every SDE topic starts with this: the SDE publisher writes these and no others. */
export function sdeTopicPrefix(prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.sde.`;
}

/**
 * An approved SDE project's data, e.g. `crosscare.sde.diabetes-outcomes.v1`: compacted, one pseudonymised and
 * minimised row per record-change event, keyed by `<pseudonym>.<row id>`. The version is the project's output
 * version, raised when its approved fields change in a way its consumers cannot read.
 */
export function sdeProjectTopic(
  project: string,
  version: number,
  prefix: string = DEFAULT_TOPIC_PREFIX,
): string {
  return `${sdeTopicPrefix(prefix)}${project}.v${version}`;
}

/** An SDE project's notices (SdeNotice): remove or restore a pseudonym's rows. Kept forever. */
export function sdeNoticeTopic(project: string, prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${sdeTopicPrefix(prefix)}${project}.notices.v1`;
}

/**
 * Record changes or opt-outs the SDE publisher could not decode, with the reason in headers. Outside the `sde.`
 * prefix on purpose: it holds identifiable source events, and nothing under that prefix may.
 */
export function sdePublisherDeadLetterTopic(prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.sde-publisher.dead-letters.v1`;
}

/** Record-change messages the subscription service could never decode, with the reason; kept forever. */
export function subscriptionsDeadLetterTopic(prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.subscriptions.dead-letters.v1`;
}

/**
 * Where ingest's outbox relay keeps its position: never written to; its one partition carries the relay's committed
 * consumer-group offset, which the relay commits in the same Kafka transaction as the events it publishes (the
 * offset's metadata holds the position). One partition, compacted, so it costs nothing.
 */
export function ingestRelayPositionTopic(prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.ingest.relay-position.v1`;
}
