/**
 * What Crosscare's services declare about Kafka, gathered from where they declare it, for `npm run k8s:generate`:
 * the principals and their grants (libs/governance), the topics each service provisions with its partitions and
 * settings (the same declarations ensureTopics receives), and the consumer groups with the topics they read.
 *
 * It lives under test/ because it reads the apps' own declarations (apps/projector's topology, apps/sde-publisher's
 * topic specs, the record API's, ingest's and subscriptions' own topics), and libs never import apps; libs/deployment turns it into
 * resources.
 */
import {
  accessAlertTopic,
  ingestRelayPositionTopic,
  optOutTopic,
  recordAccessAuditTopic,
  recordChangeTopic,
  sdePublisherDeadLetterTopic,
  subscriberGrantAuditTopic,
  subscriptionsDeadLetterTopic,
} from '@crosscare/events';
import {
  adminPrincipalName,
  DEFAULT_ACCESS_NAMING,
  loadProviderDirectory,
  projectorGroupId,
  sdePublisherGroupId,
  servicePrincipals,
  subscriptionsGroupId,
  type CollaborativeCode,
} from '@crosscare/governance';
import {
  LAG_PER_REPLICA,
  MIN_CONSUMER_REPLICAS,
  TOPIC_REPLICAS,
  type ConsumerDeployment,
  type DeploymentCatalogue,
} from '@crosscare/deployment';
import type { TopicSpec } from '@crosscare/kafka';
import { loadSdeProjects, Pseudonymiser } from '@crosscare/sde';
import { grantAuditTopicSpec } from '@crosscare/subscribers';
import { projectorTopicSpecs, projectorTopology } from '../../apps/projector/src/projector-topology';
import { relayPositionTopicSpec } from '../../apps/ingest/src/relay/ingest-outbox-relay';
import { auditTopicSpecs } from '../../apps/record-api/src/record-api-services';
import { subscriptionsDeadLetterTopicSpec } from '../../apps/subscriptions/src/subscriptions-services';
import { ProjectOutput } from '../../apps/sde-publisher/src/publishing/project-output';
import { sdeTopicSpecs } from '../../apps/sde-publisher/src/sde-topology';
import { optOutTopicSpec, recordChangeTopicSpecs } from '../../libs/local-stack/src/record-change-topics';

const { topicPrefix } = DEFAULT_ACCESS_NAMING;
const COLLABORATIVES: readonly CollaborativeCode[] = ['CCR', 'OHC'];

/** Topics the record API, subscriptions, ingest's relay and the subscribers command provision, as they do. */
function serviceOwnedTopics(): TopicSpec[] {
  return [
    ...auditTopicSpecs(recordAccessAuditTopic(topicPrefix), accessAlertTopic(topicPrefix), TOPIC_REPLICAS),
    subscriptionsDeadLetterTopicSpec(subscriptionsDeadLetterTopic(topicPrefix), TOPIC_REPLICAS),
    relayPositionTopicSpec(ingestRelayPositionTopic(topicPrefix), TOPIC_REPLICAS),
    grantAuditTopicSpec(subscriberGrantAuditTopic(topicPrefix), TOPIC_REPLICAS),
  ];
}

/**
 * The approved SDE projects as the publisher writes them. Only their topic names and partitions are read: the key is
 * a placeholder (the real ones are secrets, and never needed to name a topic), the schema id unused.
 */
function sdeProjectOutputs(): ProjectOutput[] {
  const placeholderKey = new Pseudonymiser(Buffer.alloc(64, 1));
  return loadSdeProjects().map((project) => new ProjectOutput(project, placeholderKey, 0, topicPrefix));
}

export function deploymentCatalogue(): DeploymentCatalogue {
  const directory = loadProviderDirectory();
  const collaboratives = directory.collaboratives();
  const icsTopics = directory.icss().map((ics) => recordChangeTopic(ics.code, topicPrefix));
  const topologies = COLLABORATIVES.map((code) => projectorTopology(code, collaboratives, topicPrefix));

  const topics: TopicSpec[] = [
    ...recordChangeTopicSpecs(TOPIC_REPLICAS, topicPrefix),
    optOutTopicSpec(TOPIC_REPLICAS, topicPrefix),
    ...topologies.flatMap((topology) => projectorTopicSpecs(topology, TOPIC_REPLICAS)),
    ...sdeTopicSpecs(sdeProjectOutputs(), sdePublisherDeadLetterTopic(topicPrefix), TOPIC_REPLICAS),
    ...serviceOwnedTopics(),
  ];

  const consumers: ConsumerDeployment[] = [
    // What ProjectorConsumer subscribes to: its ICS topics, its retry topic and the other side's changelog.
    ...topologies.map((topology) => ({
      deployment: `projector-${topology.collaborative.toLowerCase()}`,
      group: projectorGroupId(topology.collaborative),
      topics: [...topology.recordChangeTopics, topology.remoteChangelogTopic],
      lagPerReplica: LAG_PER_REPLICA.projector,
      minReplicas: MIN_CONSUMER_REPLICAS,
    })),
    // apps/sde-publisher: every ICS's record changes and the opt-outs.
    {
      deployment: 'sde-publisher',
      group: sdePublisherGroupId(),
      topics: [...icsTopics, optOutTopic(topicPrefix)],
      lagPerReplica: LAG_PER_REPLICA.sdePublisher,
      minReplicas: MIN_CONSUMER_REPLICAS,
    },
    // apps/subscriptions: every ICS's record changes.
    {
      deployment: 'subscriptions',
      group: subscriptionsGroupId(),
      topics: icsTopics,
      lagPerReplica: LAG_PER_REPLICA.subscriptions,
      minReplicas: MIN_CONSUMER_REPLICAS,
    },
  ];

  return {
    principals: servicePrincipals(collaboratives),
    adminPrincipal: adminPrincipalName(),
    topics,
    consumers,
  };
}
