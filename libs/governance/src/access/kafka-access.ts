import {
  changelogTopic,
  DEFAULT_TOPIC_PREFIX,
  ingestRelayPositionTopic,
  projectorDeadLetterTopic,
  projectorRetryTopic,
  recordAccessAuditTopic,
  accessAlertTopic,
  recordChangeTopic,
  optOutTopic,
  sdeNoticeTopic,
  sdeProjectTopic,
  sdeTopicPrefix,
  sdePublisherDeadLetterTopic,
  subscriptionsDeadLetterTopic,
} from '@crosscare/events';
import type { Collaborative, CollaborativeCode } from '../directory/provider';

/**
 * Who may do what on Crosscare's Kafka cluster: one principal per service role, each with the least it needs, as
 * Kafka ACLs. The local stack, the subscriber CLI and the tests apply these definitions; nothing else grants rights.
 * Pure data, so the rights can be reviewed and tested without a broker.
 */

export type KafkaResourceType = 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID';
export type KafkaPatternType = 'LITERAL' | 'PREFIXED';
/**
 * READ and WRITE imply DESCRIBE on the same resource, so DESCRIBE is never granted on its own here. CREATE lets a
 * service provision the topics it owns on its first start, with the partitions and settings its code declares.
 * DELETE is granted on consumer groups only, and only on throwaway ones: no principal deletes a topic.
 */
export type KafkaOperation = 'READ' | 'WRITE' | 'CREATE' | 'DELETE';

export interface KafkaGrant {
  readonly resourceType: KafkaResourceType;
  readonly patternType: KafkaPatternType;
  readonly resourceName: string;
  readonly operation: KafkaOperation;
}

export type ServiceRole =
  | 'ingest'
  | 'projector-ccr'
  | 'projector-ohc'
  | 'record-api'
  | 'sde-publisher'
  | 'opt-out-import'
  | 'subscriptions';
export const SERVICE_ROLES: readonly ServiceRole[] = [
  'ingest',
  'projector-ccr',
  'projector-ohc',
  'record-api',
  'sde-publisher',
  'opt-out-import',
  'subscriptions',
];

export interface KafkaPrincipal {
  /** The SCRAM user name; Kafka sees it as `User:<name>`. */
  readonly name: string;
  /** What it is for, in a line: shown by `subscribers list` and in docs/security.md. */
  readonly purpose: string;
  readonly grants: readonly KafkaGrant[];
}

/**
 * How names are formed. Production uses the defaults; a test passes unique prefixes so that its principals, topics,
 * groups and transactional ids are its own on a shared cluster.
 */
export interface AccessNaming {
  /** Topic names' prefix (`crosscare` → `crosscare.qhl.record-changes.v1`). */
  readonly topicPrefix: string;
  /** Prefix of principal names, consumer groups and transactional ids (`crosscare` → `crosscare-ingest`). */
  readonly idPrefix: string;
}

export const DEFAULT_ACCESS_NAMING: AccessNaming = {
  topicPrefix: DEFAULT_TOPIC_PREFIX,
  idPrefix: 'crosscare',
};

/** The cluster's only super user: it provisions topics, users and ACLs. No service runs as it. */
export function adminPrincipalName(naming: AccessNaming = DEFAULT_ACCESS_NAMING): string {
  return `${naming.idPrefix}-admin`;
}

export function servicePrincipalName(
  role: ServiceRole,
  naming: AccessNaming = DEFAULT_ACCESS_NAMING,
): string {
  return `${naming.idPrefix}-${role}`;
}

/** The consumer group (and group prefix) a collaborative's projector uses: its rebuilds and DLQ reads extend it. */
export function projectorGroupId(collaborative: CollaborativeCode, naming = DEFAULT_ACCESS_NAMING): string {
  return `${naming.idPrefix}-projector-${collaborative.toLowerCase()}`;
}

/**
 * The throwaway groups a projector's dead-letter reads use (`npm run dlq`, rebuilds: readDeadLetters in
 * apps/projector), one per read, deleted when the read ends so they do not pile up on the broker. Under the
 * projector's group prefix, but longer, so deleting them never reaches the projector's own group.
 */
export function projectorDeadLetterReaderGroupPrefix(
  collaborative: CollaborativeCode,
  naming = DEFAULT_ACCESS_NAMING,
): string {
  return `${projectorGroupId(collaborative, naming)}-dlq-reader`;
}

