import {
  kafkaTopics,
  type KubernetesObject,
  parseYamlDocuments,
  TOPIC_REPLICAS,
  type KafkaTopicResource,
  type ScaledObjectResource,
} from '@crosscare/deployment';
import {
  loadProviderDirectory,
  projectorGroupId,
  sdePublisherGroupId,
  servicePrincipals,
  subscriptionsGroupId,
} from '@crosscare/governance';
import type { TopicSpec } from '@crosscare/kafka';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectorTopicSpecs, projectorTopology } from '../../apps/projector/src/projector-topology';
import { optOutTopicSpec, recordChangeTopicSpecs } from '../../libs/local-stack/src/record-change-topics';
import { deploymentCatalogue } from './deployment-catalogue';

const ROOT = path.resolve(__dirname, '..', '..');
const committed = <T>(file: string) =>
  parseYamlDocuments(fs.readFileSync(path.join(ROOT, file), 'utf8')) as T[];
const topics = committed<KafkaTopicResource>('deploy/k8s/base/kafka/kafka-topics.yaml');
const scaled = committed<ScaledObjectResource>('deploy/k8s/base/autoscaling/scaled-objects.yaml');
const catalogue = deploymentCatalogue();
const collaboratives = loadProviderDirectory().collaboratives();

function topicNamed(name: string): KafkaTopicResource | undefined {
  return topics.find((t) => (t.spec.topicName ?? t.metadata.name) === name);
}

function expectDeclared(spec: TopicSpec) {
  const topic = topicNamed(spec.name);
  expect(topic).toBeDefined();
  expect(topic!.spec.partitions).toBe(spec.partitions);
  expect(topic!.spec.replicas).toBe(spec.replicationFactor ?? TOPIC_REPLICAS);
  expect(topic!.spec.config ?? {}).toEqual(spec.config ?? {});
}

describe('the committed KafkaTopics', () => {
  it("are the local stack's record-change and opt-out topics, partitions and settings as it provisions them", () => {
    for (const spec of [...recordChangeTopicSpecs(TOPIC_REPLICAS), optOutTopicSpec(TOPIC_REPLICAS)]) {
      expectDeclared(spec);
    }
  });

  it("are each projector's topics as it provisions them (its changelog compacted, dead letters kept)", () => {
    for (const code of ['CCR', 'OHC'] as const) {
      for (const spec of projectorTopicSpecs(
        projectorTopology(code, collaboratives, 'crosscare'),
        TOPIC_REPLICAS,
      )) {
        expectDeclared(spec);
      }
    }
  });

  it('are what the catalogue declares, nothing more, nothing less', () => {
    expect(topics).toEqual(kafkaTopics(catalogue.topics));
  });

  it('include every topic a service principal may name literally: none it reads, writes or creates is missing', () => {
    const named = servicePrincipals(collaboratives)
      .flatMap((p) => p.grants)
      .filter((g) => g.resourceType === 'TOPIC' && g.patternType === 'LITERAL')
      .map((g) => g.resourceName);
    expect([...new Set(named)].filter((name) => !topicNamed(name))).toEqual([]);
  });
});

describe('the committed ScaledObjects', () => {
  const partitions = (names: readonly string[]) =>
    names.reduce((sum, name) => sum + topicNamed(name)!.spec.partitions, 0);
  const scaledFor = (deployment: string) => scaled.find((s) => s.metadata.name === deployment)!;
  const query = (s: ScaledObjectResource) =>
    (s.spec.triggers as Array<{ metadata: { query: string } }>)[0].metadata.query;

  it("bound each projector by the partitions of its ICS topics, its retry topic and the other side's changelog", () => {
    for (const code of ['CCR', 'OHC'] as const) {
      const topology = projectorTopology(code, collaboratives, 'crosscare');
      const object = scaledFor(`projector-${code.toLowerCase()}`);
      expect(object.spec.maxReplicaCount).toBe(
        partitions([...topology.recordChangeTopics, topology.remoteChangelogTopic]),
      );
      expect(object.spec.maxReplicaCount).toBe(30);
      expect(query(object)).toContain(`group="${projectorGroupId(code)}"`);
    }
  });

  it('bound the SDE publisher by every ICS topic and the opt-outs, and subscriptions by every ICS topic', () => {
    const ics = recordChangeTopicSpecs(TOPIC_REPLICAS).map((t) => t.name);
    expect(scaledFor('sde-publisher').spec.maxReplicaCount).toBe(
      partitions([...ics, optOutTopicSpec(TOPIC_REPLICAS).name]),
    );
    expect(query(scaledFor('sde-publisher'))).toContain(`group="${sdePublisherGroupId()}"`);
    expect(scaledFor('subscriptions').spec.maxReplicaCount).toBe(partitions(ics));
    expect(query(scaledFor('subscriptions'))).toContain(`group="${subscriptionsGroupId()}"`);
  });

  it('scale Deployments that exist in the base and leave their replicas to KEDA', () => {
    for (const object of scaled) {
      const file = path.join(ROOT, 'deploy/k8s/base/services', `${object.metadata.name}.yaml`);
      const documents = parseYamlDocuments(fs.readFileSync(file, 'utf8')) as KubernetesObject[];
      const deployment = documents.find((d) => d.kind === 'Deployment') as
        (KubernetesObject & { spec: { replicas?: number } }) | undefined;
      expect(deployment?.metadata.name).toBe(object.metadata.name);
      expect(deployment?.spec.replicas).toBeUndefined();
    }
  });
});