/** The SDE publisher's consumer group (and group prefix). */
export function sdePublisherGroupId(naming = DEFAULT_ACCESS_NAMING): string {
  return `${naming.idPrefix}-sde-publisher`;
}

/** The subscription service's consumer group (and group prefix). */
export function subscriptionsGroupId(naming = DEFAULT_ACCESS_NAMING): string {
  return `${naming.idPrefix}-subscriptions`;
}

/**
 * The throwaway groups the subscription service reads events at known offsets with (a full-resource notification
 * after a restart, $events), one per read, deleted when it ends. Under its group prefix, but longer, so deleting
 * them never reaches the service's own group.
 */
export function subscriptionsReaderGroupPrefix(naming = DEFAULT_ACCESS_NAMING): string {
  return `${subscriptionsGroupId(naming)}-reader`;
}

/** The throwaway groups the National Data Opt-out import uses to read the opt-out topic's current state. */
export function optOutImportGroupPrefix(naming = DEFAULT_ACCESS_NAMING): string {
  return `${naming.idPrefix}-opt-out-import`;
}

/** Ingest's transactional ids all start with this. */
export function ingestTransactionalIdPrefix(naming = DEFAULT_ACCESS_NAMING): string {
  return `${naming.idPrefix}-ingest`;
}

/**
 * Ingest's outbox relay: its transactional id and the consumer group whose offset holds its position (INGEST_RELAY_ID),
 * one per deployment.
 */
export function ingestRelayId(naming = DEFAULT_ACCESS_NAMING): string {
  return `${ingestTransactionalIdPrefix(naming)}-relay`;
}

/**
 * The transactional ids of a service's outbox relays (the projector's changelog, the SDE publisher's outbox) all
 * start with this: under the service's consumer group id, so a test's unique naming keeps them its own.
 */
export function relayTransactionalIdPrefix(groupId: string): string {
  return `${groupId}-relay.`;
}

/**
 * The transactional id of one outbox's relay, the same on every instance that may relay it (one per read model or
 * store schema, as the relay lock is): the instance that takes the relay over fences the one before.
 */
export function relayTransactionalId(groupId: string, schema: string): string {
  return `${relayTransactionalIdPrefix(groupId)}${schema}`;
}

const relayTransactions = (groupId: string): KafkaGrant => ({
  resourceType: 'TRANSACTIONAL_ID',
  patternType: 'PREFIXED',
  resourceName: relayTransactionalIdPrefix(groupId),
  operation: 'WRITE',
});

const topic = (name: string, operation: KafkaOperation): KafkaGrant => ({
  resourceType: 'TOPIC',
  patternType: 'LITERAL',
  resourceName: name,
  operation,
});

const groupPrefix = (prefix: string): KafkaGrant => ({
  resourceType: 'GROUP',
  patternType: 'PREFIXED',
  resourceName: prefix,
  operation: 'READ',
});

function collaborativeOf(collaboratives: readonly Collaborative[], code: CollaborativeCode): Collaborative {
  const found = collaboratives.find((c) => c.code === code);
  if (!found) throw new Error(`the provider directory has no collaborative ${code}`);
  return found;
}

/**
 * The services' principals. No service may delete or reconfigure a topic, read what it does not consume, or
 * write what it does not publish.
 */
export function servicePrincipals(
  collaboratives: readonly Collaborative[],
  naming: AccessNaming = DEFAULT_ACCESS_NAMING,
): KafkaPrincipal[] {
  const { topicPrefix } = naming;
  const allIcs = collaboratives.flatMap((c) => c.ics);
  const ingest: KafkaPrincipal = {
    name: servicePrincipalName('ingest', naming),
    purpose:
      "publishes providers' record changes on their ICS's topic, and GP practices' type 1 objections on the " +
      'opt-out topic, from its outbox, transactionally',
    grants: [
      ...allIcs.map((ics) => topic(recordChangeTopic(ics, topicPrefix), 'WRITE')),
      // A practice's type 1 objection, in the same transaction as the request's record changes. WRITE implies
      // DESCRIBE, which ingest needs to learn the topic's partition count (opt-outs are partitioned by NHS number).
      topic(optOutTopic(topicPrefix), 'WRITE'),
      {
        resourceType: 'TRANSACTIONAL_ID',
        patternType: 'PREFIXED',
        resourceName: ingestTransactionalIdPrefix(naming),
        operation: 'WRITE',
      },
      // The outbox relay's position: an offset of its group on this topic, committed in the relay's transactions
      // (TxnOffsetCommit needs READ on both), and the topic provisioned by the relay on its first start.
      {
        resourceType: 'GROUP',
        patternType: 'PREFIXED',
        resourceName: ingestRelayId(naming),
        operation: 'READ',
      },
      topic(ingestRelayPositionTopic(topicPrefix), 'READ'),
      topic(ingestRelayPositionTopic(topicPrefix), 'CREATE'),
    ],
  };
  const projector = (code: CollaborativeCode): KafkaPrincipal => {
    const own = collaborativeOf(collaboratives, code);
    const other = collaboratives.find((c) => c.code !== code);
    if (!other) throw new Error(`the provider directory has no collaborative besides ${code}`);
    return {
      name: servicePrincipalName(code === 'CCR' ? 'projector-ccr' : 'projector-ohc', naming),
      purpose: `projects ${code}'s ICS topics into its read model and publishes ${code}'s changelog`,
      grants: [
        ...own.ics.map((ics) => topic(recordChangeTopic(ics, topicPrefix), 'READ')),
        topic(changelogTopic(other.code, topicPrefix), 'READ'),
        topic(changelogTopic(code, topicPrefix), 'WRITE'),
        topic(projectorDeadLetterTopic(code, topicPrefix), 'WRITE'),
        // The DLQ tool reads dead letters and re-drives them through the retry topic, which the projector reads.
        topic(projectorDeadLetterTopic(code, topicPrefix), 'READ'),
        topic(projectorRetryTopic(code, topicPrefix), 'WRITE'),
        topic(projectorRetryTopic(code, topicPrefix), 'READ'),
        // Provisioning on first start: its own topics, and the other side's changelog (with the same settings) so
        // that the two projectors may start in either order. Creating is not writing: it cannot publish there.
        ...[changelogTopic(code, topicPrefix), changelogTopic(other.code, topicPrefix)].map((t) =>
          topic(t, 'CREATE'),
        ),
        topic(projectorDeadLetterTopic(code, topicPrefix), 'CREATE'),
        topic(projectorRetryTopic(code, topicPrefix), 'CREATE'),
        groupPrefix(projectorGroupId(code, naming)),
        // The changelog relay's transactions, which fence a relay that lost its lock without knowing.
        relayTransactions(projectorGroupId(code, naming)),
        {
          resourceType: 'GROUP',
          patternType: 'PREFIXED',
          resourceName: projectorDeadLetterReaderGroupPrefix(code, naming),
          operation: 'DELETE',
        },
      ],
    };
  };
  const recordApi: KafkaPrincipal = {
    name: servicePrincipalName('record-api', naming),
    purpose: 'records one audit event per request for a shared record, and raises access alerts',
    grants: [
      topic(recordAccessAuditTopic(topicPrefix), 'WRITE'),
      topic(recordAccessAuditTopic(topicPrefix), 'CREATE'),
      topic(accessAlertTopic(topicPrefix), 'WRITE'),
      topic(accessAlertTopic(topicPrefix), 'CREATE'),
    ],
  };
  const sdePublisher: KafkaPrincipal = {
    name: servicePrincipalName('sde-publisher', naming),
    purpose:
      "reads every ICS's record changes and the opt-outs, and publishes SDE projects' pseudonymised topics (those alone)",
    grants: [
      ...allIcs.map((ics) => topic(recordChangeTopic(ics, topicPrefix), 'READ')),
      topic(optOutTopic(topicPrefix), 'READ'),
      // Every project's topics, present and future, and nothing outside them: a project is added by reviewed data,
      // not by a change of rights. Creating is provisioning a new project's topics on start.
      ...(['WRITE', 'CREATE'] as const).map((operation): KafkaGrant => ({
        resourceType: 'TOPIC',
        patternType: 'PREFIXED',
        resourceName: sdeTopicPrefix(topicPrefix),
        operation,
      })),
      topic(sdePublisherDeadLetterTopic(topicPrefix), 'WRITE'),
      topic(sdePublisherDeadLetterTopic(topicPrefix), 'CREATE'),
      groupPrefix(sdePublisherGroupId(naming)),
      // The outbox relay's transactions, which fence a relay that lost its lock without knowing.
      relayTransactions(sdePublisherGroupId(naming)),
    ],
  };
  const optOutImport: KafkaPrincipal = {
    name: servicePrincipalName('opt-out-import', naming),
    purpose: "imports the national service's opt-out answers onto the opt-out topic",
    grants: [
      topic(optOutTopic(topicPrefix), 'READ'),
      topic(optOutTopic(topicPrefix), 'WRITE'),
      groupPrefix(optOutImportGroupPrefix(naming)),
      {
        resourceType: 'GROUP',
        patternType: 'PREFIXED',
        resourceName: optOutImportGroupPrefix(naming),
        operation: 'DELETE',
      },
    ],
  };
  const subscriptions: KafkaPrincipal = {
    name: servicePrincipalName('subscriptions', naming),
    purpose:
      "reads every ICS's record changes to notify FHIR subscribers (re-reading known offsets for $events); " +
      'writes only its dead letters',
    grants: [
      ...allIcs.map((ics) => topic(recordChangeTopic(ics, topicPrefix), 'READ')),
      topic(subscriptionsDeadLetterTopic(topicPrefix), 'WRITE'),
      topic(subscriptionsDeadLetterTopic(topicPrefix), 'CREATE'),
      groupPrefix(subscriptionsGroupId(naming)),
      {
        resourceType: 'GROUP',
        patternType: 'PREFIXED',
        resourceName: subscriptionsReaderGroupPrefix(naming),
        operation: 'DELETE',
      },
    ],
  };
  return [ingest, projector('CCR'), projector('OHC'), recordApi, sdePublisher, optOutImport, subscriptions];
}

export function servicePrincipal(
  role: ServiceRole,
  collaboratives: readonly Collaborative[],
  naming: AccessNaming = DEFAULT_ACCESS_NAMING,
): KafkaPrincipal {
  const name = servicePrincipalName(role, naming);
  const found = servicePrincipals(collaboratives, naming).find((p) => p.name === name);
  if (!found) throw new Error(`no principal for ${role}`);
  return found;
}

/** A subscriber's name: lower-case letters, digits and dashes, so that it is safe in a principal and group name. */
export const SUBSCRIBER_NAME = /^[a-z][a-z0-9-]{1,40}[a-z0-9]$/;

function checkSubscriberName(name: string): void {
  if (!SUBSCRIBER_NAME.test(name)) {
    throw new Error(
      `subscriber name "${name}" must be 3 to 42 lower-case letters, digits or dashes, starting with a letter`,
    );
  }
}

export function subscriberPrincipalName(name: string, naming: AccessNaming = DEFAULT_ACCESS_NAMING): string {
  return `${naming.idPrefix}-sub-${name}`;
}

/** Consumer groups a subscriber may use: any whose id starts with this. */
export function subscriberGroupPrefix(name: string, naming: AccessNaming = DEFAULT_ACCESS_NAMING): string {
  return `${subscriberPrincipalName(name, naming)}.`;
}

/** A downstream system granted one collaborative's changelog: read it, with groups of its own, and nothing else. */
export function subscriberPrincipal(
  name: string,
  collaborative: CollaborativeCode,
  naming: AccessNaming = DEFAULT_ACCESS_NAMING,
): KafkaPrincipal {
  checkSubscriberName(name);
  return {
    name: subscriberPrincipalName(name, naming),
    purpose: `subscriber: reads ${collaborative}'s changelog`,
    grants: [
      topic(changelogTopic(collaborative, naming.topicPrefix), 'READ'),
      groupPrefix(subscriberGroupPrefix(name, naming)),
    ],
  };
}

/**
 * An SDE team granted one approved project: its data topic (at the project's output version) and its notice topic,
 * with groups of its own, and nothing else; never the opt-out topic or any identifiable topic.
 */
export function sdeSubscriberPrincipal(
  name: string,
  project: { readonly id: string; readonly version: number },
  naming: AccessNaming = DEFAULT_ACCESS_NAMING,
): KafkaPrincipal {
  checkSubscriberName(name);
  return {
    name: subscriberPrincipalName(name, naming),
    purpose: `SDE team: reads project ${project.id}'s pseudonymised topic and its notices`,
    grants: [
      topic(sdeProjectTopic(project.id, project.version, naming.topicPrefix), 'READ'),
      topic(sdeNoticeTopic(project.id, naming.topicPrefix), 'READ'),
      groupPrefix(subscriberGroupPrefix(name, naming)),
    ],
  };
}
